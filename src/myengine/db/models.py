"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from myengine.api_keys.models import ApiKey
from myengine.audit.models import AuditEvent
from myengine.clients.models import Client
from myengine.credits.models import LedgerEntry
from myengine.db.base import Base
from myengine.idempotency.models import IdempotencyKey
from myengine.jobs.models import Job
from myengine.live_services.models import LiveService, Package, Suspension
from myengine.partners.models import AllowedNetwork, Partner
from myengine.portal.models import EmailToken, PortalSession, PortalUser, ThrottleEvent

__all__ = [
    "AllowedNetwork",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Client",
    "EmailToken",
    "IdempotencyKey",
    "Job",
    "LedgerEntry",
    "LiveService",
    "Package",
    "Partner",
    "PortalSession",
    "PortalUser",
    "Suspension",
    "ThrottleEvent",
]
