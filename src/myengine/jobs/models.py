import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime


class JobState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    # Failed too often; kept with its last error until an operator retries it.
    DEAD = "dead"
    CANCELLED = "cancelled"


class Job(Base):
    """A unit of background work, written in the transaction of the change that needs it.

    The payload contains ids only (``jobs.queue.enqueue`` checks this), so no personal value is
    ever queued. Jobs belong to the platform, not to a partner: a partner-scoped session may
    write one, and the worker reads them with an operator session.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        # Claims read due jobs in (run_after, id) order straight from this index.
        Index("ix_jobs_state_run_after", "state", "run_after", "id"),
        Index("ix_jobs_state_finished", "state", "finished"),
        Index("ix_jobs_dedup_key", "dedup_key"),
        # At most one pending job per de-duplication key; finished jobs keep theirs.
        Index(
            "uq_jobs_dedup_key_pending",
            "dedup_key",
            unique=True,
            sqlite_where=text("state = 'pending' AND dedup_key IS NOT NULL"),
            postgresql_where=text("state = 'pending' AND dedup_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    dedup_key: Mapped[str | None] = mapped_column(String(128))
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Claims so far, counting the one in progress.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The worker holding the lease and when the lease ends; another worker takes the job
    # over once ``locked_until`` has passed.
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The exception class and the code location of the last failure, never its message.
    last_error: Mapped[str | None] = mapped_column(String(500))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
