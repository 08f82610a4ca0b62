"""The job worker: claims due jobs under a time-limited lease and runs their handlers.

Claiming takes a running job whose lease has expired or, when there is none, the oldest
pending job past ``run_after``, in one short transaction. On PostgreSQL the row is read
with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent workers each take a different
job. On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (``db.engine``),
which serialises claims.

A job whose worker dies keeps its lease until ``locked_until``, and then any worker takes
it over. A failed attempt is retried after ``base * 2 ** (attempt - 1)`` seconds, at most
``MAX_BACKOFF``. After the last allowed attempt the job is moved aside as ``dead``.

While a database handler (not transactional) runs, a thread renews its lease every third of
MYENGINE_JOB_LEASE_SECONDS, so a slow handler is not taken over by another worker while its
worker is alive. Such a handler bounds its own waits (the SMTP client has a timeout), because
a handler that never returns keeps its lease. A transactional handler needs no renewal: its
transaction keeps the job row locked until it commits.
"""

import datetime as dt
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Collection
from pathlib import Path

import structlog
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from myengine.audit.context import acting_as, worker_actor
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import enqueue
from myengine.jobs.registry import (
    Handler,
    bind_worker_settings,
    get_handler,
    load_handlers,
    periodic_jobs,
)
from myengine.logs import exception_name
from myengine.settings import Settings

log = structlog.get_logger()

MAX_BACKOFF = dt.timedelta(hours=6)


class UnknownJobKind(LookupError):
    """No handler is registered for the job's kind."""


class LeaseLost(RuntimeError):
    """Another worker took the job over after this worker's lease ended."""


class LeaseKeeper:
    """Renew a running job's lease in a background thread until the ``with`` block ends."""

    def __init__(self, worker: "Worker", job: Job) -> None:
        self.worker = worker
        self.job_id = job.id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"lease-{job.id}", daemon=True)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def renew(self) -> bool:
        """Push the lease end one lease ahead of now; False when this worker lost the job."""
        with self.worker.database.write(operator=True) as session:
            renewed = session.execute(
                update(Job)
                .where(
                    Job.id == self.job_id,
                    Job.state == JobState.RUNNING.value,
                    Job.locked_by == self.worker.name,
                )
                .values(locked_until=utcnow() + self.worker.lease)
                .execution_options(synchronize_session=False)
            ).rowcount
        return bool(renewed)

    def _keep(self) -> None:
        interval = self.worker.lease.total_seconds() / 3
        while not self._stop.wait(interval):
            try:
                if not self.renew():
                    log.warning("job.lease_lost", job_id=self.job_id, worker=self.worker.name)
                    return
            except Exception as exc:  # noqa: BLE001 - the next renewal tries again
                log.warning("job.lease_renewal_failed", job_id=self.job_id,
                            worker=self.worker.name, error=describe_error(exc))


def backoff(base_seconds: float, attempt: int) -> dt.timedelta:
    """Return the delay before retrying after failed attempt number ``attempt`` (from 1)."""
    seconds = base_seconds * 2 ** max(attempt - 1, 0)
    return min(dt.timedelta(seconds=seconds), MAX_BACKOFF)


def describe_error(exc: BaseException) -> str:
    """Name the exception class and where it was raised, leaving out its message.

    Messages can quote the values being written (a database error repeats the row that
    failed), so neither the job table nor the log gets them.
    """
    name = exception_name(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return name[:500]
    frame = frames[-1]
    where = "/".join(Path(frame.filename).parts[-2:])
    return f"{name} at {where}:{frame.lineno} in {frame.name}"[:500]


class Worker:
    """Job runner against ``database``. Several may run at once, in one or many processes."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        name: str | None = None,
        kinds: Collection[str] | None = None,
    ) -> None:
        """``kinds`` limits the worker to those job kinds (and the periodic jobs among them)."""
        self.database = database
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.kinds = frozenset(kinds) if kinds else None
        self.lease = dt.timedelta(seconds=settings.job_lease_seconds)
        self._scheduled_slots: dict[str, int] = {}
        load_handlers(settings.job_module_names())

    def run_once(self) -> int:
        """Enqueue periodic jobs that are due, run every due job, and return how many ran."""
        self.schedule_periodic()
        return self.run_due()

    def run_forever(self, stop: threading.Event) -> None:
        """Run due jobs until ``stop`` is set, polling every MYENGINE_WORKER_POLL_SECONDS."""
        log.info("worker.started", worker=self.name)
        while not stop.is_set():
            try:
                self.schedule_periodic()
                ran = self.run_due(stop)
            except Exception as exc:  # noqa: BLE001 - a store outage must not end the worker
                log.error("worker.poll_failed", worker=self.name, error=describe_error(exc))
                ran = 0
            if ran == 0:
                stop.wait(self.settings.worker_poll_seconds)
        log.info("worker.stopped", worker=self.name)

    def run_due(self, stop: threading.Event | None = None) -> int:
        ran = 0
        while stop is None or not stop.is_set():
            job = self.claim()
            if job is None:
                break
            self.execute(job)
            ran += 1
        return ran

    def claim(self) -> Job | None:
        """Take the oldest due job under a lease, or return None when nothing is due."""
        with self.database.write(operator=True) as session:
            while True:
                now = utcnow()
                job = self._next_due(
                    session, (Job.state == JobState.RUNNING.value) & (Job.locked_until <= now)
                ) or self._next_due(
                    session, (Job.state == JobState.PENDING.value) & (Job.run_after <= now)
                )
                if job is None:
                    return None

                if job.state == JobState.RUNNING.value and job.attempts >= self._max_attempts(job):
                    self._bury(job, job.last_error or "lease expired: the worker stopped or timed out")
                    continue
                if job.state == JobState.RUNNING.value:
                    log.warning("job.lease_expired", job_id=job.id, kind=job.kind,
                                previous_worker=job.locked_by, attempt=job.attempts)

                job.state = JobState.RUNNING.value
                job.attempts += 1
                job.locked_by = self.name
                job.locked_until = now + self.lease
                job.started = now
                return job

    def _next_due(self, session: Session, condition: ColumnElement[bool]) -> Job | None:
        """Lock and return the oldest job matching ``condition`` that no one else has locked.

        Expired leases and pending jobs are looked up separately, so each lookup reads the
        ``(state, run_after, id)`` index in order instead of sorting every due job.
        """
        statement = select(Job).where(condition)
        if self.kinds is not None:
            statement = statement.where(Job.kind.in_(self.kinds))
        statement = statement.order_by(Job.run_after, Job.id).limit(1)
        return session.scalars(statement.with_for_update(skip_locked=True)).first()

    def execute(self, job: Job) -> None:
        """Run the claimed ``job``'s handler, then mark it done, retry it later, or bury it."""
        handler = get_handler(job.kind)
        bind_worker_settings(self.settings)
        with acting_as(worker_actor(job.id)), structlog.contextvars.bound_contextvars(
            job_id=job.id, job_kind=job.kind
        ):
            log.info("job.started", worker=self.name, attempt=job.attempts)
            try:
                if handler is None:
                    raise UnknownJobKind(job.kind)
                if handler.transactional:
                    self._run_in_transaction(handler, job)
                else:
                    with LeaseKeeper(self, job):
                        handler.function(self.database, job)
                    with self.database.write(operator=True) as session:
                        self._finish(self._owned(session, job))
            except LeaseLost:
                log.warning("job.lease_lost", worker=self.name)
                return
            except Exception as exc:  # noqa: BLE001 - any failure of a handler is retried
                self._fail(job, exc)
                return
            log.info("job.succeeded", worker=self.name, attempt=job.attempts)

    def _run_in_transaction(self, handler: Handler, job: Job) -> None:
        with self.database.write(operator=True) as session:
            owned = self._owned(session, job)
            handler.function(session, owned)
            self._finish(owned)

    def _owned(self, session: Session, job: Job) -> Job:
        """Lock the job row, checking that this worker still holds its lease."""
        owned = session.scalar(
            select(Job)
            .where(
                Job.id == job.id,
                Job.state == JobState.RUNNING.value,
                Job.locked_by == self.name,
            )
            .with_for_update()
        )
        if owned is None:
            raise LeaseLost(job.id)
        return owned

    def _finish(self, job: Job) -> None:
        job.state = JobState.DONE.value
        job.finished = utcnow()
        job.locked_by = None
        job.locked_until = None

    def _fail(self, job: Job, exc: Exception) -> None:
        error = describe_error(exc)
        with self.database.write(operator=True) as session:
            try:
                owned = self._owned(session, job)
            except LeaseLost:
                log.warning("job.lease_lost", worker=self.name, error=error)
                return

            owned.last_error = error
            if owned.attempts >= self._max_attempts(owned):
                self._bury(owned, error)
                return
            if _pending_twin(session, owned):
                owned.state = JobState.CANCELLED.value
                owned.finished = utcnow()
                owned.locked_by = owned.locked_until = None
                log.warning("job.failed_superseded", attempt=owned.attempts, error=error)
                return

            owned.state = JobState.PENDING.value
            owned.run_after = utcnow() + backoff(self.settings.job_retry_base_seconds, owned.attempts)
            owned.locked_by = owned.locked_until = None
            log.warning("job.failed", attempt=owned.attempts, error=error,
                        retry_at=owned.run_after.isoformat())

    def _bury(self, job: Job, error: str) -> None:
        job.state = JobState.DEAD.value
        job.last_error = error
        job.finished = utcnow()
        job.locked_by = None
        job.locked_until = None
        log.error("job.dead", job_id=job.id, kind=job.kind, attempts=job.attempts, error=error)

    def _max_attempts(self, job: Job) -> int:
        handler = get_handler(job.kind)
        if handler is not None and handler.max_attempts is not None:
            return handler.max_attempts
        return self.settings.job_max_attempts

    def schedule_periodic(self) -> None:
        """Enqueue each periodic job for the current interval unless some worker already did."""
        now = utcnow()
        for periodic in periodic_jobs():
            if self.kinds is not None and periodic.kind not in self.kinds:
                continue
            seconds = max(1, int(periodic.interval(self.settings).total_seconds()))
            slot = int(now.timestamp()) // seconds
            if self._scheduled_slots.get(periodic.kind) == slot:
                continue
            key = f"{periodic.kind}:{slot}"
            with self.database.read(operator=True) as session:
                exists = session.scalar(select(Job.id).where(Job.dedup_key == key).limit(1))
            if exists is None:
                with self.database.write(operator=True) as session:
                    enqueue(session, periodic.kind, {}, dedup_key=key,
                            run_after=dt.datetime.fromtimestamp(slot * seconds, dt.UTC))
            self._scheduled_slots[periodic.kind] = slot


def _pending_twin(session: Session, job: Job) -> bool:
    """True when another pending job has ``job``'s de-duplication key."""
    if job.dedup_key is None:
        return False
    twin = session.scalar(
        select(Job.id).where(
            Job.dedup_key == job.dedup_key,
            Job.state == JobState.PENDING.value,
            Job.id != job.id,
        )
    )
    return twin is not None


class EmbeddedWorker:
    """One worker on a background thread of the API process (MYENGINE_EMBEDDED_WORKER)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.worker = Worker(database, settings)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=self.worker.run_forever, args=(self.stop_event,), name="myengine-worker",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 30) -> None:
        self.stop_event.set()
        self.thread.join(timeout=timeout)
        if self.thread.is_alive():
            log.warning("worker.stop_timed_out", worker=self.worker.name, timeout_seconds=timeout)
