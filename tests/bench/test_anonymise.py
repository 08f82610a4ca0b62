"""The anonymisation benchmark's seeding, runs, checks and report, run on a few clients."""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bench.anonymise import (
    BENCH_JOB_MODULES,
    SECTION_KEY,
    AnonymiseReport,
    BackendResult,
    RunResult,
    SeededData,
    check_anonymised,
    check_jobs,
    measure,
    render_section,
    run_jobs,
    seed,
)
from bench.databases import postgres_database
from bench.jobs import NOOP_JOB
from bench.report import describe_machine, replace_section
from myengine.clients.models import Client
from myengine.db.engine import Database, connect
from myengine.db.migrate import upgrade
from myengine.jobs.queue import enqueue
from myengine.retention.operations import ANONYMISE_JOB
from myengine.settings import Environment, Settings
from tests.conftest import POSTGRES_ADMIN_URL

CLIENTS = 20


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Yield the URL of a new database for this test alone, because the checks count every job."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'anonymise.sqlite3'}"
        return
    # Skips the test, or fails it in CI, when PostgreSQL is unreachable.
    request.getfixturevalue("postgres_url")
    with postgres_database(POSTGRES_ADMIN_URL) as url:
        yield url


@pytest.fixture
def bench_settings(fresh_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=fresh_url, environment=Environment.SANDBOX, var_dir=tmp_path,
                    log_level="WARNING", job_modules=BENCH_JOB_MODULES)


@pytest.fixture
def bench_database(bench_settings: Settings) -> Iterator[Database]:
    upgrade(bench_settings.database_url)
    database = connect(bench_settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded(bench_database: Database, bench_settings: Settings) -> SeededData:
    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    return seed(bench_database, bench_settings, CLIENTS, due)


def run_result(problems: list[str]) -> RunResult:
    return RunResult(ANONYMISE_JOB, CLIENTS, 0.5, 1.0, "20 jobs done", problems)


def test_measure_passes_every_check(fresh_url: str, tmp_path: Path) -> None:
    result = measure("Backend", fresh_url, CLIENTS, tmp_path)

    assert result.baseline.problems == []
    assert result.anonymise.problems == []
    assert not result.failed


def test_measure_runs_requested_jobs(fresh_url: str, tmp_path: Path) -> None:
    result = measure("Backend", fresh_url, CLIENTS, tmp_path)

    assert result.baseline.jobs == CLIENTS
    assert result.anonymise.jobs == CLIENTS
    assert result.baseline.kind == NOOP_JOB
    assert result.anonymise.kind == ANONYMISE_JOB


def test_measure_reports_confirmed_counts(fresh_url: str, tmp_path: Path) -> None:
    result = measure("Backend", fresh_url, CLIENTS, tmp_path)

    assert result.anonymise.checked == (
        f"{CLIENTS} jobs done, each after one attempt; {CLIENTS} clients anonymised"
    )


def test_noop_run_leaves_clients_alone(
    bench_database: Database, bench_settings: Settings, seeded: SeededData
) -> None:
    ran, _seconds = run_jobs(bench_database, bench_settings, NOOP_JOB, name="test")

    _confirmed, problems = check_anonymised(bench_database, seeded)

    assert ran == CLIENTS
    assert problems == [f"0 of {CLIENTS} clients anonymised (client_status_id 4)"]


def test_check_flags_client_not_anonymised(
    bench_database: Database, bench_settings: Settings, seeded: SeededData
) -> None:
    # A client whose grace period has not ended is left as it is by its job.
    with bench_database.write(operator=True) as session:
        session.execute(
            update(Client)
            .where(Client.id == seeded.client_ids[0])
            .values(anonymise_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        )
    run_jobs(bench_database, bench_settings, ANONYMISE_JOB, name="test")

    _confirmed, problems = check_anonymised(bench_database, seeded)

    assert problems == [f"{CLIENTS - 1} of {CLIENTS} clients anonymised (client_status_id 4)"]


def test_check_flags_job_run_twice(
    bench_database: Database, bench_settings: Settings, seeded: SeededData
) -> None:
    run_jobs(bench_database, bench_settings, ANONYMISE_JOB, name="test")
    with bench_database.write(operator=True) as session:
        enqueue(session, ANONYMISE_JOB, {"client_id": seeded.client_ids[0]})
    run_jobs(bench_database, bench_settings, ANONYMISE_JOB, name="test")

    _confirmed, problems = check_jobs(bench_database, ANONYMISE_JOB, CLIENTS, ran=CLIENTS)

    assert problems == [f"{CLIENTS + 1} `{ANONYMISE_JOB}` jobs done, expected {CLIENTS}"]


def test_check_flags_jobs_not_run(bench_database: Database, seeded: SeededData) -> None:
    _confirmed, problems = check_jobs(bench_database, NOOP_JOB, CLIENTS, ran=0)

    assert problems == [
        f"the worker ran 0 jobs, expected {CLIENTS}",
        f"0 `{NOOP_JOB}` jobs done, expected {CLIENTS}",
        f"{CLIENTS} `{NOOP_JOB}` jobs left pending",
    ]


def test_check_passes_after_run(
    bench_database: Database, bench_settings: Settings, seeded: SeededData
) -> None:
    ran, _seconds = run_jobs(bench_database, bench_settings, NOOP_JOB, name="test")

    confirmed, problems = check_jobs(bench_database, NOOP_JOB, CLIENTS, ran=ran)

    assert problems == []
    assert confirmed == f"{CLIENTS} jobs done, each after one attempt"


def make_report(anonymise_problems: list[str]) -> AnonymiseReport:
    result = BackendResult(
        "SQLite", "SQLite 3", baseline=dataclasses.replace(run_result([]), kind=NOOP_JOB),
        anonymise=run_result(anonymise_problems),
    )
    return AnonymiseReport(
        command="`python -m bench.anonymise`", date=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        machine=describe_machine(), clients=CLIENTS, results=[result],
        skipped=["PostgreSQL skipped: unreachable (OperationalError: refused)"],
    )


def test_section_marks_failed_row() -> None:
    section = render_section(make_report(["19 of 20 clients anonymised"]))

    assert "| SQLite: `client.anonymise` | 20 |" in section
    assert "**failed**: 19 of 20 clients anonymised |" in section


def test_section_marks_passed_row() -> None:
    section = render_section(make_report([]))

    assert "| ok: 20 jobs done |" in section


def test_section_names_skipped_backend() -> None:
    section = render_section(make_report([]))

    assert "- PostgreSQL skipped: unreachable (OperationalError: refused)" in section


def test_section_shows_ratio_to_baseline() -> None:
    report = make_report([])
    slower = dataclasses.replace(report.results[0].anonymise, seconds=2.0)
    result = dataclasses.replace(report.results[0], anonymise=slower)

    section = render_section(dataclasses.replace(report, results=[result]))

    assert "| SQLite: `client.anonymise` | 20 | 2.00 | 10 | 0.25 | 100.00 |" in section


def test_replace_section_keeps_other_sections(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    api = "<!-- bench:api-sqlite:start -->\nAPI figures\n<!-- bench:api-sqlite:end -->\n"
    page.write_text("# Benchmarks\n\n" + api)

    replace_section(page, SECTION_KEY, "first run")
    replace_section(page, SECTION_KEY, "second run")

    text = page.read_text()
    assert api in text
    assert text.count(f"<!-- bench:{SECTION_KEY}:start -->") == 1
    assert "second run" in text
    assert "first run" not in text
