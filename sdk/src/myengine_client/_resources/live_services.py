"""``client.live_services``: the partner's live services of every product, and the tariff."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from myengine_client._endpoints import endpoint
from myengine_client._models import LiveService, Package, Tariff
from myengine_client._paging import AsyncListIterator, ListIterator
from myengine_client._params import Search, list_params
from myengine_client._resources._base import AsyncResource, SyncResource, to_record

if TYPE_CHECKING:
    from myengine_client._client import APIResponse


def _search_with_client(search: Search | None, client_id: int | None) -> Search | None:
    if client_id is None:
        return search
    return {**(search or {}), "client_id": int(client_id)}


def _regrade_body(service_name: str, mailboxes: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"service_name": service_name}
    if mailboxes is not None:
        body["mailboxes"] = mailboxes
    return body


def _tariff(response: APIResponse) -> Tariff:
    return Tariff(
        packages=[Package.model_validate(item) for item in response.data],
        credit=response.meta.get("credit"),
    )


class LiveServices(SyncResource):
    """The partner's live services (``/live_services``)."""

    @endpoint("GET", "/live_services")
    def list(
        self,
        *,
        client_id: int | None = None,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> ListIterator[LiveService]:
        """Iterate over the partner's live services, oldest first, one page at a time.

        ``client_id`` keeps one client's services. ``search`` may name ``client_id``,
        ``service_name``, ``product``, ``status``, ``domain`` and ``whmcs_service_id``,
        each optionally followed by an operator: ``{"status": "live", "domain LIKE": "%.nl"}``.
        ``fields`` and ``page_size`` are as in ``Clients.list``.
        """
        params = list_params(
            search=_search_with_client(search, client_id), fields=fields, page_size=page_size
        )
        return self._pager("/live_services", LiveService, params)

    @endpoint("GET", "/live_services/{service_id}")
    def get(self, service_id: int) -> LiveService:
        """Return one service in any state, with ``regrade_servicenames``."""
        return to_record(
            self._client.request("GET", f"/live_services/{int(service_id)}"), LiveService
        )

    @endpoint("PATCH", "/live_services/{service_id}")
    def regrade(
        self,
        service_id: int,
        service_name: str,
        *,
        mailboxes: int | None = None,
        idempotency_key: str | None = None,
    ) -> LiveService:
        """Move a service to another package of its product; an upgrade charges the difference.

        ``mailboxes`` (proFilter only) sets the new licensed count, which is needed when the
        current count is over the new package's limit. Raises ``InsufficientCreditError``
        when the balance does not cover the upgrade.
        """
        return to_record(
            self._client.request(
                "PATCH",
                f"/live_services/{int(service_id)}",
                json=_regrade_body(service_name, mailboxes),
                idempotency_key=idempotency_key,
            ),
            LiveService,
        )

    @endpoint("PATCH", "/live_services/{service_id}/suspension")
    def suspend(self, service_id: int, *, idempotency_key: str | None = None) -> LiveService:
        """Suspend a service (cause ``partner``)."""
        return self._set_suspension(service_id, 1, idempotency_key)

    @endpoint("PATCH", "/live_services/{service_id}/suspension")
    def unsuspend(self, service_id: int, *, idempotency_key: str | None = None) -> LiveService:
        """Lift every suspension cause a partner may lift.

        A suspension by the platform stays, and raises ``PermissionDeniedError``.
        """
        return self._set_suspension(service_id, 0, idempotency_key)

    @endpoint("DELETE", "/live_services/{service_id}")
    def delete(self, service_id: int, *, idempotency_key: str | None = None) -> LiveService:
        """Terminate a service and keep its history; deleting it again returns the same result."""
        return to_record(
            self._client.request(
                "DELETE", f"/live_services/{int(service_id)}", idempotency_key=idempotency_key
            ),
            LiveService,
        )

    @endpoint("GET", "/live_services/service_names")
    def service_names(self) -> Tariff:
        """Return the tariff: every package on sale with its cost, and the partner's balance."""
        return _tariff(self._client.request("GET", "/live_services/service_names"))

    def _set_suspension(
        self, service_id: int, suspend: int, idempotency_key: str | None
    ) -> LiveService:
        return to_record(
            self._client.request(
                "PATCH",
                f"/live_services/{int(service_id)}/suspension",
                json={"suspend": suspend},
                idempotency_key=idempotency_key,
            ),
            LiveService,
        )


class AsyncLiveServices(AsyncResource):
    """The partner's live services, for ``AsyncClient``; see ``LiveServices``."""

    @endpoint("GET", "/live_services")
    def list(
        self,
        *,
        client_id: int | None = None,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncListIterator[LiveService]:
        """Iterate (``async for``) over the partner's live services; see ``LiveServices.list``."""
        params = list_params(
            search=_search_with_client(search, client_id), fields=fields, page_size=page_size
        )
        return self._pager("/live_services", LiveService, params)

    @endpoint("GET", "/live_services/{service_id}")
    async def get(self, service_id: int) -> LiveService:
        """Return one service in any state, with ``regrade_servicenames``."""
        return to_record(
            await self._client.request("GET", f"/live_services/{int(service_id)}"), LiveService
        )

    @endpoint("PATCH", "/live_services/{service_id}")
    async def regrade(
        self,
        service_id: int,
        service_name: str,
        *,
        mailboxes: int | None = None,
        idempotency_key: str | None = None,
    ) -> LiveService:
        """Move a service to another package of its product; see ``LiveServices.regrade``."""
        return to_record(
            await self._client.request(
                "PATCH",
                f"/live_services/{int(service_id)}",
                json=_regrade_body(service_name, mailboxes),
                idempotency_key=idempotency_key,
            ),
            LiveService,
        )

    @endpoint("PATCH", "/live_services/{service_id}/suspension")
    async def suspend(self, service_id: int, *, idempotency_key: str | None = None) -> LiveService:
        """Suspend a service (cause ``partner``)."""
        return await self._set_suspension(service_id, 1, idempotency_key)

    @endpoint("PATCH", "/live_services/{service_id}/suspension")
    async def unsuspend(
        self, service_id: int, *, idempotency_key: str | None = None
    ) -> LiveService:
        """Lift every suspension cause a partner may lift; see ``LiveServices.unsuspend``."""
        return await self._set_suspension(service_id, 0, idempotency_key)

    @endpoint("DELETE", "/live_services/{service_id}")
    async def delete(self, service_id: int, *, idempotency_key: str | None = None) -> LiveService:
        """Terminate a service and keep its history; deleting it again returns the same result."""
        return to_record(
            await self._client.request(
                "DELETE", f"/live_services/{int(service_id)}", idempotency_key=idempotency_key
            ),
            LiveService,
        )

    @endpoint("GET", "/live_services/service_names")
    async def service_names(self) -> Tariff:
        """Return the tariff: every package on sale with its cost, and the partner's balance."""
        return _tariff(await self._client.request("GET", "/live_services/service_names"))

    async def _set_suspension(
        self, service_id: int, suspend: int, idempotency_key: str | None
    ) -> LiveService:
        return to_record(
            await self._client.request(
                "PATCH",
                f"/live_services/{int(service_id)}/suspension",
                json={"suspend": suspend},
                idempotency_key=idempotency_key,
            ),
            LiveService,
        )
