"""Parsing of `fields`, `search`, `limit` and `cursor`, without HTTP."""

import pytest
import rison
from hypothesis import given
from hypothesis import strategies as st

from myengine.api.listing import (
    OPERATORS,
    decode_cursor,
    encode_cursor,
    parse_fields,
    parse_page,
    parse_search,
)
from myengine.clients.operations import SEARCHABLE
from myengine.clients.schemas import CLIENT_FIELDS
from myengine.errors import InvalidCursor, InvalidFields, InvalidParameter, InvalidSearch


@given(st.integers(min_value=0, max_value=2**62))
def test_cursor_round_trips(last_id):
    assert decode_cursor(encode_cursor(last_id)) == last_id


@given(st.text(max_size=40))
def test_any_text_cursor_is_decoded_or_rejected_cleanly(cursor):
    try:
        decode_cursor(cursor)
    except InvalidCursor:
        pass


@given(st.text(max_size=60))
def test_any_text_search_is_parsed_or_rejected_cleanly(raw):
    try:
        parse_search(raw, SEARCHABLE)
    except InvalidSearch:
        pass


@given(st.text(max_size=60))
def test_any_text_fields_is_parsed_or_rejected_cleanly(raw):
    try:
        parse_fields(raw, CLIENT_FIELDS)
    except InvalidFields:
        pass


@given(
    st.sampled_from(sorted(SEARCHABLE)),
    st.sampled_from(OPERATORS),
    st.one_of(st.integers(min_value=-(2**31), max_value=2**31), st.text(max_size=20)),
)
def test_every_documented_key_and_operator_parses(field, operator, value):
    kind = SEARCHABLE[field].kind
    raw = rison.dumps({f"{field} {operator}": value})
    valid = not (operator == "LIKE" and kind is int)
    if isinstance(value, str) and "\x00" in value:
        valid = False
    if kind is int and isinstance(value, str):
        valid = valid and value.strip().lstrip("-").isdigit() and operator != "LIKE"
    if valid:
        assert len(parse_search(raw, SEARCHABLE)) == 1
    else:
        with pytest.raises(InvalidSearch):
            parse_search(raw, SEARCHABLE)


def test_fields_keeps_order_and_drops_repeats():
    assert parse_fields("!(username,id,username)", CLIENT_FIELDS) == ["username", "id"]


def test_single_field_without_list_is_accepted():
    assert parse_fields("id", CLIENT_FIELDS) == ["id"]


def test_empty_fields_list_is_rejected():
    with pytest.raises(InvalidFields):
        parse_fields("!()", CLIENT_FIELDS)


@pytest.mark.parametrize(("limit", "expected"), [(None, 100), ("1", 1), ("1000", 1000)])
def test_limit_bounds(limit, expected):
    assert parse_page(limit, None).limit == expected


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "1.5", "x"])
def test_limit_out_of_bounds_is_rejected(limit):
    with pytest.raises(InvalidParameter):
        parse_page(limit, None)
