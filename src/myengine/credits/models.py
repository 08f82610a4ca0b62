import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class LedgerReason(enum.StrEnum):
    """The reason for a credit movement, stored in ``credit_ledger.reason``."""

    GRANT = "grant"
    SERVICE_CREATED = "service_created"
    SERVICE_REGRADED = "service_regraded"


class LedgerEntry(PartnerOwned, Base):
    """One movement of a partner's Partner Credits.

    Entries are never changed. The retention sweep deletes each one
    MYENGINE_LEDGER_RETENTION_DAYS after it was written (``retention.sweep``).
    """

    __tablename__ = "credit_ledger"
    __table_args__ = (Index("ix_credit_ledger_partner_id_id", "partner_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    # Signed: negative for a charge, positive for a top-up or refund.
    amount: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    live_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_services.id", ondelete="RESTRICT")
    )
    service_name: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
