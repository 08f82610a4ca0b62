"""The periodic retention sweep: queue due anonymisations and purge expired records.

Deleting a client queues its anonymisation at once, so the sweep's first part only catches
clients whose job was lost or buried (a ``dead`` job). The second part ends the kept
classes whose retention period is over (``retention.policy``), and deletes expired
idempotency keys, which otherwise go only when their partner sends another keyed write.
"""

import datetime as dt
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from myengine.audit.models import AuditEvent
from myengine.clients.models import Client, ClientStatus
from myengine.credits.models import LedgerEntry
from myengine.idempotency.models import IdempotencyKey
from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import enqueue
from myengine.retention.operations import ANONYMISE_JOB, anonymisation_key
from myengine.settings import Settings

log = structlog.get_logger()

# Rows handled per table and sweep; a sweep that reaches it queues another sweep at once.
BATCH_SIZE = 5000
FINISHED_JOB_STATES = (JobState.DONE.value, JobState.CANCELLED.value, JobState.DEAD.value)


@dataclass(frozen=True)
class SweepResult:
    anonymisations_queued: int
    audit_events_purged: int
    ledger_entries_purged: int
    jobs_purged: int
    idempotency_keys_purged: int

    @property
    def incomplete(self) -> bool:
        return BATCH_SIZE in (
            self.audit_events_purged, self.ledger_entries_purged, self.jobs_purged,
            self.idempotency_keys_purged,
        )


def sweep(session: Session, settings: Settings, now: dt.datetime) -> SweepResult:
    result = SweepResult(
        anonymisations_queued=queue_due_anonymisations(session, now),
        audit_events_purged=_purge(
            session, AuditEvent, AuditEvent.occurred,
            now - dt.timedelta(days=settings.audit_retention_days),
        ),
        ledger_entries_purged=_purge(
            session, LedgerEntry, LedgerEntry.created,
            now - dt.timedelta(days=settings.ledger_retention_days),
        ),
        jobs_purged=_purge(
            session, Job, Job.finished, now - dt.timedelta(days=settings.job_retention_days),
            Job.state.in_(FINISHED_JOB_STATES),
        ),
        idempotency_keys_purged=_purge(session, IdempotencyKey, IdempotencyKey.expires, now),
    )
    log.info("retention.swept", **result.__dict__)
    return result


def queue_due_anonymisations(session: Session, now: dt.datetime) -> int:
    """Queue an anonymisation for every deleted client past ``anonymise_after``.

    A client whose job is already pending is skipped by the queue's de-duplication.
    """
    queued = 0
    after_id = 0
    while True:
        client_ids = list(
            session.scalars(
                select(Client.id)
                .where(
                    Client.client_status_id == ClientStatus.DELETED,
                    Client.anonymised.is_(None),
                    Client.anonymise_after <= now,
                    Client.id > after_id,
                )
                .order_by(Client.id)
                .limit(BATCH_SIZE)
            )
        )
        for client_id in client_ids:
            job = enqueue(session, ANONYMISE_JOB, {"client_id": client_id},
                          dedup_key=anonymisation_key(client_id))
            queued += job is not None
        if len(client_ids) < BATCH_SIZE:
            return queued
        after_id = client_ids[-1]


def _purge(session: Session, model, timestamp, cutoff: dt.datetime, *conditions) -> int:  # type: ignore[no-untyped-def]
    """Delete up to BATCH_SIZE rows of ``model`` whose ``timestamp`` is before ``cutoff``."""
    ids = list(
        session.scalars(
            select(model.id).where(timestamp < cutoff, *conditions).order_by(model.id).limit(BATCH_SIZE)
        )
    )
    if ids:
        session.execute(
            delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)
