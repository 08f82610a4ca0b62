"""Query parameters for lists: ``fields`` and ``search`` in Rison, and the page size."""

from collections.abc import Mapping, Sequence
from typing import Any

import rison

MAX_PAGE_SIZE = 1000

Search = Mapping[str, str | int | float]


def list_params(
    *, search: Search | None, fields: Sequence[str] | None, page_size: int | None
) -> dict[str, str]:
    """Encode the list options as the API's query parameters."""
    params: dict[str, str] = {}
    if search:
        params["search"] = encode_search(search)
    if fields:
        params["fields"] = encode_fields(fields)
    if page_size is not None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size={page_size} is invalid; use 1 to {MAX_PAGE_SIZE}")
        params["limit"] = str(page_size)
    return params


def encode_search(search: Search) -> str:
    """Encode ``{"username LIKE": "fred%"}`` as Rison: ``('username LIKE':'fred%')``.

    Each key is a field name, optionally followed by one space and an operator (``=``, ``!=``,
    ``>``, ``>=``, ``<``, ``<=``, ``LIKE``). The API combines the conditions with AND.
    """
    if isinstance(search, str) or not isinstance(search, Mapping):
        raise TypeError(
            "search must be a mapping such as {'username LIKE': 'fred%'}, "
            f"not {type(search).__name__}"
        )
    conditions: dict[str, Any] = {}
    for key, value in search.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise TypeError(f"search value for {key!r} must be a string or a number, not {value!r}")
        conditions[str(key)] = value
    return rison.dumps(conditions)


def encode_fields(fields: Sequence[str]) -> str:
    """Encode ``["id", "username"]`` as Rison: ``!(id,username)``."""
    if isinstance(fields, str):
        fields = [name.strip() for name in fields.split(",") if name.strip()]
    return rison.dumps(list(fields))
