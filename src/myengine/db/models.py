"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from myengine.api_keys.models import ApiKey
from myengine.clients.models import Client
from myengine.credits.models import LedgerEntry
from myengine.db.base import Base
from myengine.live_services.models import LiveService, Package, Suspension
from myengine.partners.models import AllowedNetwork, Partner

__all__ = [
    "AllowedNetwork",
    "ApiKey",
    "Base",
    "Client",
    "LedgerEntry",
    "LiveService",
    "Package",
    "Partner",
    "Suspension",
]
