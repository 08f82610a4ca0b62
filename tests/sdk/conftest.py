"""Fixtures for the SDK: clients authenticated as a fresh partner against the live server."""

import os
from collections.abc import Iterator

import pytest
from myengine_client import Client, RetryPolicy

from tests.conftest import LiveServer
from tests.factories import PartnerCredentials

# Retries in tests wait milliseconds, not seconds.
FAST_RETRIES = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05)


@pytest.fixture
def sdk(server: LiveServer, partner: PartnerCredentials) -> Iterator[Client]:
    """A ``Client`` authenticated as ``partner``."""
    with Client(server.url, partner.partner_id, partner.api_key, retry=FAST_RETRIES) as client:
        yield client


@pytest.fixture
def sdk_factory(server: LiveServer, partner: PartnerCredentials):  # type: ignore[no-untyped-def]
    """Build more clients for ``partner`` (with another transport or retry policy)."""
    opened: list[Client] = []

    def make(**options) -> Client:  # type: ignore[no-untyped-def]
        options.setdefault("retry", FAST_RETRIES)
        client = Client(server.url, partner.partner_id, partner.api_key, **options)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def async_sdk_options(server: LiveServer, partner: PartnerCredentials) -> dict:  # type: ignore[type-arg]
    """Arguments for an ``AsyncClient``, which each test opens inside its own event loop."""
    return {
        "base_url": server.url,
        "partner_id": partner.partner_id,
        "api_key": partner.api_key,
        "retry": FAST_RETRIES,
    }


@pytest.fixture
def sdk_env(server: LiveServer, partner: PartnerCredentials) -> dict[str, str]:
    """Environment for a subprocess (example or CLI) that talks to the server as ``partner``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MYENGINE_")}
    env.update(
        MYENGINE_URL=server.url,
        MYENGINE_PARTNER_ID=str(partner.partner_id),
        MYENGINE_API_KEY=partner.api_key,
    )
    return env
