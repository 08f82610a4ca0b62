"""Job kinds used only by the tests. Workers load them through MYENGINE_JOB_MODULES."""

import os
import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from myengine.db.engine import Database
from myengine.jobs.models import Job
from myengine.jobs.registry import job_handler
from myengine.retention.anonymise import anonymise_client

RECORD = "test.record"
FAIL = "test.fail"
ANONYMISE_THEN_HANG = "test.anonymise_then_hang"
WAIT_FOR_RELEASE = "test.wait_for_release"

# The waiting handler sets ``waiting`` once it runs, then blocks until a test sets ``release``
# (at most RELEASE_TIMEOUT seconds).
waiting = threading.Event()
release = threading.Event()
RELEASE_TIMEOUT = 60

# Marker file written once the hanging handler has done its work; the handler then waits
# until the process is killed. Unset, the handler does not hang.
HANG_MARKER_ENV = "MYENGINE_TEST_HANG_MARKER"
HANG_SECONDS = 600

# Job ids run by the record handler in this process, in order.
recorded: list[int] = []


class HandlerFailure(RuntimeError):
    pass


@job_handler(RECORD)
def record(database: Database, job: Job) -> None:
    recorded.append(job.id)


@job_handler(WAIT_FOR_RELEASE)
def wait_for_release(database: Database, job: Job) -> None:
    waiting.set()
    release.wait(RELEASE_TIMEOUT)
    recorded.append(job.id)


@job_handler(FAIL, max_attempts=3)
def fail(database: Database, job: Job) -> None:
    raise HandlerFailure("secret-value-that-must-not-be-stored")


@job_handler(ANONYMISE_THEN_HANG, transactional=True)
def anonymise_then_hang(session: Session, job: Job) -> None:
    anonymise_client(session, int(job.payload["client_id"]))
    session.flush()
    marker = os.environ.get(HANG_MARKER_ENV)
    if marker:
        Path(marker).write_text(str(job.id))
        time.sleep(HANG_SECONDS)
