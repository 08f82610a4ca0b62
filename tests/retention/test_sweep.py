"""The retention sweep: lost anonymisations are queued again, expired records purged."""

import datetime as dt

from sqlalchemy import select, update

from myengine.audit.context import acting_as, worker_actor
from myengine.audit.models import AuditEvent
from myengine.credits.models import LedgerEntry
from myengine.jobs.models import Job, JobState
from myengine.retention.operations import anonymisation_key
from myengine.retention.sweep import sweep
from tests.factories import create_client
from tests.jobs.support import jobs_with_key
from tests.retention.support import data, run_anonymisations


def run_sweep(database, settings, now: dt.datetime):  # type: ignore[no-untyped-def]
    with acting_as(worker_actor(0)), database.write(operator=True) as session:
        return sweep(session, settings, now)


def test_sweep_queues_a_due_client_whose_job_died(api, database, settings, clock):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    key = anonymisation_key(client["id"])
    with database.write(operator=True) as session:
        session.execute(update(Job).where(Job.dedup_key == key).values(state=JobState.DEAD.value))
    clock.advance(days=settings.retention_grace_days + 1)

    run_sweep(database, settings, clock.now)
    assert [job.state for job in jobs_with_key(database, key)] == [JobState.DEAD, JobState.PENDING]
    run_anonymisations(database, settings)
    assert data(api.get(f"/clients/{client['id']}"))["client_status_id"] == 4


def test_sweep_skips_client_with_pending_job(api, database, settings, clock):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    clock.advance(days=settings.retention_grace_days + 1)
    run_sweep(database, settings, clock.now)
    run_sweep(database, settings, clock.now)
    assert len(jobs_with_key(database, anonymisation_key(client["id"]))) == 1


def test_sweep_ignores_clients_inside_their_grace_period(api, database, settings, clock):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    key = anonymisation_key(client["id"])
    with database.write(operator=True) as session:
        session.execute(update(Job).where(Job.dedup_key == key).values(state=JobState.DEAD.value))
    run_sweep(database, settings, clock.now)
    assert [job.state for job in jobs_with_key(database, key)] == [JobState.DEAD]


def backdate(database, column, row_id: int, moment: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Move one row's timestamp into the past, so a sweep at the present time purges only it."""
    model = column.class_
    with database.write(operator=True) as session:
        session.execute(update(model).where(model.id == row_id).values({column.key: moment}))


def test_sweep_purges_audit_events_past_their_period(api, database, settings, clock):
    client = create_client(api)
    with database.read(operator=True) as session:
        event_id = session.scalar(
            select(AuditEvent.id).where(AuditEvent.subject_id == client["id"])
        )
    period = dt.timedelta(days=settings.audit_retention_days)
    backdate(database, AuditEvent.occurred, event_id, clock.now - period + dt.timedelta(seconds=1))
    run_sweep(database, settings, clock.now)
    with database.read(operator=True) as session:
        assert session.get(AuditEvent, event_id) is not None
    backdate(database, AuditEvent.occurred, event_id, clock.now - period - dt.timedelta(seconds=1))
    run_sweep(database, settings, clock.now)
    with database.read(operator=True) as session:
        assert session.get(AuditEvent, event_id) is None


def test_sweep_purges_ledger_entries_past_their_period(api, database, settings, clock):
    client = create_client(api)
    service = data(api.post("/fakemxs", json={"client_id": client["id"], "service_name": "fakemx",
                                              "domain": f"ledger-{client['id']}.example"}))
    with database.read(operator=True) as session:
        entry_id = session.scalar(
            select(LedgerEntry.id).where(LedgerEntry.live_service_id == service["id"])
        )
    period = dt.timedelta(days=settings.ledger_retention_days)
    backdate(database, LedgerEntry.created, entry_id, clock.now - period + dt.timedelta(seconds=1))
    run_sweep(database, settings, clock.now)
    with database.read(operator=True) as session:
        assert session.get(LedgerEntry, entry_id) is not None
    backdate(database, LedgerEntry.created, entry_id, clock.now - period - dt.timedelta(seconds=1))
    run_sweep(database, settings, clock.now)
    with database.read(operator=True) as session:
        assert session.get(LedgerEntry, entry_id) is None


def test_sweep_purges_finished_jobs_but_not_pending_ones(api, database, settings, clock):
    finished = create_client(api)
    data(api.delete(f"/clients/{finished['id']}"))
    data(api.post(f"/clients/{finished['id']}/restore"))
    waiting = create_client(api)
    data(api.delete(f"/clients/{waiting['id']}"))

    long_ago = clock.now - dt.timedelta(days=settings.job_retention_days, seconds=1)
    cancelled = jobs_with_key(database, anonymisation_key(finished["id"]))[0]
    pending = jobs_with_key(database, anonymisation_key(waiting["id"]))[0]
    backdate(database, Job.finished, cancelled.id, long_ago)
    backdate(database, Job.created, pending.id, long_ago)
    run_sweep(database, settings, clock.now)
    assert jobs_with_key(database, anonymisation_key(finished["id"])) == []
    assert len(jobs_with_key(database, anonymisation_key(waiting["id"]))) == 1


def test_sweep_purges_expired_idempotency_keys(api, database, partner, settings, clock):
    from myengine.idempotency.models import IdempotencyKey

    response = api.post("/clients", json={"username": "idem-sweep", "email": "i@example.com"},
                        headers={"Idempotency-Key": "sweep-1"})
    assert response.status_code == 200, response.text

    def stored() -> set[str]:
        with database.read(operator=True) as session:
            return set(session.scalars(
                select(IdempotencyKey.key).where(IdempotencyKey.partner_id == partner.partner_id)
            ))

    run_sweep(database, settings, clock.now)
    assert stored() == {"sweep-1"}
    with database.read(operator=True) as session:
        key_id = session.scalar(select(IdempotencyKey.id).where(
            IdempotencyKey.partner_id == partner.partner_id, IdempotencyKey.key == "sweep-1"
        ))
    backdate(database, IdempotencyKey.expires, key_id, clock.now - dt.timedelta(seconds=1))
    run_sweep(database, settings, clock.now)
    assert stored() == set()
