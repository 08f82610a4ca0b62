"""``myengine-server worker --once`` and ``myengine-server jobs``."""

import json

from myengine.jobs.models import JobState
from myengine.jobs.queue import enqueue
from tests.jobs import handlers
from tests.jobs.cli import run_server_command
from tests.jobs.support import get_job


def add_job(database, kind: str) -> int:  # type: ignore[no-untyped-def]
    with database.write(operator=True) as session:
        return enqueue(session, kind, {"client_id": 1}).id  # type: ignore[union-attr]


def bury(database, job_id: int) -> None:  # type: ignore[no-untyped-def]
    with database.write(operator=True) as session:
        from myengine.jobs.models import Job

        job = session.get(Job, job_id)
        job.state = JobState.DEAD.value
        job.attempts = 3
        job.last_error = "tests.jobs.handlers.HandlerFailure at jobs/handlers.py:1 in fail"


def test_worker_once_runs_due_jobs_and_exits(database, settings):
    job_id = add_job(database, handlers.RECORD)
    result = run_server_command(settings, "worker", "--once", "--kind", handlers.RECORD)
    assert result.returncode == 0, result.stderr
    assert get_job(database, job_id).state == JobState.DONE
    assert '"event": "worker.finished"' in result.stderr


def test_jobs_list_shows_dead_jobs_with_their_error(database, settings):
    job_id = add_job(database, handlers.FAIL)
    bury(database, job_id)
    result = run_server_command(settings, "jobs", "list", "--state", "dead", "--json")
    assert result.returncode == 0, result.stderr
    listed = {row["id"]: row for row in json.loads(result.stdout)}
    assert listed[job_id]["kind"] == handlers.FAIL
    assert "HandlerFailure" in listed[job_id]["last_error"]


def test_jobs_list_rejects_an_unknown_state(settings):
    result = run_server_command(settings, "jobs", "list", "--state", "asleep")
    assert result.returncode == 2
    assert "asleep" in result.stderr


def test_jobs_retry_puts_a_dead_job_back(database, settings):
    job_id = add_job(database, handlers.FAIL)
    bury(database, job_id)
    result = run_server_command(settings, "jobs", "retry", str(job_id))
    assert result.returncode == 0, result.stderr
    job = get_job(database, job_id)
    assert job.state == JobState.PENDING
    assert job.attempts == 0


def test_retry_of_pending_job_fails(database, settings):
    job_id = add_job(database, handlers.RECORD)
    result = run_server_command(settings, "jobs", "retry", str(job_id))
    assert result.returncode == 2
    assert "not dead" in result.stderr
    assert get_job(database, job_id).state == JobState.PENDING
