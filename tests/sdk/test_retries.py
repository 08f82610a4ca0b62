"""Retries: bounded, backed off, honouring Retry-After, and never running a write twice."""

import datetime as dt
import email.utils
import uuid

import pytest
from myengine_client import (
    APIConnectionError,
    Client,
    ConflictError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from myengine_client._retry import parse_retry_after

from tests.sdk.conftest import FAST_RETRIES
from tests.sdk.faults import Fault, FlakyTransport, error_envelope, fault_proxy

UNAVAILABLE = Fault(
    503,
    {"Content-Type": "application/json"},
    error_envelope(503, "Service Unavailable", "store_unavailable", "Try later."),
)


def rate_limited(retry_after: str) -> Fault:
    return Fault(
        429,
        {"Retry-After": retry_after, "Content-Type": "application/json"},
        error_envelope(429, "Too Many Requests", "rate_limited", "Slow down."),
    )


def username() -> str:
    return f"retry-{uuid.uuid4().hex[:12]}"


class TestConnectionFailures:
    def test_refused_connection_is_retried(self, sdk_factory):
        transport = FlakyTransport(refuse=2)
        client = sdk_factory(transport=transport)

        record = client.clients.self()

        assert record.id is not None
        assert len(transport.requests) == 3

    def test_lost_create_response_creates_one_client(self, sdk_factory, sdk):
        transport = FlakyTransport(lose=1)
        client = sdk_factory(transport=transport)
        name = username()

        created = client.clients.create(username=name, email="r@example.com")

        assert [record.id for record in sdk.clients.list(search={"username": name})] == [created.id]

    def test_lost_create_response_is_answered_by_replay(self, sdk_factory):
        transport = FlakyTransport(lose=1)
        client = sdk_factory(transport=transport)

        client.clients.create(username=username(), email="r@example.com")

        first, second = transport.requests
        assert first.headers["idempotency-key"] == second.headers["idempotency-key"]

    def test_lost_delete_response_is_retried(self, sdk_factory, sdk):
        created = sdk.clients.create(username=username(), email="r@example.com")
        client = sdk_factory(transport=FlakyTransport(lose=1))

        record = client.clients.delete(created.id)

        assert record.client_status_id == 3

    def test_retries_are_bounded(self, sdk_factory):
        transport = FlakyTransport(refuse=10)
        client = sdk_factory(
            transport=transport, retry=RetryPolicy(max_retries=2, initial_delay=0.01)
        )

        with pytest.raises(APIConnectionError):
            client.clients.self()

        assert len(transport.requests) == 3

    def test_each_call_gets_its_own_key(self, sdk_factory):
        transport = FlakyTransport()
        client = sdk_factory(transport=transport)

        client.clients.create(username=username(), email="a@example.com")
        client.clients.create(username=username(), email="b@example.com")

        first, second = transport.requests
        assert first.headers["idempotency-key"] != second.headers["idempotency-key"]

    def test_caller_key_is_sent(self, sdk_factory):
        transport = FlakyTransport()
        client = sdk_factory(transport=transport)

        client.clients.create(
            username=username(), email="a@example.com", idempotency_key="order-4711"
        )

        assert transport.requests[0].headers["idempotency-key"] == "order-4711"

    def test_reads_carry_no_key(self, sdk_factory):
        transport = FlakyTransport()
        client = sdk_factory(transport=transport)

        client.clients.self()

        assert "idempotency-key" not in transport.requests[0].headers


class TestErrorResponses:
    def test_429_is_retried_after_retry_after(self, server, partner):
        with fault_proxy(server, rate_limited("0"), rate_limited("0")) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                record = client.clients.self()

        assert record.id == partner.partner_id
        assert len(proxy.seen) == 3

    def test_503_is_retried(self, server, partner):
        with fault_proxy(server, UNAVAILABLE) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                record = client.clients.self()

        assert record.id == partner.partner_id
        assert len(proxy.seen) == 2

    def test_retried_create_keeps_its_key(self, server, partner):
        with fault_proxy(server, UNAVAILABLE, rate_limited("0")) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                client.clients.create(username=username(), email="k@example.com")

        keys = {seen.headers["idempotency-key"] for seen in proxy.seen}
        assert len(proxy.seen) == 3
        assert len(keys) == 1

    def test_key_in_progress_conflict_is_retried(self, server, partner):
        in_progress = Fault(
            409,
            {"Retry-After": "0", "Content-Type": "application/json"},
            error_envelope(409, "Conflict", "idempotency_key_in_progress", "Still running."),
        )
        with fault_proxy(server, in_progress) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                record = client.clients.create(username=username(), email="p@example.com")

        assert record.id is not None
        assert len(proxy.seen) == 2

    def test_other_conflicts_are_not_retried(self, server, partner):
        name = username()
        with fault_proxy(server) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                client.clients.create(username=name, email="a@example.com")
                with pytest.raises(ConflictError):
                    client.clients.create(username=name, email="b@example.com")

        assert len(proxy.seen) == 2

    def test_validation_errors_are_not_retried(self, server, partner):
        with fault_proxy(server) as proxy:
            with Client(
                proxy.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES
            ) as client:
                with pytest.raises(ValidationError):
                    client.clients.create(username=username(), email="nope")

        assert len(proxy.seen) == 1

    def test_long_retry_after_is_not_waited(self, server, partner):
        policy = RetryPolicy(max_retries=3, initial_delay=0.01, max_retry_after=5)
        with fault_proxy(server, rate_limited("3600")) as proxy:
            with Client(proxy.url, partner.partner_id, partner.api_key, retry=policy) as client:
                with pytest.raises(RateLimitError) as caught:
                    client.clients.self()

        assert caught.value.retry_after == 3600
        assert len(proxy.seen) == 1

    def test_max_retries_zero_sends_once(self, server, partner):
        with fault_proxy(server, UNAVAILABLE) as proxy:
            with Client(proxy.url, partner.partner_id, partner.api_key, max_retries=0) as client:
                with pytest.raises(ServerError):
                    client.clients.self()

        assert len(proxy.seen) == 1


class TestPolicy:
    def test_backoff_doubles_per_retry(self):
        policy = RetryPolicy(initial_delay=0.5, max_delay=100, random=lambda: 1.0)

        assert [policy.backoff(retry) for retry in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]

    def test_backoff_jitter_keeps_at_least_half(self):
        policy = RetryPolicy(initial_delay=0.5, max_delay=100, random=lambda: 0.0)

        assert [policy.backoff(retry) for retry in (1, 2, 3)] == [0.25, 0.5, 1.0]

    def test_backoff_is_capped(self):
        policy = RetryPolicy(initial_delay=1, max_delay=8, random=lambda: 1.0)

        assert policy.backoff(10) == 8

    def test_negative_retries_are_rejected(self):
        with pytest.raises(ValueError):
            RetryPolicy(max_retries=-1)

    def test_retry_after_in_seconds(self):
        assert parse_retry_after("7") == 7.0

    def test_retry_after_as_http_date(self):
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)

        seconds = parse_retry_after(email.utils.format_datetime(when, usegmt=True))

        assert seconds is not None
        assert 100 < seconds <= 120

    def test_retry_after_in_the_past_is_zero(self):
        assert parse_retry_after("Thu, 01 Jan 2015 00:00:00 GMT") == 0.0

    def test_unreadable_retry_after_is_ignored(self):
        assert parse_retry_after("soon") is None
