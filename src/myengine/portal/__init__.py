"""The partner portal: server-rendered pages under /portal for partners' own staff.

Partners sign up, confirm their address, log in, manage their API access, networks and
keys, look after their clients, and (in the sandbox) use testing tools. Every asset is
served from ``portal/static``, so the pages work with no internet access.
"""

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from myengine.mail.transport import configure as configure_mail
from myengine.portal import mail_jobs  # noqa: F401 - registers the portal's job handlers
from myengine.portal.endpoints import build_router
from myengine.portal.web import CsrfRejected, LoginRequired, PageNotFound, redirect, render

STATIC_DIR = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the portal's static files and pages on ``app`` and register its error pages."""
    configure_mail(app.state.database, app.state.settings)
    app.mount("/portal/static", StaticFiles(directory=STATIC_DIR), name="portal-static")

    @app.get("/portal", include_in_schema=False)
    async def portal_root() -> RedirectResponse:
        return RedirectResponse("/portal/", status_code=307)

    app.include_router(build_router())
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.add_exception_handler(PageNotFound, _page_not_found)


async def _login_required(request: Request, exc: Exception) -> RedirectResponse:
    assert isinstance(exc, LoginRequired)
    target = "/portal/login"
    if exc.next_path and exc.next_path != "/portal/":
        target += "?next=" + quote(exc.next_path, safe="/")
    return redirect(target)


async def _csrf_rejected(request: Request, exc: Exception) -> HTMLResponse:
    return render(request, "error.html", status=403, title="Form expired",
                  message="This form was sent without a valid security token: it may be "
                  "older than your session, or it came from another site. Go back, reload "
                  "the page and send it again.")


async def _page_not_found(request: Request, exc: Exception) -> HTMLResponse:
    return render(request, "error.html", status=404, title="Page not found",
                  message="There is no such page, or no such record in your account.")
