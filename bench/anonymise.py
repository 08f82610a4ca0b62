"""Measure anonymisation throughput against a no-op baseline: ``python -m bench.anonymise``.

For each backend (a SQLite file, and PostgreSQL when it is reachable) the run migrates a
fresh database. It seeds deleted clients that are due for anonymisation, each with one live
service and a queued ``client.anonymise`` job, and as many ``bench.noop`` jobs. One
in-process job worker (``Worker.run_once``) runs the no-op jobs, which are the baseline, and
then the anonymisation jobs. After each run the benchmark checks that every job ran once
and every client was anonymised. It prints a markdown section and writes it between the
``bench:anonymise`` markers of docs/benchmarks.md. ``--clients`` fixes the size of the run,
so it stops by itself.
"""

import argparse
import datetime as dt
import logging
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Run as "python bench/anonymise.py": put the repository root on the path so "bench" imports.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from bench.databases import (
    POSTGRES_ADMIN_URL,
    postgres_database,
    postgres_problem,
    postgres_version,
    sqlite_database,
)
from bench.jobs import NOOP_JOB
from bench.report import (
    Machine,
    describe_command,
    describe_machine,
    ratio,
    replace_section,
    without_note,
)
from myengine.audit.context import ActorType, AuditActor, acting_as, new_correlation_id
from myengine.clients.models import Client, ClientStatus
from myengine.db.engine import Database, connect
from myengine.db.migrate import upgrade
from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import enqueue
from myengine.jobs.worker import Worker
from myengine.live_services.models import LiveService, ServiceStatus
from myengine.logs import configure_logging
from myengine.partners.operations import create_partner
from myengine.retention.operations import ANONYMISE_JOB, anonymisation_key
from myengine.settings import Environment, Settings

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DOC = REPOSITORY / "docs" / "benchmarks.md"
SECTION_KEY = "anonymise"
DEFAULT_CLIENTS = 2000
# The module that registers the no-op handler, loaded by the worker as MYENGINE_JOB_MODULES.
BENCH_JOB_MODULES = "bench.jobs"


@dataclass(frozen=True)
class SeededData:
    partner_id: int
    client_ids: list[int]


@dataclass(frozen=True)
class RunResult:
    """One timed ``Worker.run_once`` over the jobs of one kind, and what the checks found."""

    kind: str
    jobs: int
    seconds: float
    # The 1-minute load average just before the run.
    load_average: float
    # Summary of the counts that the checks confirmed, shown when ``problems`` is empty.
    checked: str
    problems: list[str]

    @property
    def per_second(self) -> float:
        return self.jobs / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True)
class BackendResult:
    backend: str  # "SQLite" or "PostgreSQL"
    version: str
    baseline: RunResult
    anonymise: RunResult

    @property
    def failed(self) -> bool:
        return bool(self.baseline.problems or self.anonymise.problems)


@dataclass(frozen=True)
class AnonymiseReport:
    command: str  # markdown
    date: dt.datetime
    machine: Machine
    clients: int
    results: list[BackendResult]
    skipped: list[str]
    note: str | None = None


@dataclass(frozen=True)
class Backend:
    name: str  # as shown in the report
    database: Callable[[Path], AbstractContextManager[str]]


def seed(database: Database, settings: Settings, count: int, due: dt.datetime) -> SeededData:
    """Write ``count`` deleted clients due at ``due``, each with a live service and a job.

    Also queue ``count`` no-op jobs, due a minute before the anonymisation jobs. The worker
    claims the oldest due job of its kinds in ``(run_after, id)`` order, so the no-op run,
    which goes first, finds each job without stepping over the pending anonymisation jobs.
    """
    # The seeded partner is created as the operator's command-line tools create one.
    operator = AuditActor(type=ActorType.OPERATOR, correlation_id=new_correlation_id())
    with acting_as(operator), database.write(operator=True) as session:
        partner, _ = create_partner(
            session, name="Benchmark Reseller", email="bench@reseller.example", credits=0,
            environment=settings.environment, pepper=settings.secret_key_bytes(),
        )
        partner_id = partner.id

    with database.write(operator=True) as session:
        session.execute(
            insert(Client),
            [
                {
                    "partner_id": partner_id, "is_partner": False,
                    "username": f"bench-{n}", "email": f"bench-{n}@example.com",
                    "firstname": "Bench", "surname": f"Client{n}", "phone": "+44 20 7946 0000",
                    "city": "London", "country": "GB", "external_userid": f"ext-{n}",
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
        for n in range(count):
            enqueue(session, NOOP_JOB, {"n": n}, run_after=due - dt.timedelta(minutes=1))
    return SeededData(partner_id, client_ids)


def analyze(database: Database) -> None:
    """Refresh PostgreSQL's planner statistics after the bulk load, as bench.seed does."""
    if database.is_sqlite:
        return
    with database.write(operator=True) as session:
        for table in ("clients", "live_services", "jobs"):
            session.execute(text(f"ANALYZE {table}"))


def run_jobs(database: Database, settings: Settings, kind: str, name: str) -> tuple[int, float]:
    """Run every due job of ``kind`` with one in-process worker; return how many ran, and seconds."""
    worker = Worker(database, settings, name=name, kinds={kind})
    started = time.perf_counter()
    ran = worker.run_once()
    return ran, time.perf_counter() - started


def check_jobs(database: Database, kind: str, expected: int, ran: int) -> tuple[str, list[str]]:
    """Check that ``expected`` jobs of ``kind`` are done, each after exactly one attempt.

    Returns what was confirmed and the list of problems, empty when every check passed. A
    job that ran twice shows as an extra done job or as a second attempt.
    """
    with database.read(operator=True) as session:
        rows = session.execute(
            select(Job.state, Job.attempts, func.count())
            .where(Job.kind == kind)
            .group_by(Job.state, Job.attempts)
        ).all()
    done = sum(count for state, _attempts, count in rows if state == JobState.DONE.value)
    retried = sum(
        count for state, attempts, count in rows if state == JobState.DONE.value and attempts != 1
    )
    not_done: dict[str, int] = {}
    for state, _attempts, count in rows:
        if state != JobState.DONE.value:
            not_done[state] = not_done.get(state, 0) + count

    problems = []
    if ran != expected:
        problems.append(f"the worker ran {ran:,} jobs, expected {expected:,}")
    if done != expected:
        problems.append(f"{done:,} `{kind}` jobs done, expected {expected:,}")
    if retried:
        problems.append(f"{retried:,} done jobs took more than one attempt")
    for state, count in sorted(not_done.items()):
        problems.append(f"{count:,} `{kind}` jobs left {state}")
    return f"{done:,} jobs done, each after one attempt", problems


def check_anonymised(database: Database, seeded: SeededData) -> tuple[str, list[str]]:
    """Check that every seeded client has ``client_status_id`` 4 (anonymised)."""
    with database.read(operator=True) as session:
        anonymised = session.scalar(
            select(func.count()).select_from(Client).where(
                Client.partner_id == seeded.partner_id,
                Client.is_partner.is_(False),
                Client.client_status_id == ClientStatus.ANONYMISED,
            )
        ) or 0
    expected = len(seeded.client_ids)
    confirmed = f"{anonymised:,} clients anonymised"
    if anonymised == expected:
        return confirmed, []
    problem = (f"{anonymised:,} of {expected:,} clients anonymised "
               f"(client_status_id {ClientStatus.ANONYMISED})")
    return confirmed, [problem]


def measure(backend: str, url: str, count: int, var_dir: Path) -> BackendResult:
    """Migrate the empty database at ``url``, seed it, and time the baseline, then anonymisation."""
    settings = Settings(database_url=url, environment=Environment.SANDBOX, var_dir=var_dir,
                        log_level="WARNING", job_modules=BENCH_JOB_MODULES)
    upgrade(url)
    database = connect(url)
    try:
        due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        seeded = seed(database, settings, count, due)
        analyze(database)

        runs = []
        for kind in (NOOP_JOB, ANONYMISE_JOB):
            load_average = os.getloadavg()[0]
            ran, seconds = run_jobs(database, settings, kind, name=f"bench-{backend.lower()}")
            checked, problems = check_jobs(database, kind, count, ran)
            if kind == ANONYMISE_JOB:
                anonymised, more_problems = check_anonymised(database, seeded)
                checked = f"{checked}; {anonymised}"
                problems += more_problems
            runs.append(RunResult(kind, count, seconds, load_average, checked, problems))

        version = (f"SQLite {sqlite3.sqlite_version}" if database.is_sqlite
                   else f"PostgreSQL {postgres_version(url)}")
    finally:
        database.dispose()
    return BackendResult(backend, version, baseline=runs[0], anonymise=runs[1])


READING_NOTES = f"""\
How to read it:

- The **baseline** runs the same number of `{NOOP_JOB}` jobs, whose handler does nothing,
  through the same worker on the same database in the same run. Both handlers are
  transactional, so each job costs a claim transaction and then one transaction that locks
  the job row, runs the handler and marks the job done. The baseline's figure is that cost
  alone.
- The `{ANONYMISE_JOB}` row's ratio to the baseline is the share of the job's time that is
  claiming and completing it. A ratio of 0.25 means an anonymisation job takes four times as
  long as a job that does nothing, so three quarters of its time is the anonymisation:
  locking the client, erasing its personal fields, terminating and erasing its live service,
  and writing two audit events. The difference between the two ms-per-job figures is that
  cost in milliseconds.
- Wall time runs from the call to `Worker.run_once` to its return, with no seeding or
  checking in it. Load average is the 1-minute figure just before each row's run.
- After each run the benchmark counts the done jobs of that kind, each after exactly one
  attempt, and after the anonymisation run the seeded clients with `client_status_id` 4. A
  row that misses either is marked **failed**, and the command exits with status 1.
- The worker and the database share the machine's CPUs with anything else it runs, so
  compare the ratios, and compare absolute figures only between runs on the same quiet
  machine.
"""


def render_table(results: list[BackendResult]) -> str:
    """Render one row per run: each backend's baseline, then its anonymisation run."""
    header = ("| Run | Jobs | Wall time s | Jobs/s | × baseline | ms per job "
              "| Load average (1 min) before | Check |")
    lines = [header, "|---|--:|--:|--:|--:|--:|--:|---|"]
    for result in results:
        for run in (result.baseline, result.anonymise):
            if run is result.baseline:
                title = f"{result.backend}, baseline: `{run.kind}`"
            else:
                title = f"{result.backend}: `{run.kind}`"
            if run.problems:
                check = "**failed**: " + "; ".join(run.problems)
            else:
                check = f"ok: {run.checked}"
            cells = [
                title,
                f"{run.jobs:,}",
                f"{run.seconds:.2f}",
                f"{run.per_second:,.0f}",
                ratio(run.per_second, result.baseline.per_second),
                f"{run.seconds / run.jobs * 1000:.2f}",
                f"{run.load_average:.2f}",
                check,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_section(report: AnonymiseReport) -> str:
    software = ", ".join([f"Python {report.machine.python}", *(r.version for r in report.results)])
    data = (
        f"per backend, a fresh database with 1 partner and {report.clients:,} deleted clients "
        "due for anonymisation, each with one suspended masterDNS live service and a queued "
        f"`{ANONYMISE_JOB}` job, plus {report.clients:,} queued `{NOOP_JOB}` jobs. The partner "
        "has no stored idempotency keys or email tokens for the anonymisation to delete"
    )
    worker = (
        "one in-process `Worker.run_once` per row, limited to that row's job kind, in the "
        "benchmark's own process. The baseline runs first, on the same database"
    )
    lines = [
        "## Anonymisation throughput",
        "",
        f"- Command: {report.command}",
        f"- Date: {report.date:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {report.machine.describe()}",
        f"- Software: {software}",
        f"- Clients: {report.clients:,}",
        f"- Data: {data}",
        f"- Worker: {worker}",
    ]
    if report.note:
        lines.append(f"- Note: {report.note}")
    lines += [f"- {skipped}" for skipped in report.skipped]
    lines += ["", render_table(report.results), "", READING_NOTES]
    return "\n".join(lines)


def choose_backends(backend: str, postgres_url: str) -> tuple[list[Backend], list[str]]:
    """Return the backends to measure, and a line for each backend skipped."""
    backends = []
    skipped = []
    if backend in ("all", "sqlite"):
        backends.append(Backend("SQLite", sqlite_database))
    if backend in ("all", "postgresql"):
        problem = postgres_problem(postgres_url)
        if problem is None:
            backends.append(Backend("PostgreSQL", lambda _folder: postgres_database(postgres_url)))
        else:
            first_line = problem.splitlines()[0]
            skipped.append(f"PostgreSQL skipped: unreachable ({first_line})")
    return backends, skipped


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.anonymise", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--clients", type=_positive, default=DEFAULT_CLIENTS,
                        help="Deleted clients to anonymise per backend, and no-op jobs to run "
                        f"as the baseline (default: {DEFAULT_CLIENTS}).")
    parser.add_argument(
        "--backend", choices=["all", "sqlite", "postgresql"], default="all",
        help="Backend to measure. 'all' measures SQLite, and PostgreSQL when it is reachable "
        "(default: all).",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MYENGINE_BENCH_POSTGRES_URL", POSTGRES_ADMIN_URL),
        help="PostgreSQL URL of a role that may create and drop databases "
        "(default: MYENGINE_BENCH_POSTGRES_URL, else the local server as postgres).",
    )
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                        help=f"Markdown page to update (default: {DEFAULT_DOC.relative_to(REPOSITORY)}).")
    parser.add_argument("--no-doc", dest="doc", action="store_const", const=None,
                        help="Print the section only and leave the page alone.")
    parser.add_argument("--note", help="A remark printed beside the figures, such as what else "
                        "ran on the machine.")
    args = parser.parse_args(argv)

    arguments = without_note(sys.argv[1:] if argv is None else argv)
    args.command = describe_command(["python", "-m", "bench.anonymise", *arguments])
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The worker logs every job at INFO; WARNING keeps the measurement about the database.
    configure_logging("WARNING", "json", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    backends, skipped = choose_backends(args.backend, args.postgres_url)
    for line in skipped:
        print(line, file=sys.stderr)
    if not backends:
        return 1

    machine = describe_machine()
    started = dt.datetime.now(dt.UTC)
    results = []
    with tempfile.TemporaryDirectory(prefix="myengine-bench-") as folder_name:
        folder = Path(folder_name)
        for backend in backends:
            _progress(f"{backend.name}: seeding {args.clients:,} clients and running the jobs")
            with backend.database(folder) as url:
                results.append(measure(backend.name, url, args.clients, folder))

    report = AnonymiseReport(
        command=args.command, date=started, machine=machine, clients=args.clients,
        results=results, skipped=skipped, note=args.note,
    )
    print(render_section(report), flush=True)
    if args.doc is not None:
        replace_section(args.doc, SECTION_KEY, render_section(report))
        print(f"Updated the anonymisation section of {args.doc}.", file=sys.stderr)
    return 1 if any(result.failed for result in results) else 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} must be a whole number of at least 1")
    return number


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
