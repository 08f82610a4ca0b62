"""The benchmark's seeding code, run small so that it keeps working as the schema changes."""

import httpx
import pytest
from sqlalchemy import func, select

from bench.seed import SeededPartner, analyze, seed
from myengine.clients.models import Client
from myengine.db.engine import Database
from myengine.live_services.models import LiveService
from myengine.settings import Settings
from tests.conftest import LiveServer

CLIENTS = 50
SERVICES = 150


@pytest.fixture
def seeded(database: Database, settings: Settings) -> SeededPartner:
    partner = seed(
        database,
        clients=CLIENTS,
        services=SERVICES,
        pepper=settings.secret_key_bytes(),
        environment=settings.environment,
        batch_size=20,
    )
    analyze(database)
    return partner


def count(database: Database, partner_id: int, statement) -> int:  # type: ignore[no-untyped-def]
    with database.read(partner_id=partner_id) as session:
        return session.scalar(statement)


def test_seed_inserts_requested_clients(database: Database, seeded: SeededPartner) -> None:
    statement = select(func.count()).select_from(Client).where(Client.is_partner.is_(False))

    assert count(database, seeded.partner_id, statement) == CLIENTS


def test_seed_returns_client_ids_in_order(database: Database, seeded: SeededPartner) -> None:
    statement = select(Client.id).where(Client.username == "user1")

    assert seeded.client_ids[0] == count(database, seeded.partner_id, statement)


def test_seed_inserts_requested_services(database: Database, seeded: SeededPartner) -> None:
    statement = select(func.count()).select_from(LiveService)

    assert count(database, seeded.partner_id, statement) == SERVICES


def test_seed_gives_every_client_services(database: Database, seeded: SeededPartner) -> None:
    statement = select(func.count(func.distinct(LiveService.client_id)))

    assert count(database, seeded.partner_id, statement) == CLIENTS


def test_seeded_key_authenticates(server: LiveServer, seeded: SeededPartner) -> None:
    response = httpx.get(
        f"{server.url}/api-v1/clients/self",
        auth=(str(seeded.partner_id), seeded.api_key),
        timeout=30,
    )

    assert response.status_code == 200, response.text


def test_seeded_client_is_served(server: LiveServer, seeded: SeededPartner) -> None:
    response = httpx.get(
        f"{server.url}/api-v1/clients/{seeded.client_ids[-1]}",
        auth=(str(seeded.partner_id), seeded.api_key),
        timeout=30,
    )

    assert response.json()["data"]["username"] == f"user{CLIENTS}"


def test_seed_rejects_zero_clients(database: Database, settings: Settings) -> None:
    with pytest.raises(ValueError, match="clients=0"):
        seed(database, clients=0, services=1, pepper=settings.secret_key_bytes())
