"""Portal accounts, their browser sessions, one-time email tokens and rate-limit events."""

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class PortalUser(PartnerOwned, Base):
    """A person who logs in to the portal for a partner."""

    __tablename__ = "portal_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    # Stored in lower case, so the unique index also ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    contact_name: Mapped[str] = mapped_column(String(255))
    # Argon2id in PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash: Mapped[str] = mapped_column(String(255))
    email_confirmed: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    password_changed: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_login: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PortalSession(Base):
    """A browser session. The cookie carries a random token; only its SHA-256 is stored.

    A session without ``user_id`` belongs to a visitor who is not logged in and exists to
    carry the CSRF token of the login, sign-up and password-reset forms.
    """

    __tablename__ = "portal_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class TokenPurpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"
    VERIFY_CLIENT = "verify_client"


class EmailToken(PartnerOwned, Base):
    """A one-time token sent by mail in a link. Only its SHA-256 is stored.

    ``email_digest`` is the SHA-256 of the address the link went to: once the account's or
    the client's address changes, links sent to the old address stop working.
    """

    __tablename__ = "portal_email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(32))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_users.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    email_digest: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ThrottleEvent(Base):
    """One counted attempt (a failed login, a reset request) for a rate limit.

    ``subject`` is an HMAC of the email address or the caller's network, so the table contains
    no personal data in the clear.
    """

    __tablename__ = "portal_throttle_events"
    __table_args__ = (
        Index("ix_portal_throttle_events_bucket_subject_created", "bucket", "subject", "created"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
