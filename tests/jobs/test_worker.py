"""The worker: claiming under a lease, retries with backoff, dead jobs, periodic jobs."""

import datetime as dt
import secrets

import pytest

from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import enqueue
from myengine.jobs.worker import MAX_BACKOFF, EmbeddedWorker, LeaseKeeper, Worker, backoff
from myengine.retention.jobs import SWEEP_JOB
from tests.jobs import handlers
from tests.jobs.support import get_job, jobs_with_key

TEST_KINDS = {handlers.RECORD, handlers.FAIL, handlers.WAIT_FOR_RELEASE, "test.unknown"}


@pytest.fixture(autouse=True)
def no_test_jobs_left(database):
    """Cancel test jobs that earlier tests left pending or claimed, so each test starts clean."""
    from sqlalchemy import update

    handlers.recorded.clear()
    with database.write(operator=True) as session:
        session.execute(
            update(Job)
            .where(Job.kind.in_(TEST_KINDS),
                   Job.state.in_([JobState.PENDING.value, JobState.RUNNING.value]))
            .values(state=JobState.CANCELLED.value)
        )


@pytest.fixture
def worker(database, settings):
    return Worker(database, settings, name=f"test-{secrets.token_hex(3)}", kinds=TEST_KINDS)


def add_job(database, kind: str, **options) -> int:
    with database.write(operator=True) as session:
        return enqueue(session, kind, {"client_id": 1}, **options).id  # type: ignore[union-attr]


def test_due_job_runs_once_and_is_done(database, worker, clock):
    job_id = add_job(database, handlers.RECORD)
    worker.run_once()
    worker.run_once()
    assert handlers.recorded.count(job_id) == 1
    job = get_job(database, job_id)
    assert job.state == JobState.DONE
    assert job.attempts == 1
    assert job.finished == clock.now
    assert job.locked_by is None


def test_job_not_yet_due_is_left_pending(database, worker, clock):
    job_id = add_job(database, handlers.RECORD, run_after=clock.now + dt.timedelta(hours=1))
    worker.run_once()
    assert get_job(database, job_id).state == JobState.PENDING
    clock.advance(hours=1)
    worker.run_once()
    assert get_job(database, job_id).state == JobState.DONE


def test_jobs_of_other_kinds_are_left_alone(database, settings, clock):
    job_id = add_job(database, handlers.RECORD)
    Worker(database, settings, kinds={"test.something_else"}).run_once()
    assert get_job(database, job_id).state == JobState.PENDING


def test_failed_job_is_retried_after_backoff(database, worker, settings, clock):
    job_id = add_job(database, handlers.FAIL)
    worker.run_once()
    job = get_job(database, job_id)
    assert job.state == JobState.PENDING
    assert job.attempts == 1
    assert job.run_after == clock.now + backoff(settings.job_retry_base_seconds, 1)


def test_last_error_omits_exception_message(database, worker, clock):
    job_id = add_job(database, handlers.FAIL)
    worker.run_once()
    error = get_job(database, job_id).last_error
    assert "HandlerFailure" in error
    assert "handlers.py" in error
    assert "secret-value" not in error


def test_job_is_dead_after_its_max_attempts(database, worker, clock):
    job_id = add_job(database, handlers.FAIL)
    for _ in range(3):
        worker.run_once()
        clock.advance(hours=7)
    job = get_job(database, job_id)
    assert job.state == JobState.DEAD
    assert job.attempts == 3
    assert "HandlerFailure" in job.last_error
    clock.advance(days=1)
    worker.run_once()
    assert get_job(database, job_id).attempts == 3


def test_unknown_job_kind_fails(database, worker, clock):
    job_id = add_job(database, "test.unknown")
    worker.run_once()
    job = get_job(database, job_id)
    assert job.state == JobState.PENDING
    assert "UnknownJobKind" in job.last_error


def test_backoff_doubles_and_is_capped():
    assert backoff(30, 1) == dt.timedelta(seconds=30)
    assert backoff(30, 2) == dt.timedelta(seconds=60)
    assert backoff(30, 4) == dt.timedelta(seconds=240)
    assert backoff(30, 40) == MAX_BACKOFF


def test_leased_job_is_not_claimed(database, worker, settings, clock):
    job_id = add_job(database, handlers.RECORD)
    other = Worker(database, settings, name="other", kinds=TEST_KINDS)
    claimed = other.claim()
    assert claimed.id == job_id
    assert worker.claim() is None
    clock.advance(seconds=settings.job_lease_seconds + 1)
    taken_over = worker.claim()
    assert taken_over.id == job_id
    assert taken_over.attempts == 2


def test_worker_with_lost_lease_leaves_job_done(database, worker, settings, clock):
    job_id = add_job(database, handlers.RECORD)
    slow = Worker(database, settings, name="slow", kinds=TEST_KINDS)
    stale = slow.claim()
    clock.advance(seconds=settings.job_lease_seconds + 1)
    worker.run_once()
    slow.execute(stale)
    assert handlers.recorded.count(job_id) == 2
    job = get_job(database, job_id)
    assert job.state == JobState.DONE
    assert job.attempts == 2


def test_renewed_lease_is_not_taken_over(database, worker, settings, clock):
    job_id = add_job(database, handlers.RECORD)
    claimed = worker.claim()
    clock.advance(seconds=settings.job_lease_seconds - 1)
    assert LeaseKeeper(worker, claimed).renew() is True
    clock.advance(seconds=2)
    other = Worker(database, settings, name="other", kinds=TEST_KINDS)
    assert other.claim() is None
    clock.advance(seconds=settings.job_lease_seconds)
    assert other.claim().id == job_id


def test_renewal_after_takeover_reports_lost(database, worker, settings, clock):
    add_job(database, handlers.RECORD)
    claimed = worker.claim()
    clock.advance(seconds=settings.job_lease_seconds + 1)
    Worker(database, settings, name="other", kinds=TEST_KINDS).claim()
    assert LeaseKeeper(worker, claimed).renew() is False


def test_slow_handler_keeps_its_lease(database, settings):
    """A handler running past the lease length is not claimed by another worker."""
    import threading
    import time

    short = settings.model_copy(update={"job_lease_seconds": 3})
    job_id = add_job(database, handlers.WAIT_FOR_RELEASE)
    slow = Worker(database, short, name="slow", kinds=TEST_KINDS)
    other = Worker(database, short, name="other", kinds=TEST_KINDS)
    handlers.waiting.clear()
    handlers.release.clear()
    running = threading.Thread(target=slow.run_due)
    running.start()
    try:
        assert handlers.waiting.wait(30), "the handler did not start"
        time.sleep(short.job_lease_seconds * 1.5)
        assert other.claim() is None
    finally:
        handlers.release.set()
        running.join(60)
    assert get_job(database, job_id).state == JobState.DONE
    assert handlers.recorded == [job_id]


def test_expired_lease_on_last_attempt_buries_the_job(database, settings, clock):
    job_id = add_job(database, handlers.FAIL)
    worker = Worker(database, settings, name="a", kinds=TEST_KINDS)
    for _ in range(3):
        assert worker.claim().id == job_id
        clock.advance(seconds=settings.job_lease_seconds + 1)
    assert worker.claim() is None
    job = get_job(database, job_id)
    assert job.state == JobState.DEAD
    assert "lease expired" in job.last_error


def test_two_schedulers_enqueue_one_periodic_job(database, settings, clock):
    first = Worker(database, settings, name="one", kinds={SWEEP_JOB})
    second = Worker(database, settings, name="two", kinds={SWEEP_JOB})
    first.schedule_periodic()
    second.schedule_periodic()
    seconds = settings.retention_sweep_minutes * 60
    slot = int(clock.now.timestamp()) // seconds
    assert len(jobs_with_key(database, f"{SWEEP_JOB}:{slot}")) == 1


def test_periodic_job_runs_once_per_interval(database, settings, clock):
    first = Worker(database, settings, name="one", kinds={SWEEP_JOB})
    first.run_once()
    Worker(database, settings, name="later", kinds={SWEEP_JOB}).run_once()
    seconds = settings.retention_sweep_minutes * 60
    slot = int(clock.now.timestamp()) // seconds
    jobs = jobs_with_key(database, f"{SWEEP_JOB}:{slot}")
    assert len(jobs) == 1
    assert jobs[0].state == JobState.DONE


def test_periodic_job_is_enqueued_for_the_next_interval(database, settings, clock):
    worker = Worker(database, settings, name="one", kinds={SWEEP_JOB})
    worker.run_once()
    clock.advance(minutes=settings.retention_sweep_minutes)
    worker.run_once()
    seconds = settings.retention_sweep_minutes * 60
    slot = int(clock.now.timestamp()) // seconds
    assert [job.state for job in jobs_with_key(database, f"{SWEEP_JOB}:{slot}")] == [JobState.DONE]


def test_embedded_worker_runs_jobs_until_stopped(database, settings):
    import time

    job_id = add_job(database, handlers.RECORD)
    embedded = EmbeddedWorker(database, settings.model_copy(update={"worker_poll_seconds": 0.05}))
    embedded.worker.kinds = frozenset({handlers.RECORD})
    embedded.start()
    try:
        deadline = time.monotonic() + 30
        while get_job(database, job_id).state != JobState.DONE and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        embedded.stop()
    assert get_job(database, job_id).state == JobState.DONE
    assert not embedded.thread.is_alive()


def test_claim_takes_the_oldest_due_job_first(database, worker, clock):
    newer = add_job(database, handlers.RECORD, run_after=clock.now - dt.timedelta(minutes=1))
    older = add_job(database, handlers.RECORD, run_after=clock.now - dt.timedelta(minutes=2))
    assert worker.claim().id == older
    assert worker.claim().id == newer
