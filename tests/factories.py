"""Plain helpers that build test data through the domain operations."""

from dataclasses import dataclass
from typing import Any

import httpx

from myengine.db.engine import Database
from myengine.partners.operations import create_partner as create_partner_record
from myengine.settings import Settings


@dataclass(frozen=True)
class PartnerCredentials:
    partner_id: int
    api_key: str
    key_prefix: str


def create_partner(database: Database, settings: Settings, *, credits: int = 1000,
                   name: str = "Test Reseller") -> PartnerCredentials:
    with database.write(operator=True) as session:
        partner, key = create_partner_record(
            session,
            name=name,
            email="ops@reseller.example",
            credits=credits,
            environment=settings.environment,
            pepper=settings.secret_key_bytes(),
        )
        return PartnerCredentials(partner.id, key.secret, key.prefix)


_counter = iter(range(1, 10**9))


def client_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body = {
        "username": f"client{n}",
        "email": f"client{n}@example.com",
        "firstname": "Fred",
        "surname": "Bloggs",
        "external_userid": f"ext-{n}",
        "country": "GB",
    }
    body.update(overrides)
    return body


def create_client(api: httpx.Client, **overrides: Any) -> dict[str, Any]:
    response = api.post("/clients", json=client_body(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]
