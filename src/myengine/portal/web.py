"""Shared parts of every portal page: templates, security headers, session and CSRF checks.

Every form carries the session's CSRF token in a hidden ``csrf_token`` field, and every POST
compares it with the token stored with the session (the synchronizer-token pattern). The
``SameSite=Lax`` cookie is a second layer, not the check itself.
"""

import datetime as dt
import hmac
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from myengine.api.envelope import request_id
from myengine.audit.context import AuditActor
from myengine.db.engine import Database
from myengine.partners.models import Partner
from myengine.portal import sessions
from myengine.portal.audit_trail import portal_actor
from myengine.portal.models import PortalUser
from myengine.settings import Environment as Deployment
from myengine.settings import Settings

PREFIX = "/portal"

SECURITY_HEADERS = {
    # Every asset comes from this server, so the pages also work with no internet access.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links in mails carry one-time tokens in the path; no page passes its URL on.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


templates = Environment(
    loader=PackageLoader("myengine.portal", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = _when


@dataclass(frozen=True)
class Viewer:
    """The logged-in portal user of this request."""

    session_id: str
    csrf_token: str
    user_id: int
    partner_id: int
    partner_name: str
    contact_name: str


@dataclass(frozen=True)
class Visitor:
    """The session of someone not logged in, which carries the CSRF token of public forms."""

    session_id: str
    csrf_token: str
    # Set when this request started the session, so the response must set the cookie.
    new_cookie: str | None


class LoginRequired(Exception):
    """No valid logged-in session; the visitor is sent to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRejected(Exception):
    """A POST without the session's CSRF token (or without any session)."""


class PageNotFound(Exception):
    """No such page or record for this partner; rendered as the portal's 404 page."""


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def database_of(request: Request) -> Database:
    return request.app.state.database


def is_sandbox(request: Request) -> bool:
    return settings_of(request).environment is Deployment.SANDBOX


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    viewer: Viewer | None = None,
    csrf_token: str | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    settings = settings_of(request)
    html = templates.get_template(template).render(
        sandbox=settings.environment is Deployment.SANDBOX,
        environment=settings.environment.value,
        viewer=viewer,
        csrf_token=csrf_token or (viewer.csrf_token if viewer else ""),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


def safe_next(path: str | None) -> str:
    """Return ``path`` when it is a portal page on this site, else the portal's home."""
    if path and path.startswith(PREFIX + "/") and not path.startswith("//") and "\\" not in path:
        return path
    return PREFIX + "/"


def _load_viewer(request: Request) -> Viewer | None:
    settings = settings_of(request)
    database = database_of(request)
    token = sessions.read_cookie(request, settings)
    with database.read(operator=True) as session:
        row = sessions.find(session, token)
        if row is None or row.user_id is None:
            return None
        user = session.get(PortalUser, row.user_id)
        partner = session.get(Partner, user.partner_id) if user else None
        if user is None or partner is None:
            return None
        viewer = Viewer(
            session_id=row.id,
            csrf_token=row.csrf_token,
            user_id=user.id,
            partner_id=partner.id,
            partner_name=partner.name,
            contact_name=user.contact_name,
        )
        stale = sessions.needs_touch(row)
    if stale:
        with database.write(operator=True) as session:
            sessions.touch(session, viewer.session_id)
    return viewer


async def current_viewer(request: Request) -> Viewer:
    """Return the logged-in user; send anyone else to the login page, and back here after."""
    viewer = await run_in_threadpool(_load_viewer, request)
    if viewer is None:
        next_path = request.url.path if request.method == "GET" else PREFIX + "/"
        raise LoginRequired(next_path)
    return viewer


async def viewer_form(request: Request) -> tuple[Viewer, FormData]:
    """Return the logged-in user and the POSTed form, once its CSRF token matched."""
    viewer = await current_viewer(request)
    form = await request.form()
    _check_csrf(form, viewer.csrf_token)
    return viewer, form


def _load_visitor(request: Request, *, create: bool) -> Visitor | None:
    settings = settings_of(request)
    database = database_of(request)
    token = sessions.read_cookie(request, settings)
    with database.read(operator=True) as session:
        row = sessions.find(session, token)
        if row is not None:
            return Visitor(session_id=row.id, csrf_token=row.csrf_token, new_cookie=None)
    if not create:
        return None
    with database.write(operator=True) as session:
        started = sessions.start(session, user_id=None)
        return Visitor(
            session_id=started.row.id, csrf_token=started.row.csrf_token, new_cookie=started.token
        )


async def visitor(request: Request) -> Visitor:
    """Return the browser's session for a public form page, starting one when it has none."""
    loaded = await run_in_threadpool(_load_visitor, request, create=True)
    assert loaded is not None
    return loaded


async def visitor_form(request: Request) -> tuple[Visitor, FormData]:
    """Return the browser's session and the POSTed public form, once its CSRF token matched."""
    loaded = await run_in_threadpool(_load_visitor, request, create=False)
    form = await request.form()
    if loaded is None:
        raise CsrfRejected()
    _check_csrf(form, loaded.csrf_token)
    return loaded, form


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
ViewerForm = Annotated[tuple[Viewer, FormData], Depends(viewer_form)]
VisitorSession = Annotated[Visitor, Depends(visitor)]
VisitorForm = Annotated[tuple[Visitor, FormData], Depends(visitor_form)]


def viewer_actor(request: Request, viewer: Viewer) -> AbstractContextManager[AuditActor]:
    """Attribute the audit events recorded inside the block to the logged-in portal user."""
    return portal_actor(partner_id=viewer.partner_id, request_id=current_request_id(request),
                        portal_user_id=viewer.user_id)


def _check_csrf(form: FormData, expected: str) -> None:
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRejected()


def with_visitor_cookie(response: HTMLResponse, request: Request, current: Visitor) -> HTMLResponse:
    if current.new_cookie:
        sessions.set_cookie(response, request, settings_of(request), current.new_cookie)
    return response


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def parse_id(raw: str) -> int:
    """Parse a record id from the URL; anything else is a page that does not exist."""
    if not raw.isdigit() or len(raw) > 10:
        raise PageNotFound()
    return int(raw)


def current_request_id(request: Request) -> str:
    return request_id(request)
