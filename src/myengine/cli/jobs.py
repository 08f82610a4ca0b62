"""``myengine-server worker`` and ``myengine-server jobs``: run and inspect background jobs."""

import json
import signal
import threading
from typing import Annotated

import structlog
import typer
from sqlalchemy import select

from myengine.clock import utcnow
from myengine.db.engine import connect
from myengine.jobs.models import Job, JobState
from myengine.jobs.worker import Worker
from myengine.settings import get_settings

app = typer.Typer(help="Background jobs: list them and retry dead ones.", no_args_is_help=True)
log = structlog.get_logger()


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run every due job, then exit (for cron).")
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="Worker name recorded on claimed jobs (default: host:pid).")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Run only jobs of this kind; repeat the option for several kinds."),
    ] = None,
) -> None:
    """Run background jobs (anonymisation, retention sweeps, mail) until stopped.

    Several workers may run at once. SIGTERM or SIGINT stops the worker after its current job.
    """
    settings = get_settings()
    database = connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        job_worker = Worker(database, settings, name=name, kinds=kind)
        if once:
            ran = job_worker.run_once()
            log.info("worker.finished", worker=job_worker.name, jobs_run=ran)
            return

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        job_worker.run_forever(stop)
    finally:
        database.dispose()


@app.command("list")
def list_jobs(
    state: Annotated[
        str | None,
        typer.Option(help="Only jobs in this state: pending, running, done, dead or cancelled."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many, newest first.", min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List jobs, newest first, with their state, attempts and last error."""
    states = [member.value for member in JobState]
    if state is not None and state not in states:
        typer.echo(f"error: --state {state!r} is invalid; use one of {', '.join(states)}", err=True)
        raise typer.Exit(code=2)

    settings = get_settings()
    database = connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    statement = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        statement = statement.where(Job.state == state)
    with database.read(operator=True) as session:
        rows = [
            {
                "id": job.id,
                "kind": job.kind,
                "state": job.state,
                "payload": job.payload,
                "attempts": job.attempts,
                "run_after": job.run_after.isoformat(),
                "last_error": job.last_error,
            }
            for job in session.scalars(statement)
        ]
    database.dispose()

    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        error = f"\t{row['last_error']}" if row["last_error"] else ""
        typer.echo(f"{row['id']}\t{row['kind']}\t{row['state']}\t{row['attempts']} attempts"
                   f"\tdue {row['run_after']}{error}")


@app.command("retry")
def retry_job(job_id: Annotated[int, typer.Argument(help="The id of a dead job.")]) -> None:
    """Put a dead job back on the queue, due now, with its attempts reset."""
    settings = get_settings()
    database = connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        with database.write(operator=True) as session:
            job = session.get(Job, job_id)
            if job is None or job.state != JobState.DEAD.value:
                found = "no such job" if job is None else f"it is {job.state}"
                typer.echo(f"error: job {job_id} is not dead ({found}); "
                           "see 'myengine-server jobs list --state dead'", err=True)
                raise typer.Exit(code=2)
            twin = job.dedup_key is not None and session.scalar(
                select(Job.id).where(Job.dedup_key == job.dedup_key,
                                     Job.state == JobState.PENDING.value)
            )
            if twin:
                typer.echo(f"error: job {twin} is already pending for the same work; "
                           f"job {job_id} stays dead", err=True)
                raise typer.Exit(code=2)
            job.state = JobState.PENDING.value
            job.attempts = 0
            job.run_after = utcnow()
            job.finished = None
            log.info("job.retried", job_id=job.id, kind=job.kind)
    finally:
        database.dispose()
    typer.echo(f"Job {job_id} is pending again.")
