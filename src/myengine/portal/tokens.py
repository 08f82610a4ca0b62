"""One-time tokens sent by mail (account confirmation, password reset, client verification).

The link carries 256 random bits; the database keeps only their SHA-256, so a copy of the
table cannot be turned back into working links.
"""

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from myengine.clock import utcnow
from myengine.portal.models import EmailToken, TokenPurpose

LIFETIMES = {
    TokenPurpose.CONFIRM_EMAIL: dt.timedelta(days=2),
    TokenPurpose.RESET_PASSWORD: dt.timedelta(hours=1),
    TokenPurpose.VERIFY_CLIENT: dt.timedelta(days=7),
}


class LinkState(enum.Enum):
    """Status of a mailed link: still to be followed, already followed, or unusable."""

    PENDING = "pending"
    DONE = "done"
    INVALID = "invalid"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def email_digest(email: str) -> str:
    return digest(email.strip().lower())


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires: dt.datetime


def issue(
    session: Session,
    purpose: TokenPurpose,
    *,
    partner_id: int,
    email: str,
    user_id: int | None = None,
    client_id: int | None = None,
) -> IssuedToken:
    """Store a new token for ``purpose`` and return it; earlier unused ones stay valid.

    Expired tokens in the session's scope are deleted first.
    NOTE: nothing else purges them, so an expired token's address digest stays until the
    next token is issued.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(
        delete(EmailToken).where(EmailToken.expires <= now).execution_options(
            synchronize_session=False
        )
    )
    row = EmailToken(
        token_hash=digest(token),
        purpose=purpose.value,
        partner_id=partner_id,
        user_id=user_id,
        client_id=client_id,
        email_digest=email_digest(email),
        created=now,
        expires=now + LIFETIMES[purpose],
    )
    session.add(row)
    session.flush()
    return IssuedToken(token=token, expires=row.expires)


def find(session: Session, purpose: TokenPurpose, token: str) -> EmailToken | None:
    """Return the token row for ``token``, used or not, expired or not; None when unknown."""
    if not token or len(token) > 128:
        return None
    return session.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == digest(token), EmailToken.purpose == purpose.value
        )
    )


def is_usable(row: EmailToken, *, email: str | None) -> bool:
    """True when the token is unused, unexpired and was sent to ``email``."""
    return (
        row.used is None
        and row.expires > utcnow()
        and email is not None
        and row.email_digest == email_digest(email)
    )


def use_all(session: Session, purpose: TokenPurpose, *, user_id: int) -> None:
    """Mark every unused token of ``purpose`` for the account as used."""
    session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user_id,
            EmailToken.purpose == purpose.value,
            EmailToken.used.is_(None),
        )
        .values(used=utcnow())
        .execution_options(synchronize_session=False)
    )
