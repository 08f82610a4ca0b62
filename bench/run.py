"""Benchmark the Partner API under load: ``make bench`` or ``python -m bench.run``.

For each backend (a SQLite file, and PostgreSQL when it is reachable) the run seeds a fresh
database and starts ``myengine-server serve`` with several workers on loopback. It then drives
each scenario with wrk for a fixed time, prints a markdown table, and writes the table into
the backend's section of docs/benchmarks.md. Every step is bounded in time and stops by itself.
"""

import argparse
import base64
import datetime as dt
import os
import random
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):
    # Run as "python bench/run.py": put the repository root on the path so "bench" imports.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.databases import (
    POSTGRES_ADMIN_URL,
    postgres_database,
    postgres_problem,
    postgres_version,
    sqlite_database,
)
from bench.report import (
    BackendReport,
    ScenarioResult,
    describe_command,
    describe_machine,
    render_section,
    update_doc,
    without_note,
)
from bench.seed import SeededPartner, analyze, seed
from bench.server import Response, RunningServer, fetch, serve
from bench.wrk import LoadSettings, WrkResult, run_wrk, wrk_version
from myengine.api.listing import encode_cursor
from myengine.clients.models import Client, ClientStatus
from myengine.db.engine import Database, connect
from myengine.db.migrate import upgrade
from myengine.live_services.models import LiveService, ServiceStatus
from myengine.logs import configure_logging

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DOC = REPOSITORY / "docs" / "benchmarks.md"
SEARCH = "('username LIKE':'user12345%')"
# The deep page starts after this share of the clients (row 90,000 of 100,000).
DEEP_PAGE_AT = 0.9


@dataclass(frozen=True)
class Backend:
    name: str  # as shown in the report
    database: Callable[[Path], AbstractContextManager[str]]
    version: Callable[[str], str]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Standard output carries the tables only, so the seeding's info events are turned off.
    configure_logging("WARNING")
    load = LoadSettings(args.duration, args.threads, args.connections, args.timeout)

    backends = choose_backends(args)
    if not backends:
        return 1

    for backend in backends:
        report = benchmark_backend(backend, args, load)
        print(render_section(report), flush=True)
        if args.doc is not None:
            update_doc(args.doc, report)
            print(f"Updated the {report.backend} section of {args.doc}.", file=sys.stderr)

    if not args.skip_anonymise:
        run_anonymise_benchmark(args)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
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
    parser.add_argument("--clients", type=_positive, default=100_000,
                        help="Clients to seed under the partner (default: 100000).")
    parser.add_argument("--services", type=_positive, default=300_000,
                        help="Live services to seed, dealt to the clients in turn (default: 300000).")
    parser.add_argument("--workers", type=_positive, default=len(os.sched_getaffinity(0)),
                        help="Server worker processes (default: the number of CPUs).")
    parser.add_argument("--duration", type=_positive, default=10,
                        help="Seconds of load per scenario (default: 10).")
    parser.add_argument("--threads", type=_positive, default=2,
                        help="wrk threads (default: 2).")
    parser.add_argument("--connections", type=_positive, default=16,
                        help="Open HTTP connections, shared among the wrk threads (default: 16).")
    parser.add_argument("--timeout", type=_positive, default=10,
                        help="Seconds after which wrk counts a request as timed out (default: 10).")
    parser.add_argument("--warmup", type=int, default=2,
                        help="Seconds of unmeasured load before the scenarios, 0 for none "
                        "(default: 2).")
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                        help=f"Markdown page to update (default: {DEFAULT_DOC.relative_to(REPOSITORY)}).")
    parser.add_argument("--no-doc", dest="doc", action="store_const", const=None,
                        help="Print the tables only and leave the page alone.")
    parser.add_argument("--note", help="A remark printed beside the figures, such as what else "
                        "ran on the machine.")
    parser.add_argument("--skip-anonymise", action="store_true",
                        help="Do not run bench/anonymise.py after the API scenarios.")
    args = parser.parse_args(argv)

    if args.connections < args.threads:
        parser.error(f"--connections {args.connections} must be at least --threads {args.threads}")
    if args.warmup < 0:
        parser.error(f"--warmup {args.warmup} must be zero or more")
    # The note has its own line in the report, so the command leaves it out.
    arguments = without_note(sys.argv[1:] if argv is None else argv)
    # Markdown for the report, naming what was typed and the command it ran.
    args.command = describe_command(["python", "-m", "bench.run", *arguments])
    return args


def choose_backends(args: argparse.Namespace) -> list[Backend]:
    backends = []
    if args.backend in ("all", "sqlite"):
        backends.append(
            Backend("SQLite", sqlite_database, lambda _url: f"SQLite {sqlite3.sqlite_version}")
        )
    if args.backend in ("all", "postgresql"):
        problem = postgres_problem(args.postgres_url)
        if problem is None:
            backends.append(Backend(
                "PostgreSQL",
                lambda _folder: postgres_database(args.postgres_url),
                lambda url: f"PostgreSQL {postgres_version(url)}",
            ))
        elif args.backend == "postgresql":
            print(f"PostgreSQL is unreachable at {args.postgres_url}: {problem}", file=sys.stderr)
        else:
            print(f"Skipping PostgreSQL, unreachable at {args.postgres_url}: {problem}",
                  file=sys.stderr)
    return backends


def benchmark_backend(backend: Backend, args: argparse.Namespace, load: LoadSettings) -> BackendReport:
    machine = describe_machine()
    started = dt.datetime.now(dt.UTC)

    with tempfile.TemporaryDirectory(prefix="myengine-bench-") as folder_name:
        folder = Path(folder_name)
        with backend.database(folder) as url:
            _progress(f"{backend.name}: migrating and seeding {args.clients:,} clients, "
                      f"{args.services:,} live services")
            upgrade(url)
            database = connect(url)
            secret_key = secrets.token_urlsafe(48)
            try:
                began = time.perf_counter()
                seeded = seed(database, clients=args.clients, services=args.services,
                              pepper=secret_key.encode())
                analyze(database)
                seed_seconds = time.perf_counter() - began

                with serve(database_url=url, secret_key=secret_key, workers=args.workers,
                           var_dir=folder, log_path=folder / "server.log") as server:
                    baseline, scenarios = run_scenarios(server, seeded, database, folder, args, load)
                if any(_server_errors(scenario.result) for scenario in scenarios):
                    _print_server_errors(server.log_path)
                version = backend.version(url)
            finally:
                database.dispose()

    return BackendReport(
        backend=backend.name,
        command=args.command,
        date=started,
        machine=machine,
        software=f"Python {machine.python}, {version}, {wrk_version()}",
        data=(f"1 partner, {len(seeded.client_ids):,} clients, {seeded.services:,} live services, "
              f"seeded in {seed_seconds:.1f} s"),
        load=(f"{args.workers} server worker processes; wrk with {load.threads} threads and "
              f"{load.connections} connections for {load.duration_s} s per scenario, after "
              f"{args.warmup} s of warm-up, on the same machine over loopback"),
        baseline=baseline,
        scenarios=scenarios,
        note=args.note,
    )


def run_scenarios(
    server: RunningServer,
    seeded: SeededPartner,
    database: Database,
    folder: Path,
    args: argparse.Namespace,
    load: LoadSettings,
) -> tuple[ScenarioResult, list[ScenarioResult]]:
    """Check each request once, warm the workers up, then measure the baseline and each scenario."""
    auth = {"Authorization": _basic_auth(seeded)}
    client_ids_file = folder / "client_ids.txt"
    client_ids_file.write_text("\n".join(map(str, seeded.client_ids)) + "\n")

    # The deletes walk the clients in a shuffled order, with a fixed seed so runs compare.
    delete_ids = list(seeded.client_ids)
    random.Random(20240601).shuffle(delete_ids)
    delete_ids_file = folder / "delete_ids.txt"
    delete_ids_file.write_text("\n".join(map(str, delete_ids)) + "\n")

    deep_row = max(1, int(len(seeded.client_ids) * DEEP_PAGE_AT))
    deep_path = f"/api-v1/clients?limit=100&cursor={encode_cursor(seeded.client_ids[deep_row - 1])}"
    search_path = f"/api-v1/clients?search={quote(SEARCH, safe='')}"

    baseline_notes = [_check_health(server.url)]
    get_notes = [_check_client(server.url, auth, seeded.client_ids[0])]
    deep_notes = [_check_list(server.url + deep_path, auth)]
    search_notes = [_check_list(server.url + search_path, auth)]

    if args.warmup:
        _progress(f"warming up for {args.warmup} s")
        run_wrk(server.url + "/api-v1/clients", "get_client.lua",
                LoadSettings(args.warmup, load.threads, load.connections, load.timeout_s),
                headers=auth, script_args=[str(client_ids_file)])

    def measure(
        title: str,
        url: str,
        script: str,
        notes: list[str],
        headers: dict[str, str] | None = None,
        script_args: list[str] | None = None,
    ) -> ScenarioResult:
        _progress(f"measuring {title} for {load.duration_s} s")
        result = run_wrk(url, script, load, headers=headers, script_args=script_args)
        return ScenarioResult(title, result, notes)

    baseline = measure(
        "Baseline: `GET /health/live`", server.url + "/health/live", "static.lua", baseline_notes
    )
    scenarios = [
        measure(
            "`GET /api-v1/clients/{id}`, random ids", server.url + "/api-v1/clients",
            "get_client.lua", get_notes, headers=auth, script_args=[str(client_ids_file)],
        ),
        measure(
            f"`GET /api-v1/clients?limit=100`, cursor after row {deep_row:,}",
            server.url + deep_path, "static.lua", deep_notes, headers=auth,
        ),
        measure(
            f"`GET /api-v1/clients?search={SEARCH}`",
            server.url + search_path, "static.lua", search_notes, headers=auth,
        ),
    ]

    title = "`DELETE /api-v1/clients/{id}`, distinct clients with services"
    deleted_before = _count_deleted(database, seeded.partner_id)
    _progress(f"measuring {title} for {load.duration_s} s")
    deletes = run_wrk(server.url + "/api-v1/clients", "delete_client.lua", load, headers=auth,
                      script_args=[str(delete_ids_file), str(load.threads)])
    notes = _check_deletes(database, seeded, deletes, deleted_before, load.connections)
    scenarios.append(ScenarioResult(title, deletes, notes))
    return baseline, scenarios


def run_anonymise_benchmark(args: argparse.Namespace) -> None:
    """Run the anonymisation throughput benchmark, bench/anonymise.py, when it exists.

    It runs as its own process with its default number of clients and this run's backend,
    PostgreSQL URL, page and note. It prints its own results and writes its own section of
    the page. Its absence, or its failure, leaves the results of the API scenarios as they
    are.
    """
    script = Path(__file__).with_name("anonymise.py")
    if not script.exists():
        _progress("bench/anonymise.py is absent, so anonymisation throughput is not measured")
        return

    command = [sys.executable, "-m", "bench.anonymise"]
    if args.backend != "all":
        command += ["--backend", args.backend]
    if args.doc is None:
        command.append("--no-doc")
    elif args.doc.resolve() != DEFAULT_DOC:
        command += ["--doc", str(args.doc.resolve())]
    if args.note:
        command += ["--note", args.note]
    # The URL goes through the environment, so the command recorded in the page has no password.
    environment = {**os.environ, "MYENGINE_BENCH_POSTGRES_URL": args.postgres_url}
    _progress("running bench/anonymise.py")
    completed = subprocess.run(command, cwd=REPOSITORY, env=environment, check=False)
    if completed.returncode != 0:
        print(f"bench/anonymise.py failed with exit status {completed.returncode}; the API "
              "results above stand.", file=sys.stderr)


def _check_health(url: str) -> str:
    response = _expect_ok(fetch(f"{url}/health/live"))
    return f"{response.status}, body {response.body.decode()}"


def _check_client(url: str, auth: dict[str, str], client_id: int) -> str:
    response = _expect_ok(fetch(f"{url}/api-v1/clients/{client_id}", headers=auth))
    return f"{response.status}, one client of {len(response.json()['data'])} fields"


def _check_list(url: str, auth: dict[str, str]) -> str:
    response = _expect_ok(fetch(url, headers=auth))
    meta = response.json()["meta"]
    more = "more follow" if meta["has_more"] else "no more follow"
    clients = "client" if meta["count"] == 1 else "clients"
    return f"{response.status}, {meta['count']} {clients} in the page, {more}"


def _expect_ok(response: Response) -> Response:
    if response.status != 200:
        raise RuntimeError(
            f"{response.method} {response.url} returned {response.status} before the load "
            f"started: {response.body[:500].decode(errors='replace')}"
        )
    return response


def _count_deleted(database: Database, partner_id: int) -> int:
    with database.read(partner_id=partner_id) as session:
        return session.scalar(
            select(func.count()).select_from(Client).where(
                Client.client_status_id == ClientStatus.DELETED
            )
        ) or 0


def _check_deletes(
    database: Database,
    seeded: SeededPartner,
    result: WrkResult,
    deleted_before: int,
    connections: int,
) -> list[str]:
    """Compare the deletes recorded in the database with the 200 responses wrk counted.

    wrk stops counting at the end of the duration, but the requests still in flight then (at
    most one per connection) complete on the server. So the database may record up to
    ``connections`` more deletes than wrk counted, and never fewer, because fewer would mean
    that a client was deleted twice.
    """
    deleted = _settled_count(lambda: _count_deleted(database, seeded.partner_id)) - deleted_before
    with database.read(partner_id=seeded.partner_id) as session:
        suspended = session.scalar(
            select(func.count()).select_from(LiveService).where(
                LiveService.status == ServiceStatus.SUSPENDED.value
            )
        ) or 0

    answered = result.statuses.get(200, 0)
    in_flight = deleted - answered
    if 0 <= in_flight <= connections:
        agreement = (f"the {answered:,} responses with status 200 plus {in_flight} requests "
                     "in flight when wrk stopped")
    else:
        agreement = (f"which does NOT match the {answered:,} responses with status 200 "
                     f"(up to {connections} more may complete after wrk stops, never fewer)")
    return [
        f"{deleted:,} clients deleted in the database: {agreement}",
        f"{suspended:,} live services suspended with them",
    ]


def _settled_count(count: Callable[[], int], timeout_s: float = 30) -> int:
    """Poll ``count`` until two readings half a second apart agree, so late requests are in."""
    deadline = time.monotonic() + timeout_s
    previous = count()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        current = count()
        if current == previous:
            return current
        previous = current
    return previous


def _server_errors(result: WrkResult) -> int:
    return sum(count for status, count in result.statuses.items() if status >= 500)


def _print_server_errors(log_path: Path, limit: int = 5) -> None:
    """Show the server's first error events, since its log goes with the temporary folder."""
    errors = [
        line for line in log_path.read_text(errors="replace").splitlines()
        if '"level": "error"' in line or "Traceback" in line
    ]
    _progress(f"the server answered 5xx; {len(errors)} error events in its log, the first "
              f"{min(limit, len(errors))}:")
    for line in errors[:limit]:
        print(line, file=sys.stderr)


def _basic_auth(seeded: SeededPartner) -> str:
    token = base64.b64encode(f"{seeded.partner_id}:{seeded.api_key}".encode()).decode()
    return f"Basic {token}"


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} must be a whole number of at least 1")
    return number


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
