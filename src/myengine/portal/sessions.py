"""Browser sessions kept in the database, and the cookie that carries them.

The cookie contains 256 random bits; the database keeps their SHA-256 as the session id.
Every app server reads the same table, so a session works on whichever server handles the
request. Logging in always starts a new session and deletes the visitor's previous one, so a
session id planted in a browser before login never becomes an authenticated session
(session fixation).
"""

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from myengine.clock import utcnow
from myengine.portal.models import PortalSession
from myengine.portal.tokens import digest
from myengine.settings import Environment, Settings

# A logged-in session ends after this much inactivity, and in any case after ABSOLUTE_LIFETIME.
IDLE_TIMEOUT = dt.timedelta(hours=2)
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
# A visitor's session only carries the CSRF token of the login and sign-up forms.
VISITOR_LIFETIME = dt.timedelta(hours=2)
# last_seen is written at most this often per session, so most page views only read.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)

COOKIE_NAME = "myengine_portal"
# Browsers accept a __Host- cookie only with Secure, Path=/ and no Domain, which pins it to
# this exact origin; the prefix is used whenever the cookie is Secure.
SECURE_COOKIE_NAME = "__Host-myengine_portal"


@dataclass(frozen=True)
class StartedSession:
    token: str  # the cookie value
    row: PortalSession


def start(session: Session, *, user_id: int | None) -> StartedSession:
    """Create a session (a visitor's when ``user_id`` is None) with a fresh CSRF token."""
    _purge_expired(session)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = ABSOLUTE_LIFETIME if user_id is not None else VISITOR_LIFETIME
    row = PortalSession(
        id=digest(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created=now,
        last_seen=now,
        expires=now + lifetime,
    )
    session.add(row)
    session.flush()
    return StartedSession(token=token, row=row)


def find(session: Session, token: str | None) -> PortalSession | None:
    """Return the live session for a cookie value, or None when unknown, idle or expired."""
    if not token or len(token) > 128:
        return None
    row = session.get(PortalSession, digest(token))
    if row is None:
        return None
    now = utcnow()
    if row.expires <= now:
        return None
    if row.user_id is not None and now - row.last_seen > IDLE_TIMEOUT:
        return None
    return row


def touch(session: Session, session_id: str) -> None:
    """Record activity on a logged-in session, at most once per LAST_SEEN_RESOLUTION."""
    row = session.get(PortalSession, session_id)
    if row is not None and utcnow() - row.last_seen > LAST_SEEN_RESOLUTION:
        row.last_seen = utcnow()


def end(session: Session, session_id: str) -> None:
    session.execute(delete(PortalSession).where(PortalSession.id == session_id))


def end_all_for_user(session: Session, user_id: int) -> None:
    session.execute(delete(PortalSession).where(PortalSession.user_id == user_id))


def _purge_expired(session: Session) -> None:
    stale = select(PortalSession.id).where(PortalSession.expires <= utcnow()).limit(100)
    ids = list(session.scalars(stale))
    if ids:
        session.execute(delete(PortalSession).where(PortalSession.id.in_(ids)))


def cookie_is_secure(request: Request, settings: Settings) -> bool:
    """Decide whether the session cookie carries the ``Secure`` flag.

    It always does, except in the sandbox for a request that arrived over plain HTTP on a
    loopback socket from a loopback client (``make run`` and the test suite, which have no
    TLS). Production is always Secure, so a production portal must be served over HTTPS;
    behind a TLS proxy, uvicorn's proxy headers make the request's scheme ``https``.
    """
    if settings.environment is Environment.PRODUCTION:
        return True
    if request.url.scheme != "http":
        return True
    server = request.scope.get("server")
    client = request.client
    return not (server and client and _loopback(server[0]) and _loopback(client.host))


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def read_cookie(request: Request, settings: Settings) -> str | None:
    return request.cookies.get(cookie_name(cookie_is_secure(request, settings)))


def set_cookie(response: Response, request: Request, settings: Settings, token: str) -> None:
    secure = cookie_is_secure(request, settings)
    # No Max-Age: the cookie ends with the browser, and the server ends the session earlier
    # when it is idle or old.
    response.set_cookie(
        cookie_name(secure), token, path="/", secure=secure, httponly=True, samesite="lax"
    )


def clear_cookie(response: Response, request: Request, settings: Settings) -> None:
    secure = cookie_is_secure(request, settings)
    response.delete_cookie(
        cookie_name(secure), path="/", secure=secure, httponly=True, samesite="lax"
    )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def needs_touch(row: PortalSession) -> bool:
    return row.user_id is not None and utcnow() - row.last_seen > LAST_SEEN_RESOLUTION
