"""Fill a migrated database with one partner, its clients and their live services.

The partner is made by ``create_partner``, so its API key is a real one. Clients and services
are written with SQLAlchemy core ``executemany`` into the real tables, one transaction per
batch: this is a fixture loader, so it skips the per-row checks of the domain operations.
"""

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import insert, select, text

from myengine.clients.models import Client, ClientStatus
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.live_services.models import LiveService, ServiceStatus
from myengine.live_services.tariff import DEFAULT_TARIFF
from myengine.partners.operations import create_partner
from myengine.settings import Environment

log = structlog.get_logger()

BATCH_SIZE = 10_000
# Credits granted to the seeded partner; the benchmark creates nothing, so any amount works.
PARTNER_CREDITS = 1_000_000


@dataclass(frozen=True)
class SeededPartner:
    partner_id: int
    api_key: str
    # Ids of the seeded clients in insertion order: client n (counting from 1) is
    # ``client_ids[n - 1]`` and has username ``user{n}``.
    client_ids: list[int]
    services: int


def seed(
    database: Database,
    *,
    clients: int,
    services: int,
    pepper: bytes,
    environment: Environment = Environment.SANDBOX,
    batch_size: int = BATCH_SIZE,
) -> SeededPartner:
    """Create one partner with ``clients`` clients and ``services`` live services among them.

    Services are dealt to the clients in turn, so each client gets ``services // clients``
    or one more. The database must already be migrated.
    """
    if clients < 1:
        raise ValueError(f"clients={clients} must be at least 1")
    if services < 0:
        raise ValueError(f"services={services} must be zero or more")
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be at least 1")

    with database.write(operator=True) as session:
        partner, key = create_partner(
            session,
            name="Benchmark Reseller",
            email="bench@reseller.example",
            credits=PARTNER_CREDITS,
            environment=environment,
            pepper=pepper,
        )
        partner_id = partner.id

    now = utcnow()
    for rows in _batches(_client_rows(partner_id, clients, now), batch_size):
        with database.write(operator=True) as session:
            session.execute(insert(Client.__table__), rows)

    with database.read(operator=True) as session:
        client_ids = list(
            session.scalars(
                select(Client.id)
                .where(Client.partner_id == partner_id, Client.is_partner.is_(False))
                .order_by(Client.id)
            )
        )

    for rows in _batches(_service_rows(partner_id, client_ids, services, now), batch_size):
        with database.write(operator=True) as session:
            session.execute(insert(LiveService.__table__), rows)

    log.info("bench.seeded", partner_id=partner_id, clients=len(client_ids), services=services)
    return SeededPartner(partner_id, key.secret, client_ids, services)


def analyze(database: Database) -> None:
    """Refresh PostgreSQL's query planner statistics after a bulk load.

    Autovacuum would analyse the loaded tables on its own at its next check (every minute by
    default, ``autovacuum_naptime``). Analysing now makes the first measurements independent
    of that timing. SQLite gathers statistics only when ANALYZE runs, so it is left alone.
    """
    if database.is_sqlite:
        return
    with database.write(operator=True) as session:
        session.execute(text("ANALYZE clients"))
        session.execute(text("ANALYZE live_services"))


def _client_rows(partner_id: int, count: int, now: dt.datetime) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        yield {
            "partner_id": partner_id,
            "is_partner": False,
            "external_userid": f"ext-{n}",
            "username": f"user{n}",
            "email": f"user{n}@example.com",
            "firstname": "Fred",
            "surname": f"Bloggs{n % 1000}",
            "company": f"Company {n % 5000}",
            "city": "London",
            "postcode": f"N{n % 20} {n % 10}AB",
            "country": "GB",
            "active": True,
            "verified": n % 4 != 0,
            "client_status_id": ClientStatus.ACTIVE,
            "created": now,
            "modified": now,
        }


def _service_rows(
    partner_id: int, client_ids: list[int], count: int, now: dt.datetime
) -> Iterator[dict[str, Any]]:
    packages = itertools.cycle(DEFAULT_TARIFF)
    for n in range(count):
        client_id = client_ids[n % len(client_ids)]
        package = next(packages)
        yield {
            "partner_id": partner_id,
            "client_id": client_id,
            "product": package["product"],
            "service_name": package["service_name"],
            "status": ServiceStatus.LIVE.value,
            "domain": f"c{client_id}-s{n}.example.com",
            "attributes": {},
            "created": now,
            "modified": now,
        }


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch
