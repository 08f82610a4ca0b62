"""Base classes of the resources, and the conversion of envelopes into records and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from myengine_client._models import Record
from myengine_client._paging import AsyncListIterator, ListIterator, Page

if TYPE_CHECKING:
    from myengine_client._client import APIResponse, AsyncClient, Client

R = TypeVar("R", bound=Record)


class SyncResource:
    """A namespace of ``Client`` methods."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _pager(self, path: str, model: type[R], params: dict[str, str]) -> ListIterator[R]:
        def fetch(cursor: str | None) -> Page[R]:
            query = {**params, "cursor": cursor} if cursor else params
            return to_page(self._client.request("GET", path, params=query), model)

        return ListIterator(fetch)


class AsyncResource:
    """A namespace of ``AsyncClient`` methods."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def _pager(self, path: str, model: type[R], params: dict[str, str]) -> AsyncListIterator[R]:
        async def fetch(cursor: str | None) -> Page[R]:
            query = {**params, "cursor": cursor} if cursor else params
            return to_page(await self._client.request("GET", path, params=query), model)

        return AsyncListIterator(fetch)


def to_record(response: APIResponse, model: type[R]) -> R:
    """Validate an envelope's ``data`` object as ``model``."""
    return model.model_validate(response.data)


def to_page(response: APIResponse, model: type[R]) -> Page[R]:
    """Validate an envelope's ``data`` array as a page of ``model``."""
    meta: dict[str, Any] = response.meta
    return Page(
        items=[model.model_validate(item) for item in response.data],
        has_more=bool(meta.get("has_more", False)),
        next_cursor=meta.get("next_cursor"),
        request_id=response.request_id,
    )
