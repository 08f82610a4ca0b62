"""Lists are walked lazily, page by page, following ``next_cursor``."""

import uuid

import pytest
from myengine_client import ListIterator, Page

from tests.sdk.faults import FlakyTransport


def make_clients(sdk, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        sdk.clients.create(username=f"page-{uuid.uuid4().hex[:12]}", email="p@example.com").id
        for _ in range(count)
    ]


def test_list_sends_nothing_until_iterated(sdk_factory):
    transport = FlakyTransport()
    client = sdk_factory(transport=transport)

    items = client.clients.list()

    assert isinstance(items, ListIterator)
    assert transport.requests == []


def test_walks_every_page_in_order(sdk):
    created_ids = make_clients(sdk, 5)

    assert [record.id for record in sdk.clients.list(page_size=2)] == created_ids


def test_fetches_one_page_per_request(sdk, sdk_factory):
    make_clients(sdk, 5)
    transport = FlakyTransport()
    client = sdk_factory(transport=transport)

    list(client.clients.list(page_size=2))

    assert len(transport.requests) == 3


def test_stops_fetching_when_caller_stops(sdk, sdk_factory):
    make_clients(sdk, 5)
    transport = FlakyTransport()
    client = sdk_factory(transport=transport)

    for _ in client.clients.list(page_size=2):
        break

    assert len(transport.requests) == 1


def test_pages_expose_cursor_and_request_id(sdk):
    make_clients(sdk, 3)

    pages = list(sdk.clients.list(page_size=2).pages())

    assert [len(page.items) for page in pages] == [2, 1]
    assert pages[0].has_more is True
    assert pages[0].next_cursor
    assert pages[1].has_more is False
    assert all(isinstance(page, Page) and page.request_id for page in pages)


def test_first_page_only(sdk):
    make_clients(sdk, 3)

    page = sdk.clients.list(page_size=2).first_page()

    assert len(page.items) == 2


def test_second_iteration_starts_again(sdk):
    created_ids = make_clients(sdk, 3)
    items = sdk.clients.list(page_size=2)

    assert [record.id for record in items] == created_ids
    assert [record.id for record in items] == created_ids


def test_search_is_sent_as_rison(sdk_factory):
    transport = FlakyTransport()
    client = sdk_factory(transport=transport)

    list(
        client.clients.list(search={"username LIKE": "fred%", "id >": 5}, fields=["id", "username"])
    )

    params = transport.requests[0].url.params
    assert params["search"] == "('id >':5,'username LIKE':fred%)"
    assert params["fields"] == "!(id,username)"


def test_search_and_fields_apply_to_every_page(sdk):
    created_ids = make_clients(sdk, 5)

    found = list(sdk.clients.list(search={"id >=": created_ids[1]}, fields=["id"], page_size=2))

    assert [record.to_dict() for record in found] == [
        {"id": client_id} for client_id in created_ids[1:]
    ]


@pytest.mark.parametrize("page_size", [0, 1001])
def test_page_size_out_of_range_is_rejected(sdk, page_size):
    with pytest.raises(ValueError):
        sdk.clients.list(page_size=page_size)


def test_search_must_be_a_mapping(sdk):
    with pytest.raises(TypeError):
        sdk.clients.list(search="username LIKE fred%")  # type: ignore[arg-type]
