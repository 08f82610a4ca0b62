"""Measure anonymisation throughput: ``python bench/anonymise.py`` or ``python -m bench.anonymise``.

For each backend (a SQLite file, and PostgreSQL when it is reachable) the run migrates a
fresh database. It writes deleted clients that are due for anonymisation, each with one live
service and a queued ``client.anonymise`` job. Then it times one in-process job worker
running them all (``Worker.run_once``) and prints a markdown table of clients per second.
The run stops by itself, because ``--clients`` fixes its size.
"""

import argparse
import datetime as dt
import logging
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Run as "python bench/anonymise.py": put the repository root on the path so "bench" imports.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench.databases import POSTGRES_ADMIN_URL, postgres_database, postgres_problem, sqlite_database
from myengine.audit.context import bind_operator_actor
from myengine.clients.models import Client, ClientStatus
from myengine.db.engine import Database, connect
from myengine.db.migrate import upgrade
from myengine.jobs.queue import enqueue
from myengine.jobs.worker import Worker
from myengine.live_services.models import LiveService, ServiceStatus
from myengine.logs import configure_logging
from myengine.partners.operations import create_partner
from myengine.retention.operations import ANONYMISE_JOB, anonymisation_key
from myengine.settings import Environment, Settings

DEFAULT_CLIENTS = 2000


@dataclass(frozen=True)
class Measurement:
    backend: str
    clients: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.clients / self.seconds if self.seconds else float("inf")


def seed(database: Database, settings: Settings, count: int) -> list[int]:
    """Write ``count`` deleted clients due for anonymisation, with a service and a job each."""
    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with database.write(operator=True) as session:
        partner, _ = create_partner(
            session, name="Benchmark Reseller", email="bench@reseller.example", credits=0,
            environment=settings.environment, pepper=settings.secret_key_bytes(),
        )
        partner_id = partner.id

    tag = secrets.token_hex(3)
    with database.write(operator=True) as session:
        session.execute(
            insert(Client),
            [
                {
                    "partner_id": partner_id, "is_partner": False,
                    "username": f"bench-{tag}-{n}", "email": f"bench-{tag}-{n}@example.com",
                    "firstname": "Bench", "surname": f"Client{n}", "phone": "+44 20 7946 0000",
                    "city": "London", "country": "GB", "external_userid": f"ext-{tag}-{n}",
                    "active": False, "verified": True, "client_status_id": ClientStatus.DELETED,
                    "created": due, "modified": due, "deleted": due, "anonymise_after": due,
                }
                for n in range(count)
            ],
        )
        client_ids = list(
            session.scalars(
                select(Client.id)
                .where(Client.partner_id == partner_id, Client.is_partner.is_(False))
                .order_by(Client.id)
            )
        )
        session.execute(
            insert(LiveService),
            [
                {
                    "partner_id": partner_id, "client_id": client_id, "product": "masterDNS",
                    "service_name": "masterdns-100", "status": ServiceStatus.SUSPENDED,
                    "domain": f"zone-{client_id}.example", "attributes": {"records": 100},
                    "created": due, "modified": due,
                }
                for client_id in client_ids
            ],
        )
        for client_id in client_ids:
            enqueue(session, ANONYMISE_JOB, {"client_id": client_id}, run_after=due,
                    dedup_key=anonymisation_key(client_id))
    return client_ids


def measure(backend: str, url: str, count: int, var_dir: Path) -> Measurement:
    settings = Settings(database_url=url, environment=Environment.SANDBOX, var_dir=var_dir,
                        log_level="WARNING")
    upgrade(url)
    database = connect(url)
    try:
        client_ids = seed(database, settings, count)
        worker = Worker(database, settings, name=f"bench-{backend}", kinds={ANONYMISE_JOB})

        started = time.perf_counter()
        ran = worker.run_once()
        seconds = time.perf_counter() - started

        with database.read(operator=True) as session:
            anonymised = session.scalar(
                select(func.count()).select_from(Client).where(
                    Client.id.in_(client_ids), Client.client_status_id == ClientStatus.ANONYMISED
                )
            )
        if ran != count or anonymised != count:
            raise RuntimeError(f"{backend}: ran {ran} jobs and anonymised {anonymised} of {count}")
        return Measurement(backend, count, seconds)
    finally:
        database.dispose()


def print_table(measurements: list[Measurement]) -> None:
    print("| backend | clients | seconds | clients/s |")
    print("|---|---:|---:|---:|")
    for m in measurements:
        print(f"| {m.backend} | {m.clients} | {m.seconds:.2f} | {m.per_second:.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS,
                        help=f"deleted clients to anonymise per backend (default {DEFAULT_CLIENTS})")
    parser.add_argument("--postgres-admin-url",
                        default=os.environ.get("MYENGINE_TEST_POSTGRES_URL", POSTGRES_ADMIN_URL),
                        help="PostgreSQL URL allowed to create and drop a database")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append",
                        help="run only this backend; repeat for both (default: both)")
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients must be at least 1")

    # The worker logs every job at INFO; WARNING keeps the measurement about the database.
    configure_logging("WARNING", "json", stream=sys.stderr)
    # The seeded partner is created as the operator's command-line tools create one.
    bind_operator_actor()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    backends = args.backend or ["sqlite", "postgresql"]
    measurements = []
    with tempfile.TemporaryDirectory(prefix="myengine-bench-") as folder:
        if "sqlite" in backends:
            with sqlite_database(Path(folder)) as url:
                measurements.append(measure("sqlite", url, args.clients, Path(folder)))
        if "postgresql" in backends:
            problem = postgres_problem(args.postgres_admin_url)
            if problem is None:
                with postgres_database(args.postgres_admin_url) as url:
                    measurements.append(measure("postgresql", url, args.clients, Path(folder)))
            else:
                print(f"PostgreSQL skipped: {problem}", file=sys.stderr)

    print(f"Anonymisation throughput, one in-process worker, {args.clients} clients "
          "with one live service each:")
    print_table(measurements)
    return 0


if __name__ == "__main__":
    sys.exit(main())
