"""Job handlers of the retention engine: anonymising one client, and the periodic sweep."""

import datetime as dt

import structlog
from sqlalchemy.orm import Session

from myengine.clock import utcnow
from myengine.jobs.models import Job
from myengine.jobs.queue import enqueue
from myengine.jobs.registry import job_handler, register_periodic, worker_settings
from myengine.retention.anonymise import Outcome, anonymise_client
from myengine.retention.operations import ANONYMISE_JOB, anonymisation_key
from myengine.retention.sweep import sweep
from myengine.settings import Settings

log = structlog.get_logger()

SWEEP_JOB = "retention.sweep"


@job_handler(ANONYMISE_JOB, transactional=True)
def run_anonymisation(session: Session, job: Job) -> None:
    """Anonymise ``payload["client_id"]``; a restored or already anonymised client is left as is."""
    client_id = int(job.payload["client_id"])
    result = anonymise_client(session, client_id)
    if result.outcome is Outcome.NOT_DUE and result.client is not None:
        # The client was restored and deleted again, so its grace period starts later.
        enqueue(session, ANONYMISE_JOB, {"client_id": client_id},
                run_after=result.client.anonymise_after, dedup_key=anonymisation_key(client_id))
    if result.outcome is not Outcome.ANONYMISED:
        log.info("client.anonymisation_skipped", client_id=client_id, reason=result.outcome.value)


@job_handler(SWEEP_JOB, transactional=True)
def run_sweep(session: Session, job: Job) -> None:
    """Queue due anonymisations and purge records past their retention period."""
    result = sweep(session, worker_settings(), utcnow())
    if result.incomplete:
        enqueue(session, SWEEP_JOB, {}, dedup_key=f"{SWEEP_JOB}:more")


def _sweep_interval(settings: Settings) -> dt.timedelta:
    return dt.timedelta(minutes=settings.retention_sweep_minutes)


register_periodic(SWEEP_JOB, _sweep_interval)
