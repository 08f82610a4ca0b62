"""Rate limits on logins and password resets, counted in the database.

Each counted attempt is a row; a limit is reached when the window contains ``max_events`` rows
for the same bucket and subject. Because the rows live in the shared database, every app
server enforces the same count. Subjects are HMACs under the deployment's secret key, so the
table names no address in the clear.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from myengine.clock import utcnow
from myengine.portal.models import ThrottleEvent


@dataclass(frozen=True)
class Limit:
    bucket: str
    max_events: int
    window: dt.timedelta


# Failed logins for one account, and from one address (an IPv6 caller counts per /64).
LOGIN_PER_ACCOUNT = Limit("login_account", 5, dt.timedelta(minutes=15))
LOGIN_PER_ADDRESS = Limit("login_address", 20, dt.timedelta(minutes=15))
# Reset requests, whether the address has an account or not.
RESET_PER_ACCOUNT = Limit("reset_account", 3, dt.timedelta(hours=1))
RESET_PER_ADDRESS = Limit("reset_address", 10, dt.timedelta(hours=1))
# Sign-ups from one address; each one may send a mail.
SIGNUP_PER_ADDRESS = Limit("signup_address", 20, dt.timedelta(hours=1))

LIMITS = (LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS, RESET_PER_ACCOUNT, RESET_PER_ADDRESS,
          SIGNUP_PER_ADDRESS)
LONGEST_WINDOW = max(limit.window for limit in LIMITS)


def account_subject(pepper: bytes, email: str) -> str:
    return _keyed(pepper, "account:" + email.strip().lower())


def address_subject(pepper: bytes, address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _keyed(pepper, "address:" + address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _keyed(pepper, f"address:{ip.ipv4_mapped}")
        # One IPv6 host is usually given a whole /64.
        return _keyed(pepper, f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}")
    return _keyed(pepper, f"address:{ip}")


def retry_after(session: Session, limit: Limit, subject: str) -> int | None:
    """Seconds until the next attempt is allowed, or None when the limit is not reached.

    Call it in the write transaction that records the attempt. On PostgreSQL it locks the
    bucket and subject until that transaction ends. Concurrent attempts are then counted one
    after another, and the limit applies across app servers. Callers that check two
    limits check the account's before the address's, so two attempts never wait on each other.
    """
    _lock_subject(session, limit, subject)
    since = utcnow() - limit.window
    count, oldest = session.execute(
        select(func.count(ThrottleEvent.id), func.min(ThrottleEvent.created)).where(
            ThrottleEvent.bucket == limit.bucket,
            ThrottleEvent.subject == subject,
            ThrottleEvent.created > since,
        )
    ).one()
    if count < limit.max_events:
        return None
    return max(1, math.ceil((oldest + limit.window - utcnow()).total_seconds()))


def _lock_subject(session: Session, limit: Limit, subject: str) -> None:
    # SQLite needs no lock here: every write transaction starts with BEGIN IMMEDIATE, which
    # already runs them one at a time.
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"throttle:{limit.bucket}:{subject}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(key)))


def record(session: Session, limit: Limit, subject: str) -> None:
    session.add(ThrottleEvent(bucket=limit.bucket, subject=subject, created=utcnow()))
    session.flush()


def forget(session: Session, limit: Limit, subject: str) -> None:
    """Drop the counted attempts of ``subject`` (after a successful login)."""
    session.execute(
        delete(ThrottleEvent).where(
            ThrottleEvent.bucket == limit.bucket, ThrottleEvent.subject == subject
        )
    )


def purge_expired(session: Session) -> None:
    """Delete events older than every window; they can no longer count."""
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.created <= utcnow() - LONGEST_WINDOW))


def _keyed(pepper: bytes, value: str) -> str:
    return hmac.new(pepper, value.encode(), hashlib.sha256).hexdigest()
