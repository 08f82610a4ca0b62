"""Putting jobs on the queue and taking pending ones off it, inside the caller's transaction."""

import datetime as dt
from typing import Any

import structlog
from sqlalchemy import text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from myengine.clock import utcnow
from myengine.jobs.models import Job, JobState

log = structlog.get_logger()

_PENDING_WITH_KEY = text("state = 'pending' AND dedup_key IS NOT NULL")


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    run_after: dt.datetime | None = None,
    dedup_key: str | None = None,
) -> Job | None:
    """Add a job to the caller's transaction, due at ``run_after`` (default: now).

    The job is committed or rolled back with the change that needs it. When a pending job
    with the same ``dedup_key`` exists, nothing is added and None is returned. The
    database's unique index makes that check, so two concurrent callers cannot both add one.

    ``payload`` contains ids only: its values must be integers, booleans, None or lists of
    integers, so a personal value can never sit in the queue. Anything else raises
    ValueError.
    """
    _check_payload(kind, payload)
    values = {
        "kind": kind,
        "payload": payload,
        "state": JobState.PENDING.value,
        "dedup_key": dedup_key,
        "run_after": run_after or utcnow(),
        "attempts": 0,
        "created": utcnow(),
    }

    if dedup_key is None:
        job = Job(**values)
        session.add(job)
        session.flush()
    else:
        job_id = session.execute(_insert_unless_pending(session, values)).scalar_one_or_none()
        if job_id is None:
            log.debug("job.deduplicated", kind=kind)
            return None
        job = session.get_one(Job, job_id)

    log.info("job.enqueued", job_id=job.id, kind=kind, run_after=job.run_after.isoformat())
    return job


def _insert_unless_pending(session: Session, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(Job)
    elif dialect == "sqlite":
        statement = sqlite.insert(Job)
    else:
        raise NotImplementedError(f"de-duplicated jobs are not implemented for {dialect}")
    return (
        statement.values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"], index_where=_PENDING_WITH_KEY)
        .returning(Job.id)
    )


def cancel_pending(session: Session, dedup_key: str) -> int:
    """Cancel the pending job with ``dedup_key``, if any; return how many were cancelled."""
    result = session.execute(
        update(Job)
        .where(Job.dedup_key == dedup_key, Job.state == JobState.PENDING.value)
        .values(state=JobState.CANCELLED.value, finished=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        log.info("job.cancelled", kind=dedup_key.partition(":")[0], count=result.rowcount)
    return result.rowcount


def _check_payload(kind: str, payload: dict[str, Any]) -> None:
    if not isinstance(payload, dict):
        raise ValueError(f"the payload of a {kind} job must be a dict of ids")
    for key, value in payload.items():
        if not isinstance(key, str):
            raise ValueError(f"payload key {key!r} of a {kind} job must be a string")
        if value is None or isinstance(value, (bool, int)):
            continue
        if isinstance(value, list) and all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        ):
            continue
        raise ValueError(
            f"payload value {key!r} of a {kind} job must be an id (an integer, a boolean, "
            f"None or a list of integers), not a {type(value).__name__}"
        )

