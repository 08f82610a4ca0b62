"""The sandbox's testing tools. In production every path here is a 404 page."""


from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from myengine.clients import operations as clients
from myengine.errors import ApiError
from myengine.live_services.models import PLATFORM_CAUSES
from myengine.portal import queries, sandbox
from myengine.portal.web import (
    CurrentViewer,
    PageNotFound,
    Viewer,
    ViewerForm,
    database_of,
    field,
    is_sandbox,
    parse_id,
    redirect,
    render,
    viewer_actor,
)


def _sandbox_only(request: Request) -> None:
    if not is_sandbox(request):
        raise PageNotFound()


router = APIRouter(prefix="/sandbox", dependencies=[Depends(_sandbox_only)])


NOTICES = {
    "credits": "The test credits were added.",
    "reset": "Every client, live service and ledger entry of this account was deleted.",
    "suspended": "The platform suspension is in force.",
    "unsuspended": "The platform suspension is lifted.",
}


def _page(request: Request, viewer: Viewer, *, status: int = 200, error: str | None = None,
          notice: str | None = None) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        balance = clients.credit_balance(session)
        services = queries.running_services(session)
        return render(request, "sandbox.html", status=status, viewer=viewer, error=error,
                      notice=notice, balance=balance, services=services,
                      platform_causes=sorted(cause.value for cause in PLATFORM_CAUSES))


@router.get("")
def tools(request: Request, viewer: CurrentViewer, done: str = "") -> HTMLResponse:
    return _page(request, viewer, notice=NOTICES.get(done))


@router.post("/credits")
def add_credits(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    raw = field(form, "amount").strip()
    try:
        amount = int(raw) if raw.isdigit() else 0
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            sandbox.add_test_credits(session, viewer.partner_id, amount=amount,
                                     portal_user_id=viewer.user_id)
    except sandbox.SandboxError as exc:
        return _page(request, viewer, status=422, error=str(exc))
    return redirect("/portal/sandbox?done=credits")


@router.post("/reset")
def reset(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    if field(form, "confirm").strip() != "RESET":
        return _page(request, viewer, status=422,
                     error="Type RESET in the box to confirm that every client, service and "
                     "ledger entry of this account should be deleted.")
    with viewer_actor(request, viewer), \
            database_of(request).write(partner_id=viewer.partner_id) as session:
        sandbox.reset_data(session, viewer.partner_id, portal_user_id=viewer.user_id)
    return redirect("/portal/sandbox?done=reset")


@router.post("/suspensions")
def platform_suspension(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    suspend = field(form, "action") != "lift"
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            sandbox.set_platform_suspension(
                session, parse_id(field(form, "live_service_id")), cause=field(form, "cause"),
                suspend=suspend, partner_id=viewer.partner_id, portal_user_id=viewer.user_id,
            )
    except (sandbox.SandboxError, ApiError) as exc:
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        return _page(request, viewer, status=422, error=message)
    return redirect(f"/portal/sandbox?done={'suspended' if suspend else 'unsuspended'}")
