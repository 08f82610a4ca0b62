"""enqueue and cancel_pending: jobs written in the caller's transaction, de-duplicated."""

import datetime as dt

import pytest
from sqlalchemy import select

from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import cancel_pending, enqueue
from tests.jobs.support import get_job, jobs_with_key


class Rollback(Exception):
    pass


def unique_key(name: str) -> str:
    import secrets

    return f"test.{name}:{secrets.token_hex(6)}"


def test_enqueue_returns_pending_job(database, clock):
    with database.write(operator=True) as session:
        job = enqueue(session, "test.record", {"client_id": 7})
    stored = get_job(database, job.id)
    assert stored.state == JobState.PENDING
    assert stored.payload == {"client_id": 7}
    assert stored.run_after == clock.now
    assert stored.attempts == 0


def test_enqueue_is_rolled_back_with_the_callers_transaction(database):
    key = unique_key("rollback")
    with pytest.raises(Rollback):
        with database.write(operator=True) as session:
            enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
            raise Rollback
    assert jobs_with_key(database, key) == []


def test_enqueue_works_in_a_partner_scoped_session(database, partner):
    key = unique_key("partner")
    with database.write(partner_id=partner.partner_id) as session:
        enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
    assert len(jobs_with_key(database, key)) == 1


def test_pending_dedup_key_makes_enqueue_a_no_op(database):
    key = unique_key("dedup")
    with database.write(operator=True) as session:
        first = enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
        second = enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
    assert first is not None
    assert second is None
    assert len(jobs_with_key(database, key)) == 1


def test_finished_job_frees_its_dedup_key(database):
    key = unique_key("finished")
    with database.write(operator=True) as session:
        first = enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
        first.state = JobState.DONE.value
    with database.write(operator=True) as session:
        second = enqueue(session, "test.record", {"client_id": 1}, dedup_key=key)
    assert second is not None
    assert second.id != first.id


def test_run_after_is_kept(database, clock):
    later = clock.now + dt.timedelta(days=3)
    with database.write(operator=True) as session:
        job = enqueue(session, "test.record", {}, run_after=later)
    assert get_job(database, job.id).run_after == later


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "fred@example.com"},
        {"name": "Fred"},
        {"client_ids": [1, "2"]},
        {"nested": {"client_id": 1}},
        {"amount": 1.5},
    ],
)
def test_payload_other_than_ids_is_rejected(database, payload):
    with database.write(operator=True) as session:
        with pytest.raises(ValueError, match="must be an id"):
            enqueue(session, "test.record", payload)


def test_payload_of_ids_flags_and_lists_is_accepted(database):
    payload = {"client_id": 1, "notify": True, "service_ids": [1, 2], "previous": None}
    with database.write(operator=True) as session:
        job = enqueue(session, "test.record", payload)
    assert get_job(database, job.id).payload == payload


def test_cancel_pending_cancels_only_the_pending_job(database, clock):
    key = unique_key("cancel")
    with database.write(operator=True) as session:
        done = enqueue(session, "test.record", {}, dedup_key=key)
        done.state = JobState.DONE.value
    with database.write(operator=True) as session:
        pending = enqueue(session, "test.record", {}, dedup_key=key)
        assert cancel_pending(session, key) == 1
    assert get_job(database, pending.id).state == JobState.CANCELLED
    assert get_job(database, pending.id).finished == clock.now
    assert get_job(database, done.id).state == JobState.DONE


def test_cancel_pending_without_a_job_returns_zero(database):
    with database.write(operator=True) as session:
        assert cancel_pending(session, unique_key("none")) == 0


def test_concurrent_enqueues_with_one_key_add_one_job(database):
    """Two transactions racing on one key: the unique index lets only one job in."""
    import threading

    key = unique_key("race")
    barrier = threading.Barrier(2, timeout=30)
    results: list[object] = []

    def add() -> None:
        barrier.wait()
        with database.write(operator=True) as session:
            results.append(enqueue(session, "test.record", {}, dedup_key=key))

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2
    assert sum(result is not None for result in results) == 1
    with database.read(operator=True) as session:
        count = len(list(session.scalars(select(Job.id).where(Job.dedup_key == key))))
    assert count == 1
