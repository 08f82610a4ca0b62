"""Python client for the my-engine Partner API.

>>> from myengine_client import Client
>>> with Client() as client:  # reads MYENGINE_URL, MYENGINE_PARTNER_ID, MYENGINE_API_KEY
...     for record in client.clients.list(search={"username LIKE": "fred%"}):
...         print(record.id, record.username)

``Client`` is synchronous and ``AsyncClient`` its ``asyncio`` form. Failed calls raise a
subclass of ``MyEngineError``; see ``sdk/README.md`` for configuration, errors, retries and
paging.
"""

import logging

from myengine_client._client import APIResponse, AsyncClient, Client
from myengine_client._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InsufficientCreditError,
    MyEngineError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from myengine_client._models import (
    AuditEvent,
    ClientRecord,
    ClientStatus,
    DeletionPreview,
    ErasureReceipt,
    LiveService,
    Package,
    PartnerRecord,
    Product,
    ServiceStatus,
    Tariff,
)
from myengine_client._paging import AsyncListIterator, ListIterator, Page
from myengine_client._retry import RetryPolicy
from myengine_client._version import __version__

# A library leaves logging output to the application: without its own handler, retries
# would reach Python's last-resort handler and print on standard error.
logging.getLogger("myengine_client").addHandler(logging.NullHandler())

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APITimeoutError",
    "AsyncClient",
    "AsyncListIterator",
    "AuditEvent",
    "AuthenticationError",
    "Client",
    "ClientRecord",
    "ClientStatus",
    "ConfigurationError",
    "ConflictError",
    "DeletionPreview",
    "ErasureReceipt",
    "InsufficientCreditError",
    "ListIterator",
    "LiveService",
    "MyEngineError",
    "NotFoundError",
    "Package",
    "Page",
    "PartnerRecord",
    "PermissionDeniedError",
    "Product",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "ServiceStatus",
    "Tariff",
    "ValidationError",
    "__version__",
]
