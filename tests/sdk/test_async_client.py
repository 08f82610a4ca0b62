"""``AsyncClient``: every resource method, awaited against the live server."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from myengine_client import (
    AsyncClient,
    ClientStatus,
    NotFoundError,
    PartnerRecord,
    ServiceStatus,
)

from tests.sdk.faults import AsyncFlakyTransport


def run(options: dict[str, Any], scenario: Callable[[AsyncClient], Awaitable[Any]]) -> Any:
    """Run ``scenario`` with a fresh ``AsyncClient`` in its own event loop."""

    async def main() -> Any:
        async with AsyncClient(**options) as client:
            return await scenario(client)

    return asyncio.run(main())


async def new_client(client: AsyncClient, **fields: Any) -> Any:
    return await client.clients.create(
        username=f"async-{uuid.uuid4().hex[:12]}", email="async@example.com", **fields
    )


async def collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


class TestClients:
    def test_create_and_get(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> tuple[Any, Any]:
            created = await new_client(client, city="Leeds")
            return created, await client.clients.get(created.id)

        created, fetched = run(async_sdk_options, scenario)

        assert fetched.id == created.id
        assert fetched.city == "Leeds"

    def test_self(self, async_sdk_options, partner):
        record = run(async_sdk_options, lambda client: client.clients.self())

        assert isinstance(record, PartnerRecord)
        assert record.id == partner.partner_id

    def test_list_with_search_and_fields(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> tuple[Any, list[Any]]:
            created = await new_client(client)
            found = await collect(
                client.clients.list(search={"username": created.username}, fields=["id"])
            )
            return created, found

        created, found = run(async_sdk_options, scenario)

        assert [record.to_dict() for record in found] == [{"id": created.id}]

    def test_list_walks_every_page(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> tuple[list[int], list[int]]:
            created_ids = [(await new_client(client)).id for _ in range(5)]
            listed = [record.id async for record in client.clients.list(page_size=2)]
            return created_ids, listed

        created_ids, listed = run(async_sdk_options, scenario)

        assert listed == created_ids

    def test_update(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> Any:
            created = await new_client(client)
            return await client.clients.update(created.id, surname="Bloggs")

        assert run(async_sdk_options, scenario).surname == "Bloggs"

    def test_suspend_and_unsuspend(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> tuple[Any, Any]:
            created = await new_client(client)
            suspended = await client.clients.suspend(created.id)
            return suspended, await client.clients.unsuspend(created.id)

        suspended, unsuspended = run(async_sdk_options, scenario)

        assert suspended.client_status_id == ClientStatus.SUSPENDED
        assert unsuspended.client_status_id == ClientStatus.ACTIVE

    def test_delete(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> Any:
            created = await new_client(client)
            return await client.clients.delete(created.id)

        assert run(async_sdk_options, scenario).client_status_id == ClientStatus.DELETED

    def test_live_services_of_client(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> tuple[Any, list[Any]]:
            created = await new_client(client)
            service = await client.fakemxs.create(
                client_id=created.id, service_name="fakemx", domain="a.example"
            )
            return service, await collect(client.clients.live_services(created.id))

        service, listed = run(async_sdk_options, scenario)

        assert [item.id for item in listed] == [service.id]

    def test_retention_methods(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> dict[str, Any]:
            created = await new_client(client)
            preview = await client.clients.preview_delete(created.id)
            await client.clients.delete(created.id)
            receipt = await client.clients.erasure_receipt(created.id)
            restored = await client.clients.restore(created.id)
            events = await collect(client.audit_events.list(search={"subject_id": created.id}))
            return {"preview": preview, "receipt": receipt, "restored": restored, "events": events}

        result = run(async_sdk_options, scenario)

        assert result["preview"].would_change is True
        assert result["receipt"].client_id == result["restored"].id
        assert result["restored"].client_status_id != ClientStatus.DELETED
        assert "client.deleted" in {event.action for event in result["events"]}

    def test_not_found_raises(self, async_sdk_options):
        with pytest.raises(NotFoundError):
            run(async_sdk_options, lambda client: client.clients.get(9_999_999))


class TestLiveServices:
    def test_service_lifecycle(self, async_sdk_options):
        async def scenario(client: AsyncClient) -> dict[str, Any]:
            holder = await new_client(client)
            created = await client.outmails.create(
                client_id=holder.id, service_name="outmail-500", domain="m.example"
            )
            return {
                "created": created,
                "fetched": await client.live_services.get(created.id),
                "listed": await collect(client.live_services.list(client_id=holder.id)),
                "product_list": await collect(client.outmails.list()),
                "regraded": await client.live_services.regrade(created.id, "outmail-5000"),
                "suspended": await client.live_services.suspend(created.id),
                "unsuspended": await client.live_services.unsuspend(created.id),
                "deleted": await client.live_services.delete(created.id),
            }

        result = run(async_sdk_options, scenario)

        assert result["fetched"].id == result["created"].id
        assert [item.id for item in result["listed"]] == [result["created"].id]
        assert [item.id for item in result["product_list"]] == [result["created"].id]
        assert result["regraded"].service_name == "outmail-5000"
        assert result["suspended"].status == ServiceStatus.SUSPENDED
        assert result["unsuspended"].status == ServiceStatus.LIVE
        assert result["deleted"].status == ServiceStatus.DELETED

    @pytest.mark.parametrize(
        ("attribute", "package", "fields"),
        [
            ("profilters", "profilter-5", {"domain": "f.example"}),
            ("backupmxs", "backupmx-7", {"domain": "b.example", "destination": "mx.b.example"}),
            ("masterdns", "masterdns-100", {"domain": "z.example"}),
            ("backupdns", "backupdns", {"domain": "s.example", "master_addresses": ["192.0.2.9"]}),
        ],
    )
    def test_each_product_creates(self, async_sdk_options, attribute, package, fields):
        async def scenario(client: AsyncClient) -> Any:
            return await getattr(client, attribute).create(service_name=package, **fields)

        assert run(async_sdk_options, scenario).service_name == package

    def test_tariff(self, async_sdk_options):
        tariff = run(async_sdk_options, lambda client: client.live_services.service_names())

        assert tariff.credit == 1000
        assert tariff.packages


class TestRetries:
    def test_lost_create_response_is_retried_once_created(self, async_sdk_options):
        transport = AsyncFlakyTransport(lose=1)
        username = f"async-{uuid.uuid4().hex[:12]}"

        async def scenario(client: AsyncClient) -> tuple[Any, list[Any]]:
            created = await client.clients.create(username=username, email="r@example.com")
            return created, await collect(client.clients.list(search={"username": username}))

        created, found = run({**async_sdk_options, "transport": transport}, scenario)

        assert [record.id for record in found] == [created.id]
        assert (
            transport.requests[0].headers["idempotency-key"]
            == transport.requests[1].headers["idempotency-key"]
        )
