"""One resource per product (``client.outmails``, ``client.profilters``, ...): create and list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from myengine_client._endpoints import endpoint
from myengine_client._models import LiveService
from myengine_client._paging import AsyncListIterator, ListIterator
from myengine_client._params import Search, list_params
from myengine_client._resources._base import AsyncResource, SyncResource, to_record

if TYPE_CHECKING:
    from myengine_client._client import AsyncClient, Client

# Attribute name on the clients -> (collection path under /api-v1, product name).
PRODUCT_COLLECTIONS: dict[str, tuple[str, str]] = {
    "outmails": ("/outmails", "outMail"),
    "profilters": ("/profilters", "proFilter"),
    "fakemxs": ("/fakemxs", "fakeMX"),
    "backupmxs": ("/backupmxs", "backupMX"),
    "masterdns": ("/masterdns", "masterDNS"),
    "backupdns": ("/backupdns", "backupDNS"),
}


def _create_body(
    client_id: int | None, service_name: str, whmcs_service_id: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {"service_name": service_name, **fields}
    if client_id is not None:
        body["client_id"] = int(client_id)
    if whmcs_service_id is not None:
        body["whmcs_service_id"] = whmcs_service_id
    return body


class ProductResource(SyncResource):
    """The services of one product (such as ``/outmails``): ``create`` and ``list``."""

    def __init__(self, client: Client, collection: str, product: str) -> None:
        super().__init__(client)
        self.collection = collection
        self.product = product

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.product} at {self.collection}>"

    @endpoint("POST", "{collection}")
    def create(
        self,
        *,
        service_name: str,
        client_id: int | None = None,
        whmcs_service_id: str | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> LiveService:
        """Create a service of this product and return it; the package's credits are charged.

        ``client_id`` is the client that holds the service; leave it out to hold the service
        under the partner's own account. ``service_name`` is a package of this product from
        ``live_services.service_names()``; ``whmcs_service_id`` is your billing system's
        reference. The product's own fields are keyword arguments:

        - outMail: ``domain`` (optional sender domain). The result carries
          ``smtp_username`` and, in this response only, ``smtp_password``.
        - proFilter: ``domain`` and ``mailboxes`` (licensed count; the package's limit if
          left out).
        - fakeMX, masterDNS: ``domain``.
        - backupMX: ``domain`` and ``destination`` (host name or address of the primary mail
          server).
        - backupDNS: ``domain`` and ``master_addresses`` (1 to 4 addresses of the master
          servers).

        Raises ``InsufficientCreditError`` when the balance does not cover the package.
        """
        body = _create_body(client_id, service_name, whmcs_service_id, fields)
        return to_record(
            self._client.request(
                "POST", self.collection, json=body, idempotency_key=idempotency_key
            ),
            LiveService,
        )

    @endpoint("GET", "{collection}")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> ListIterator[LiveService]:
        """Iterate over the partner's services of this product; see ``LiveServices.list``."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager(self.collection, LiveService, params)


class AsyncProductResource(AsyncResource):
    """The services of one product, for ``AsyncClient``; see ``ProductResource``."""

    def __init__(self, client: AsyncClient, collection: str, product: str) -> None:
        super().__init__(client)
        self.collection = collection
        self.product = product

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.product} at {self.collection}>"

    @endpoint("POST", "{collection}")
    async def create(
        self,
        *,
        service_name: str,
        client_id: int | None = None,
        whmcs_service_id: str | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> LiveService:
        """Create a service of this product; see ``ProductResource.create``."""
        body = _create_body(client_id, service_name, whmcs_service_id, fields)
        return to_record(
            await self._client.request(
                "POST", self.collection, json=body, idempotency_key=idempotency_key
            ),
            LiveService,
        )

    @endpoint("GET", "{collection}")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncListIterator[LiveService]:
        """Iterate (``async for``) over the partner's services of this product."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager(self.collection, LiveService, params)
