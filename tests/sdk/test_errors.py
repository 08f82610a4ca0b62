"""Each failure family raises its own exception, carrying the API's error fields."""

import socket

import pytest
from myengine_client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    Client,
    ConflictError,
    InsufficientCreditError,
    MyEngineError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
)

from myengine.partners.operations import set_api_access
from tests.factories import create_partner
from tests.sdk.conftest import FAST_RETRIES
from tests.sdk.faults import Fault, error_envelope, fault_proxy

NO_RETRIES = RetryPolicy(max_retries=0)


def test_error_carries_the_api_fields(sdk):
    with pytest.raises(NotFoundError) as caught:
        sdk.clients.get(9_999_999)

    error = caught.value
    assert error.name == "Not Found"
    assert error.code == "client_not_found"
    assert "9999999" in error.message
    assert error.status == 404
    assert error.request_id


def test_request_id_matches_the_response_header(sdk):
    with pytest.raises(NotFoundError) as caught:
        sdk.clients.get(9_999_999)

    assert caught.value.request_id == caught.value.headers["x-request-id"]


def test_every_family_is_an_api_error():
    families = [
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        ValidationError,
        InsufficientCreditError,
        RateLimitError,
        ServerError,
    ]
    for family in families:
        assert issubclass(family, APIError), family.__name__
        assert issubclass(family, MyEngineError), family.__name__


def test_wrong_key_raises_authentication_error(server, partner):
    with Client(server.url, partner.partner_id, partner.api_key + "x", retry=NO_RETRIES) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.clients.self()

    assert caught.value.status == 401


def test_disabled_api_access_raises_permission_denied(server, database, settings):
    other = create_partner(database, settings)
    with database.write(operator=True) as session:
        set_api_access(session, other.partner_id, enabled=False)

    with Client(server.url, other.partner_id, other.api_key, retry=NO_RETRIES) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            client.clients.self()

    assert caught.value.code == "api_access_disabled"


def test_taken_username_raises_conflict(sdk):
    sdk.clients.create(username="conflicted-name", email="c@example.com")

    with pytest.raises(ConflictError) as caught:
        sdk.clients.create(username="conflicted-name", email="d@example.com")

    assert caught.value.status == 409


def test_invalid_field_raises_validation_error_naming_it(sdk):
    with pytest.raises(ValidationError) as caught:
        sdk.clients.create(username="valid-name", email="not-an-email")

    assert caught.value.status == 422
    assert caught.value.field == "email"


def test_unknown_search_field_raises_validation_error(sdk):
    with pytest.raises(ValidationError) as caught:
        list(sdk.clients.list(search={"password": "x"}))

    assert caught.value.status == 400
    assert caught.value.code == "invalid_search"


def test_missing_credit_raises_insufficient_credit(server, database, settings):
    poor = create_partner(database, settings, credits=0)

    with Client(server.url, poor.partner_id, poor.api_key, retry=NO_RETRIES) as client:
        with pytest.raises(InsufficientCreditError) as caught:
            client.fakemxs.create(service_name="fakemx", domain="p.example")

    assert caught.value.status == 405


def test_429_after_retries_raises_rate_limit_error(server, partner):
    body = error_envelope(429, "Too Many Requests", "rate_limited", "Slow down.")
    faults = [Fault(429, {"Retry-After": "0", "Content-Type": "application/json"}, body)] * 2

    with fault_proxy(server, *faults) as proxy:
        with Client(
            proxy.url, partner.partner_id, partner.api_key, retry=RetryPolicy(max_retries=1)
        ) as client:
            with pytest.raises(RateLimitError) as caught:
                client.clients.self()

    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 0


def test_5xx_after_retries_raises_server_error(server, partner):
    body = error_envelope(503, "Service Unavailable", "store_unavailable", "Try later.")
    faults = [Fault(503, {"Content-Type": "application/json"}, body)] * 4

    with fault_proxy(server, *faults) as proxy:
        with Client(proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES) as client:
            with pytest.raises(ServerError) as caught:
                client.clients.self()

    assert caught.value.status == 503
    assert caught.value.code == "store_unavailable"


def test_error_without_envelope_still_has_fields(server, partner):
    faults = [Fault(502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>")]

    with fault_proxy(server, *faults) as proxy:
        with Client(proxy.url, partner.partner_id, partner.api_key, retry=NO_RETRIES) as client:
            with pytest.raises(ServerError) as caught:
                client.clients.self()

    assert caught.value.name == "Bad Gateway"
    assert caught.value.code == "http_502"
    assert "Bad gateway" in caught.value.message


def test_refused_connection_raises_connection_error(partner):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with Client(
        f"http://127.0.0.1:{port}", partner.partner_id, partner.api_key, retry=FAST_RETRIES
    ) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.clients.self()

    assert caught.value.status is None
    assert caught.value.code == "connection_error"
    assert caught.value.request_id.startswith("sdk_")


def test_no_answer_within_timeout_raises_timeout_error(server, partner):
    with fault_proxy(server, Fault(hang=10)) as proxy:
        with Client(
            proxy.url, partner.partner_id, partner.api_key, timeout=0.2, retry=NO_RETRIES
        ) as client:
            with pytest.raises(APITimeoutError) as caught:
                client.clients.self()

    assert caught.value.code == "timeout"


def test_str_names_code_status_and_request_id(sdk):
    with pytest.raises(NotFoundError) as caught:
        sdk.clients.get(9_999_999)

    text = str(caught.value)
    assert "client_not_found" in text
    assert "HTTP 404" in text
    assert caught.value.request_id in text
