"""The home page (Partner ID, balance, API access), the credit ledger and the audit trail."""


from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from myengine.clients import operations as clients
from myengine.partners.operations import get_partner
from myengine.portal import queries
from myengine.portal.web import (
    CurrentViewer,
    PageNotFound,
    database_of,
    render,
    settings_of,
)

router = APIRouter()
fallback = APIRouter()


@router.get("/")
def home(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        record, balance = clients.get_self(session)
        partner = get_partner(session, viewer.partner_id)
        return render(request, "home.html", viewer=viewer, record=record, balance=balance,
                      api_enabled=partner.api_enabled,
                      api_base=settings_of(request).public_url.rstrip("/"))


@router.get("/credits")
def credits(request: Request, viewer: CurrentViewer, cursor: str | None = None) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        balance = clients.credit_balance(session)
        page = queries.ledger(session, cursor=cursor)
        return render(request, "credits.html", viewer=viewer, balance=balance, page=page)


@router.get("/audit")
def audit(request: Request, viewer: CurrentViewer, cursor: str | None = None) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        page = queries.audit_events(session, cursor=cursor)
        return render(request, "audit.html", viewer=viewer, page=page)


@fallback.get("/{path:path}")
def not_found(request: Request, path: str) -> HTMLResponse:
    raise PageNotFound()
