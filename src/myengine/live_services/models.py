import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class Product(enum.StrEnum):
    OUTMAIL = "outMail"
    PROFILTER = "proFilter"
    FAKEMX = "fakeMX"
    BACKUPMX = "backupMX"
    MASTERDNS = "masterDNS"
    BACKUPDNS = "backupDNS"


class ServiceStatus(enum.StrEnum):
    LIVE = "live"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class SuspensionCause(enum.StrEnum):
    PARTNER = "partner"
    CLIENT_SUSPENDED = "client_suspended"
    CLIENT_DELETED = "client_deleted"
    PLATFORM_ABUSE = "platform_abuse"
    PLATFORM_BILLING = "platform_billing"


# Causes a partner may lift through the API. The client causes are lifted one service at a
# time by the partner's unsuspend, after the client is re-enabled or restored.
PARTNER_LIFTABLE_CAUSES = frozenset(
    {SuspensionCause.PARTNER, SuspensionCause.CLIENT_SUSPENDED, SuspensionCause.CLIENT_DELETED}
)
PLATFORM_CAUSES = frozenset({SuspensionCause.PLATFORM_ABUSE, SuspensionCause.PLATFORM_BILLING})


class Package(Base):
    """A tariff entry: a sellable package of one product and its cost in Partner Credits."""

    __tablename__ = "packages"

    service_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    product: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str] = mapped_column(String(255))
    credits: Mapped[int] = mapped_column(Integer)
    # Product-specific limits of the package, such as the licensed mailbox count.
    limits: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    available: Mapped[bool] = mapped_column(Boolean, default=True)


class LiveService(PartnerOwned, Base):
    """A service a client (or the partner itself) holds. Rows are never deleted."""

    __tablename__ = "live_services"
    __table_args__ = (
        Index("ix_live_services_partner_id_id", "partner_id", "id"),
        Index("ix_live_services_client_id", "client_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    product: Mapped[str] = mapped_column(String(16))
    service_name: Mapped[str] = mapped_column(ForeignKey("packages.service_name"))
    status: Mapped[str] = mapped_column(String(16), default=ServiceStatus.LIVE)
    domain: Mapped[str | None] = mapped_column(String(253))
    whmcs_service_id: Mapped[str | None] = mapped_column(String(64))
    # The product's own fields (SMTP username, mailbox count, master addresses, ...).
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # outMail only: the Argon2id hash (PHC string) of the SMTP password, never the password.
    smtp_password_hash: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    modified: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Suspension(PartnerOwned, Base):
    """One cause of one service's suspension. Lifting sets ``lifted``; rows are kept as history."""

    __tablename__ = "live_service_suspensions"
    __table_args__ = (
        Index(
            "uq_live_service_suspensions_active_cause",
            "live_service_id",
            "cause",
            unique=True,
            sqlite_where=text("lifted IS NULL"),
            postgresql_where=text("lifted IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    live_service_id: Mapped[int] = mapped_column(
        ForeignKey("live_services.id", ondelete="RESTRICT"), index=True
    )
    cause: Mapped[str] = mapped_column(String(32))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lifted: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
