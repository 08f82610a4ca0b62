"""Job kinds and the functions that run them.

Register a handler with ``@job_handler("kind")``. There are two forms:

- ``def handler(database: Database, job: Job) -> None`` (the default). The handler opens
  its own transactions with ``database.write(...)``; the worker marks the job done in a
  transaction of its own afterwards. Use it for work with effects outside the database,
  such as sending mail.
- ``@job_handler("kind", transactional=True)`` with ``def handler(session: Session, job:
  Job) -> None``. The worker opens one operator write transaction, locks the job row in it,
  runs the handler and marks the job done in the same transaction, so the handler's changes
  and the job's completion commit together or not at all.

Either way a job can run more than once (a worker may stop after the work and before the
job is marked done), so every handler must be idempotent: running it twice leaves the same
result as running it once. A handler raises to fail the attempt; the worker retries it with
exponential backoff and moves it aside as ``dead`` after too many attempts.

A handler that needs the deployment's settings calls ``worker_settings()``.

Periodic jobs (``register_periodic``) are enqueued by every worker once per interval with a
de-duplication key naming the interval, so several workers or schedulers add one job.
"""

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from myengine.settings import Settings

# Modules whose import registers the platform's own handlers.
BUILTIN_HANDLER_MODULES: tuple[str, ...] = ("myengine.retention.jobs", "myengine.portal.mail_jobs")


@dataclass(frozen=True)
class Handler:
    kind: str
    function: Callable[..., None]
    transactional: bool
    # None uses the deployment's MYENGINE_JOB_MAX_ATTEMPTS.
    max_attempts: int | None


@dataclass(frozen=True)
class Periodic:
    kind: str
    interval: Callable[[Settings], dt.timedelta]


_handlers: dict[str, Handler] = {}
_periodic: dict[str, Periodic] = {}
_worker_settings: ContextVar[Settings | None] = ContextVar("worker_settings", default=None)


def job_handler(
    kind: str, *, transactional: bool = False, max_attempts: int | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as the handler of ``kind`` jobs."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        existing = _handlers.get(kind)
        if existing is not None and _qualified_name(existing.function) != _qualified_name(function):
            raise RuntimeError(
                f"job kind {kind!r} already has the handler {_qualified_name(existing.function)}"
            )
        _handlers[kind] = Handler(kind, function, transactional, max_attempts)
        return function

    return register


def register_periodic(kind: str, interval: Callable[[Settings], dt.timedelta]) -> None:
    """Have workers enqueue a ``kind`` job once per ``interval(settings)``."""
    _periodic[kind] = Periodic(kind, interval)


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def periodic_jobs() -> list[Periodic]:
    return list(_periodic.values())


def worker_settings() -> Settings:
    """Return the settings of the worker running the current job."""
    settings = _worker_settings.get()
    if settings is None:
        raise RuntimeError("worker_settings() is available only inside a job handler")
    return settings


def bind_worker_settings(settings: Settings) -> None:
    _worker_settings.set(settings)


def load_handlers(extra_modules: Iterable[str] = ()) -> None:
    """Import the built-in handler modules and ``extra_modules`` (MYENGINE_JOB_MODULES)."""
    for name in (*BUILTIN_HANDLER_MODULES, *extra_modules):
        importlib.import_module(name)


def _qualified_name(function: Any) -> str:
    return f"{function.__module__}.{function.__qualname__}"
