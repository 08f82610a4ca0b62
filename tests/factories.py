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


# A valid create body for each product collection; the overrides replace or add keys.
SERVICE_BODIES: dict[str, dict[str, Any]] = {
    "outmails": {"service_name": "outmail-500"},
    "profilters": {"service_name": "profilter-5", "domain": "filter.example.com", "mailboxes": 5},
    "fakemxs": {"service_name": "fakemx", "domain": "decoy.example.com"},
    "backupmxs": {
        "service_name": "backupmx-7", "domain": "queue.example.com",
        "destination": "mail.example.com",
    },
    "masterdns": {"service_name": "masterdns-100", "domain": "zone.example.com"},
    "backupdns": {
        "service_name": "backupdns", "domain": "secondary.example.com",
        "master_addresses": ["198.51.100.53"],
    },
}


def service_body(collection: str, **overrides: Any) -> dict[str, Any]:
    return {**SERVICE_BODIES[collection], **overrides}


def create_service(
    api: httpx.Client, collection: str = "masterdns", **overrides: Any
) -> dict[str, Any]:
    response = api.post(f"/{collection}", json=service_body(collection, **overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]
