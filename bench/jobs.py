"""Job handlers that exist only for benchmarks, loaded with MYENGINE_JOB_MODULES=bench.jobs."""

from sqlalchemy.orm import Session

from myengine.jobs.models import Job
from myengine.jobs.registry import job_handler

NOOP_JOB = "bench.noop"


@job_handler(NOOP_JOB, transactional=True)
def run_noop(session: Session, job: Job) -> None:
    """Do nothing, so that running the job costs only claiming and completing it.

    It is transactional like the ``client.anonymise`` handler, so both go through the same
    steps in the worker: a claim transaction, then one transaction that locks the job row,
    runs the handler and marks the job done.
    """
