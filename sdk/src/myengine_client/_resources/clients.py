"""``client.clients``: the partner's clients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, Unpack

from myengine_client._endpoints import endpoint
from myengine_client._models import (
    ClientRecord,
    DeletionPreview,
    ErasureReceipt,
    LiveService,
    PartnerRecord,
)
from myengine_client._paging import AsyncListIterator, ListIterator
from myengine_client._params import Search, list_params
from myengine_client._resources._base import AsyncResource, SyncResource, to_record


class ClientFields(TypedDict, total=False):
    """Writable client fields. In an edit, ``None`` clears a field and a left-out key keeps it."""

    username: str | None
    email: str | None
    external_userid: str | None
    title: str | None
    firstname: str | None
    surname: str | None
    company: str | None
    phone: str | None
    address1: str | None
    address2: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country: str | None
    active: bool | int | None
    verified: bool | int | None


class Clients(SyncResource):
    """The partner's clients (``/clients``)."""

    @endpoint("POST", "/clients")
    def create(
        self,
        *,
        username: str,
        email: str,
        idempotency_key: str | None = None,
        **fields: Unpack[ClientFields],
    ) -> ClientRecord:
        """Create a client under the partner and return it.

        ``fields`` are the other writable fields (``firstname``, ``country``, ...). The
        ``idempotency_key`` defaults to a new UUID; pass your own to make a create that you
        repeat after a crash of your program return the first result instead of a 409.
        """
        body = {"username": username, "email": email, **fields}
        return to_record(
            self._client.request("POST", "/clients", json=body, idempotency_key=idempotency_key),
            ClientRecord,
        )

    @endpoint("GET", "/clients")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> ListIterator[ClientRecord]:
        """Iterate over the partner's clients, oldest first, one page at a time.

        ``search`` maps a field name, optionally followed by a space and an operator
        (``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``LIKE``), to a value:
        ``{"username LIKE": "fred%", "id >": 9987600}``. ``fields`` limits the keys of each
        record. ``page_size`` is 1 to 1000 (the API's default is 100).
        """
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager("/clients", ClientRecord, params)

    @endpoint("GET", "/clients/{client_id}")
    def get(self, client_id: int) -> ClientRecord:
        """Return one client in any state; a deleted client is returned as a tombstone."""
        return to_record(self._client.request("GET", f"/clients/{int(client_id)}"), ClientRecord)

    @endpoint("GET", "/clients/self")
    def self(self) -> PartnerRecord:
        """Return the partner's own record, including its Partner Credit balance (``credit``)."""
        return to_record(self._client.request("GET", "/clients/self"), PartnerRecord)

    @endpoint("PATCH", "/clients/{client_id}", ("PUT", "/clients/{client_id}"))
    def update(
        self, client_id: int, *, idempotency_key: str | None = None, **fields: Unpack[ClientFields]
    ) -> ClientRecord:
        """Edit the given fields of a client and return it; the API takes PUT the same way."""
        return to_record(
            self._client.request(
                "PATCH",
                f"/clients/{int(client_id)}",
                json=dict(fields),
                idempotency_key=idempotency_key,
            ),
            ClientRecord,
        )

    @endpoint("PATCH", "/clients/{client_id}/enabled")
    def suspend(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Suspend a client and each of its live services."""
        return self._set_enabled(client_id, 0, idempotency_key)

    @endpoint("PATCH", "/clients/{client_id}/enabled")
    def unsuspend(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Re-enable a suspended client. Its services stay suspended until each is unsuspended."""
        return self._set_enabled(client_id, 1, idempotency_key)

    @endpoint("DELETE", "/clients/{client_id}")
    def delete(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Delete a client: disable it, suspend its services and schedule its anonymisation.

        Returns the client as it now is, with ``anonymise_after``. Deleting a deleted client
        returns the same record again.
        """
        return to_record(
            self._client.request(
                "DELETE", f"/clients/{int(client_id)}", idempotency_key=idempotency_key
            ),
            ClientRecord,
        )

    @endpoint("DELETE", "/clients/{client_id}")
    def preview_delete(self, client_id: int) -> DeletionPreview:
        """Return what ``delete`` would do to a client (``dry_run=1``); nothing changes."""
        return to_record(
            self._client.request("DELETE", f"/clients/{int(client_id)}", params={"dry_run": "1"}),
            DeletionPreview,
        )

    @endpoint("POST", "/clients/{client_id}/restore")
    def restore(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Bring back a deleted client that is not yet anonymised; its services stay suspended.

        The pending anonymisation is cancelled. Restoring a client that is not deleted
        returns it unchanged.
        """
        return to_record(
            self._client.request(
                "POST", f"/clients/{int(client_id)}/restore", idempotency_key=idempotency_key
            ),
            ClientRecord,
        )

    @endpoint("GET", "/clients/{client_id}/erasure")
    def erasure_receipt(self, client_id: int) -> ErasureReceipt:
        """Return a deleted client's erasure receipt: what is or will be erased, what is kept."""
        return to_record(
            self._client.request("GET", f"/clients/{int(client_id)}/erasure"), ErasureReceipt
        )

    @endpoint("GET", "/clients/{client_id}/live_services")
    def live_services(
        self,
        client_id: int,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> ListIterator[LiveService]:
        """Iterate over one client's live services; options as in ``list``."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager(f"/clients/{int(client_id)}/live_services", LiveService, params)

    def _set_enabled(
        self, client_id: int, enable: int, idempotency_key: str | None
    ) -> ClientRecord:
        return to_record(
            self._client.request(
                "PATCH",
                f"/clients/{int(client_id)}/enabled",
                json={"enable": enable},
                idempotency_key=idempotency_key,
            ),
            ClientRecord,
        )


class AsyncClients(AsyncResource):
    """The partner's clients (``/clients``), for ``AsyncClient``; see ``Clients``."""

    @endpoint("POST", "/clients")
    async def create(
        self,
        *,
        username: str,
        email: str,
        idempotency_key: str | None = None,
        **fields: Unpack[ClientFields],
    ) -> ClientRecord:
        """Create a client under the partner and return it; see ``Clients.create``."""
        body = {"username": username, "email": email, **fields}
        return to_record(
            await self._client.request(
                "POST", "/clients", json=body, idempotency_key=idempotency_key
            ),
            ClientRecord,
        )

    @endpoint("GET", "/clients")
    def list(
        self,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncListIterator[ClientRecord]:
        """Iterate (``async for``) over the partner's clients; see ``Clients.list``."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager("/clients", ClientRecord, params)

    @endpoint("GET", "/clients/{client_id}")
    async def get(self, client_id: int) -> ClientRecord:
        """Return one client in any state; a deleted client is returned as a tombstone."""
        return to_record(
            await self._client.request("GET", f"/clients/{int(client_id)}"), ClientRecord
        )

    @endpoint("GET", "/clients/self")
    async def self(self) -> PartnerRecord:
        """Return the partner's own record, including its Partner Credit balance (``credit``)."""
        return to_record(await self._client.request("GET", "/clients/self"), PartnerRecord)

    @endpoint("PATCH", "/clients/{client_id}", ("PUT", "/clients/{client_id}"))
    async def update(
        self, client_id: int, *, idempotency_key: str | None = None, **fields: Unpack[ClientFields]
    ) -> ClientRecord:
        """Edit the given fields of a client and return it; see ``Clients.update``."""
        return to_record(
            await self._client.request(
                "PATCH",
                f"/clients/{int(client_id)}",
                json=dict(fields),
                idempotency_key=idempotency_key,
            ),
            ClientRecord,
        )

    @endpoint("PATCH", "/clients/{client_id}/enabled")
    async def suspend(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Suspend a client and each of its live services."""
        return await self._set_enabled(client_id, 0, idempotency_key)

    @endpoint("PATCH", "/clients/{client_id}/enabled")
    async def unsuspend(
        self, client_id: int, *, idempotency_key: str | None = None
    ) -> ClientRecord:
        """Re-enable a suspended client. Its services stay suspended until each is unsuspended."""
        return await self._set_enabled(client_id, 1, idempotency_key)

    @endpoint("DELETE", "/clients/{client_id}")
    async def delete(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Delete a client; see ``Clients.delete``."""
        return to_record(
            await self._client.request(
                "DELETE", f"/clients/{int(client_id)}", idempotency_key=idempotency_key
            ),
            ClientRecord,
        )

    @endpoint("DELETE", "/clients/{client_id}")
    async def preview_delete(self, client_id: int) -> DeletionPreview:
        """Return what ``delete`` would do to a client (``dry_run=1``); nothing changes."""
        return to_record(
            await self._client.request(
                "DELETE", f"/clients/{int(client_id)}", params={"dry_run": "1"}
            ),
            DeletionPreview,
        )

    @endpoint("POST", "/clients/{client_id}/restore")
    async def restore(self, client_id: int, *, idempotency_key: str | None = None) -> ClientRecord:
        """Bring back a deleted client that is not yet anonymised; see ``Clients.restore``."""
        return to_record(
            await self._client.request(
                "POST", f"/clients/{int(client_id)}/restore", idempotency_key=idempotency_key
            ),
            ClientRecord,
        )

    @endpoint("GET", "/clients/{client_id}/erasure")
    async def erasure_receipt(self, client_id: int) -> ErasureReceipt:
        """Return a deleted client's erasure receipt; see ``Clients.erasure_receipt``."""
        return to_record(
            await self._client.request("GET", f"/clients/{int(client_id)}/erasure"), ErasureReceipt
        )

    @endpoint("GET", "/clients/{client_id}/live_services")
    def live_services(
        self,
        client_id: int,
        *,
        search: Search | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncListIterator[LiveService]:
        """Iterate (``async for``) over one client's live services; options as in ``list``."""
        params = list_params(search=search, fields=fields, page_size=page_size)
        return self._pager(f"/clients/{int(client_id)}/live_services", LiveService, params)

    async def _set_enabled(
        self, client_id: int, enable: int, idempotency_key: str | None
    ) -> ClientRecord:
        return to_record(
            await self._client.request(
                "PATCH",
                f"/clients/{int(client_id)}/enabled",
                json={"enable": enable},
                idempotency_key=idempotency_key,
            ),
            ClientRecord,
        )
