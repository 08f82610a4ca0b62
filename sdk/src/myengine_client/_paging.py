"""Lazy iteration over keyset-paged lists."""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, as the API returned it."""

    items: list[T]
    has_more: bool
    next_cursor: str | None
    request_id: str | None


class ListIterator(Generic[T]):
    """Iterate over every item of a list, fetching the next page only when it is reached.

    Nothing is requested until iteration starts, and each iteration starts again at the first
    page. ``pages()`` yields whole pages instead of items.
    """

    def __init__(self, fetch_page: Callable[[str | None], Page[T]]) -> None:
        self._fetch_page = fetch_page

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, following ``next_cursor`` until ``has_more`` is false."""
        cursor: str | None = None
        while True:
            page = self._fetch_page(cursor)
            yield page
            if not page.has_more or not page.next_cursor:
                return
            cursor = page.next_cursor

    def first_page(self) -> Page[T]:
        """Fetch and return the first page only."""
        return self._fetch_page(None)


class AsyncListIterator(Generic[T]):
    """The ``async for`` form of ``ListIterator``."""

    def __init__(self, fetch_page: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch_page = fetch_page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in turn, following ``next_cursor`` until ``has_more`` is false."""
        cursor: str | None = None
        while True:
            page = await self._fetch_page(cursor)
            yield page
            if not page.has_more or not page.next_cursor:
                return
            cursor = page.next_cursor

    async def first_page(self) -> Page[T]:
        """Fetch and return the first page only."""
        return await self._fetch_page(None)
