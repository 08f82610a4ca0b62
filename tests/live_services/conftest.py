"""Fixtures for tests that need more than one partner or a chosen credit balance."""

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.factories import PartnerCredentials, create_partner

ApiFactory = Callable[..., tuple[httpx.Client, PartnerCredentials]]


@pytest.fixture
def api_for(server, database, settings) -> Iterator[ApiFactory]:  # type: ignore[no-untyped-def]
    """Create a new partner with ``credits`` and return an HTTP client authenticated as it."""
    opened: list[httpx.Client] = []

    def make(credits: int = 1000) -> tuple[httpx.Client, PartnerCredentials]:
        credentials = create_partner(database, settings, credits=credits)
        client = httpx.Client(
            base_url=f"{server.url}/api-v1",
            auth=(str(credentials.partner_id), credentials.api_key),
            timeout=30,
        )
        opened.append(client)
        return client, credentials

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def other_api(api_for: ApiFactory) -> httpx.Client:
    """An HTTP client for a second partner, unrelated to ``api``'s partner."""
    client, _ = api_for()
    return client
