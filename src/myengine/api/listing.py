"""List parameters shared by every collection: ``fields``, ``search`` and keyset paging.

``fields`` and ``search`` are Rison. Search keys are a field name, optionally followed by one
space and an operator. Every value is bound as a query parameter; field names are checked
against the resource's declared searchable columns, never interpolated.
"""

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import rison
from fastapi import Query
from sqlalchemy import Boolean, ColumnElement, Select, String, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute

from myengine.api.fields import MAX_ID
from myengine.errors import InvalidCursor, InvalidFields, InvalidParameter, InvalidSearch

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

# Query parameters of every list endpoint; `fields` and `search` differ per resource.
LimitParam = Annotated[
    str | None, Query(description=f"Page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).")
]
CursorParam = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "LIKE")
_KEY = re.compile(r"^(?P<field>[a-z_][a-z0-9_]*)(?: (?P<op>=|!=|>=|<=|>|<|LIKE))?$")


def parse_fields(raw: str | None, allowed: Sequence[str]) -> list[str] | None:
    """Parse ``!(id,username)`` into a list of field names, or None when absent."""
    if raw is None or raw == "":
        return None
    try:
        value = rison.loads(raw)
    except Exception:
        raise InvalidFields(
            f"fields={raw!r} is not valid Rison; send a list such as fields=!(id,username)."
        ) from None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidFields(
            f"fields={raw!r} must be a non-empty Rison list of names, such as !(id,username)."
        )
    unknown = [name for name in value if name not in allowed]
    if unknown:
        raise InvalidFields(
            f"Unknown field {unknown[0]!r} in fields; known fields are: {', '.join(allowed)}."
        )
    return list(dict.fromkeys(value))


@dataclass(frozen=True)
class SearchField:
    column: InstrumentedAttribute[Any]
    kind: type  # int or str: how a value is converted before binding
    # Rewrites a text value into the stored form before binding: (value, is_like_pattern) to
    # the value to bind. It raises ValueError, with a message for the caller, on a bad value.
    normalise: Callable[[str, bool], str] | None = None


def parse_search(
    raw: str | None, searchable: Mapping[str, SearchField]
) -> list[ColumnElement[bool]]:
    """Turn ``('username LIKE':'fred%','id >':'9987600')`` into bound SQL conditions."""
    if raw is None or raw == "":
        return []
    try:
        value = _loads_search(raw)
    except Exception:
        raise InvalidSearch(
            f"search={raw!r} is not valid Rison; send an object such as "
            "search=('username LIKE':'fred%')."
        ) from None
    if not isinstance(value, dict) or not value:
        raise InvalidSearch(
            f"search={raw!r} must be a non-empty Rison object such as search=('id >':'100')."
        )

    conditions = []
    for key, operand in value.items():
        match = _KEY.match(key) if isinstance(key, str) else None
        if match is None:
            raise InvalidSearch(
                f"Search key {key!r} is not a field name optionally followed by one space and "
                f"one of the operators {', '.join(OPERATORS)}."
            )
        name, op = match["field"], match["op"] or "="
        if name not in searchable:
            raise InvalidSearch(
                f"Field {name!r} is not searchable; searchable fields are: "
                f"{', '.join(searchable)}."
            )
        conditions.append(_condition(searchable[name], name, op, operand))
    return conditions


def _condition(field: SearchField, name: str, op: str, operand: Any) -> ColumnElement[bool]:
    if isinstance(operand, bool) or not isinstance(operand, (str, int, float)):
        raise InvalidSearch(f"The value for {name!r} must be a string or a number.")
    if isinstance(operand, str) and "\x00" in operand:
        raise InvalidSearch(f"The value for {name!r} contains the NUL character; remove it.")

    if op == "LIKE":
        if field.kind is not str:
            raise InvalidSearch(f"LIKE applies to text fields only, and {name!r} is a number.")
        return CaseInsensitiveLike(field.column, _normalised(field, name, str(operand), True))

    if field.kind is int:
        try:
            bound: Any = int(operand) if not isinstance(operand, float) else _whole(operand)
        except (ValueError, TypeError):
            raise InvalidSearch(f"The value {operand!r} for {name!r} must be a whole number.") from None
        if not -MAX_ID - 1 <= bound <= MAX_ID:
            raise InvalidSearch(
                f"The value {operand!r} for {name!r} is out of range; ids and numbers are at "
                f"most {MAX_ID}."
            )
    else:
        bound = _normalised(field, name, str(operand), False)

    column = field.column
    return {
        "=": lambda: column == bound,
        "!=": lambda: column != bound,
        ">": lambda: column > bound,
        ">=": lambda: column >= bound,
        "<": lambda: column < bound,
        "<=": lambda: column <= bound,
    }[op]()


def _normalised(field: SearchField, name: str, value: str, pattern: bool) -> str:
    if field.normalise is None:
        return value
    try:
        return field.normalise(value, pattern)
    except ValueError as exc:
        raise InvalidSearch(f"The value {value!r} for {name!r} cannot be searched: {exc}.") from None


class CaseInsensitiveLike(ColumnElement[bool]):
    """``column LIKE pattern`` ignoring case, written so that each backend can use an index.

    SQLite's LIKE already ignores ASCII case and uses an index declared ``COLLATE NOCASE``
    for a pattern that starts with literal characters. PostgreSQL's LIKE is case-sensitive,
    so it compares ``lower(column)``, which an index with ``text_pattern_ops`` serves. The
    migrations create both indexes for the fields searched most (username, email).
    """

    inherit_cache = True
    type = Boolean()
    # A comparison, so backends without a boolean type need no "= 1" after it.
    _is_implicitly_boolean = True

    def __init__(self, column: Any, pattern: str) -> None:
        self.column = column
        self.pattern = pattern

    def _bound(self) -> Any:
        return literal(self.pattern, String())


@compiles(CaseInsensitiveLike, "sqlite")
def _like_sqlite(element: CaseInsensitiveLike, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} LIKE {compiler.process(element._bound(), **kw)}"


@compiles(CaseInsensitiveLike)
def _like_default(element: CaseInsensitiveLike, compiler: Any, **kw: Any) -> str:
    column = compiler.process(func.lower(element.column), **kw)
    return f"{column} LIKE lower({compiler.process(element._bound(), **kw)})"


def _whole(value: float) -> int:
    if not value.is_integer():
        raise ValueError(value)
    return int(value)


def _loads_search(raw: str) -> Any:
    """Parse Rison, also taking a bare ``!=`` inside a quoted key.

    Strict Rison escapes ``!`` as ``!!`` inside strings, so the operator is ``'status !!=':'x'``.
    Integrations write ``'status !=':'x'``, which strict Rison rejects and which has no other
    meaning, so it is read as the operator too.
    """
    try:
        return rison.loads(raw)
    except Exception:
        if "!=" not in raw:
            raise
        return rison.loads(_LONE_NOT_EQUAL.sub("!!=", raw))


_LONE_NOT_EQUAL = re.compile(r"(?<!!)!=")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after_id: int | None


def parse_page(limit: str | None, cursor: str | None) -> PageRequest:
    if limit is None or limit == "":
        size = DEFAULT_LIMIT
    else:
        try:
            size = int(limit)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_LIMIT:
            raise InvalidParameter(
                f"limit={limit!r} is invalid; send a whole number from 1 to {MAX_LIMIT}."
            )
    return PageRequest(limit=size, after_id=decode_cursor(cursor) if cursor else None)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, last_id = text.partition(":")
        if version != "v1":
            raise ValueError(version)
        return int(last_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(
            f"cursor={cursor!r} is not a cursor this API returned; send next_cursor "
            "from the previous page unchanged, or omit it to start at the first page."
        ) from None


def keyset(statement: Select[Any], id_column: InstrumentedAttribute[int], page: PageRequest) -> Select[Any]:
    """Order by id and fetch one row more than the page, to learn whether more rows follow."""
    if page.after_id is not None:
        statement = statement.where(id_column > page.after_id)
    return statement.order_by(id_column).limit(page.limit + 1)


def split_page(rows: list[Any], page: PageRequest, id_of) -> tuple[list[Any], bool, str | None]:  # type: ignore[no-untyped-def]
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(id_of(rows[-1])) if has_more and rows else None
    return rows, has_more, next_cursor


def project(item: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return item
    return {name: item[name] for name in fields}
