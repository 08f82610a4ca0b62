"""Helpers shared by the job, retention and audit tests: a manual clock and direct reads."""

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from myengine.clock import set_clock
from myengine.db.engine import Database
from myengine.jobs.models import Job


class ManualClock:
    """A clock that does not move until a test advances it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    set_clock(manual)
    yield manual
    set_clock(None)


def jobs_with_key(database: Database, dedup_key: str) -> list[Job]:
    with database.read(operator=True) as session:
        return list(session.scalars(select(Job).where(Job.dedup_key == dedup_key).order_by(Job.id)))


def get_job(database: Database, job_id: int) -> Job:
    with database.read(operator=True) as session:
        job = session.get(Job, job_id)
        assert job is not None, f"job {job_id} is missing"
        return job
