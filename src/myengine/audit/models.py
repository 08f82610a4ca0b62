import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class AuditEvent(PartnerOwned, Base):
    """One change to a partner's data: who made it, what it was and which record it touched.

    ``subject_id`` has no foreign key, so an event outlives its subject. Events carry ids,
    codes and field names, never a personal value; the retention purge deletes them after
    ``MYENGINE_AUDIT_RETENTION_DAYS``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_partner_id_id", "partner_id", "id"),
        Index("ix_audit_events_subject", "partner_id", "subject_type", "subject_id"),
        Index("ix_audit_events_correlation_id", "correlation_id"),
        Index("ix_audit_events_occurred", "occurred"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    occurred: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Dotted event name such as ``client.deleted`` or ``live_service.suspended``.
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    # One of ``audit.context.ActorType``: ``api_key``, ``operator``, ``worker``, ...
    actor_type: Mapped[str] = mapped_column(String(16))
    api_key_id: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64))
    correlation_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
