"""Marks that name the API operation each SDK method and CLI command calls.

The marks let a test compare the SDK and the command line with the server's OpenAPI
document, so an operation added to the API without a method or a command is noticed.
"""

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__myengine_endpoints__"


def endpoint(method: str, path: str, *also: tuple[str, str]) -> Callable[[F], F]:
    """Mark a function as calling ``method path`` (and, for aliases, each ``(method, path)``).

    ``path`` is relative to ``/api-v1`` and may contain ``{collection}``, which stands for a
    product resource's collection path such as ``/outmails``.
    """

    def mark(function: F) -> F:
        setattr(function, ATTRIBUTE, ((method.upper(), path), *also))
        return function

    return mark


def endpoints_of(
    function: Callable[..., Any], collection: str | None = None
) -> list[tuple[str, str]]:
    """Return the ``(method, path)`` pairs a marked function calls."""
    marks = getattr(function, ATTRIBUTE, ())
    if collection is not None:
        return [(method, path.replace("{collection}", collection)) for method, path in marks]
    return list(marks)
