"""``client.audit_events``: the partner's audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from myengine_client._endpoints import endpoint
from myengine_client._models import AuditEvent
from myengine_client._paging import AsyncListIterator, ListIterator
from myengine_client._params import Search, list_params
from myengine_client._resources._base import AsyncResource, SyncResource


class AuditEvents(SyncResource):
    """The partner's audit trail (``/audit_events``): every change, oldest first."""

    @endpoint("GET", "/audit_events")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> ListIterator[AuditEvent]:
        """Iterate over the partner's audit events, oldest first, one page at a time.

        ``search`` may name ``id``, ``action``, ``subject_type``, ``subject_id``,
        ``actor_type``, ``api_key_id``, ``request_id`` and ``correlation_id``, such as
        ``{"subject_type": "client", "subject_id": 9987608}``. ``fields`` and ``page_size``
        are as in ``Clients.list``.
        """
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager("/audit_events", AuditEvent, params)


class AsyncAuditEvents(AsyncResource):
    """The partner's audit trail, for ``AsyncClient``; see ``AuditEvents``."""

    @endpoint("GET", "/audit_events")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncListIterator[AuditEvent]:
        """Iterate (``async for``) over the partner's audit events; see ``AuditEvents.list``."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager("/audit_events", AuditEvent, params)
