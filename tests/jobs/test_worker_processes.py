"""Workers as separate processes: killed mid-job, and two at once against PostgreSQL."""

import json
import secrets
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from myengine.audit.models import AuditEvent
from myengine.clients.models import Client, ClientStatus
from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import enqueue
from myengine.jobs.worker import Worker
from myengine.partners.models import Partner
from myengine.retention.operations import ANONYMISE_JOB, anonymisation_key
from tests.factories import create_client
from tests.jobs import handlers
from tests.jobs.cli import REPO_ROOT, server_command, server_environment
from tests.jobs.support import get_job

WORKER_LEASE_SECONDS = 2
MARKER_TIMEOUT_SECONDS = 60
RUN_TIMEOUT_SECONDS = 300
BULK_CLIENTS = 2000


def worker_process(settings, *args: str, **env: str) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        server_command("worker", *args), env=server_environment(settings, **env), cwd=REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def set_grace_days(database, partner_id: int, days: int) -> None:
    with database.write(operator=True) as session:
        session.get(Partner, partner_id).retention_grace_days = days  # type: ignore[union-attr]


def anonymised_events(database, client_id: int) -> int:
    with database.read(operator=True) as session:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "client.anonymised",
                AuditEvent.subject_type == "client",
                AuditEvent.subject_id == client_id,
            )
        )


def wait_for_marker(marker: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + MARKER_TIMEOUT_SECONDS
    while not marker.exists():
        if process.poll() is not None:
            pytest.fail(f"the worker exited early with {process.returncode}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the worker did not reach the middle of its job in {MARKER_TIMEOUT_SECONDS} s")
        time.sleep(0.05)


def test_killed_worker_leaves_nothing_half_done(api, partner, database, settings, clock, tmp_path):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api, username=f"kill-{secrets.token_hex(4)}")
    assert api.delete(f"/clients/{client['id']}").status_code == 200
    with database.write(operator=True) as session:
        job_id = enqueue(session, handlers.ANONYMISE_THEN_HANG, {"client_id": client["id"]}).id

    marker = tmp_path / "marker"
    process = worker_process(
        settings, "--kind", handlers.ANONYMISE_THEN_HANG, "--name", "doomed",
        MYENGINE_TEST_HANG_MARKER=str(marker),
        MYENGINE_JOB_LEASE_SECONDS=str(WORKER_LEASE_SECONDS),
    )
    try:
        wait_for_marker(marker, process)
        running = get_job(database, job_id)
        assert running.state == JobState.RUNNING
        assert running.locked_by == "doomed"
    finally:
        process.kill()
        process.communicate(timeout=30)

    with database.read(operator=True) as session:
        assert session.get(Client, client["id"]).username == client["username"]
    assert get_job(database, job_id).state == JobState.RUNNING

    clock.advance(seconds=WORKER_LEASE_SECONDS + 60)
    Worker(database, settings, kinds={handlers.ANONYMISE_THEN_HANG}).run_once()

    finished = get_job(database, job_id)
    assert finished.state == JobState.DONE
    assert finished.attempts == 2
    with database.read(operator=True) as session:
        assert session.get(Client, client["id"]).client_status_id == ClientStatus.ANONYMISED
    assert anonymised_events(database, client["id"]) == 1


def deleted_clients_due(database, partner_id: int, count: int, due) -> list[int]:  # type: ignore[no-untyped-def]
    tag = secrets.token_hex(4)
    with database.write(operator=True) as session:
        clients = [
            Client(
                partner_id=partner_id, username=f"bulk-{tag}-{n}", email=f"bulk-{tag}-{n}@example.com",
                surname=f"Surname{tag}{n}", active=False, verified=False,
                client_status_id=ClientStatus.DELETED, created=due, modified=due, deleted=due,
                anonymise_after=due,
            )
            for n in range(count)
        ]
        session.add_all(clients)
        session.flush()
        ids = [client.id for client in clients]
        for client_id in ids:
            enqueue(session, ANONYMISE_JOB, {"client_id": client_id},
                    run_after=due, dedup_key=anonymisation_key(client_id))
    return ids


def succeeded_job_ids(stderr: str) -> list[int]:
    ids = []
    for line in stderr.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "job.succeeded":
            ids.append(event["job_id"])
    return ids


@pytest.mark.postgresql_only
def test_two_workers_run_each_anonymisation_once(database, settings, partner):
    import datetime as dt

    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    client_ids = deleted_clients_due(database, partner.partner_id, BULK_CLIENTS, due)
    with database.read(operator=True) as session:
        job_ids = set(session.scalars(
            select(Job.id).where(Job.dedup_key.in_([anonymisation_key(i) for i in client_ids]))
        ))
    assert len(job_ids) == BULK_CLIENTS

    workers = [
        worker_process(settings, "--once", "--kind", ANONYMISE_JOB, "--name", name)
        for name in ("first", "second")
    ]
    outputs = []
    for process in workers:
        try:
            _, stderr = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
        finally:
            process.kill()
        assert process.returncode == 0, stderr[-2000:]
        outputs.append(succeeded_job_ids(stderr))

    ran = [job_id for output in outputs for job_id in output if job_id in job_ids]
    assert len(ran) == BULK_CLIENTS
    assert set(ran) == job_ids
    with database.read(operator=True) as session:
        states = dict(session.execute(
            select(Job.state, func.count()).where(Job.id.in_(job_ids)).group_by(Job.state)
        ).all())
        attempts = set(session.scalars(select(Job.attempts).where(Job.id.in_(job_ids))))
        anonymised = session.scalar(
            select(func.count()).select_from(Client).where(
                Client.id.in_(client_ids), Client.client_status_id == ClientStatus.ANONYMISED
            )
        )
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "client.anonymised", AuditEvent.subject_id.in_(client_ids)
            )
        )
    assert states == {JobState.DONE.value: BULK_CLIENTS}
    assert attempts == {1}
    assert anonymised == BULK_CLIENTS
    assert events == BULK_CLIENTS
