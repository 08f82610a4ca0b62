"""Structured logging: one JSON event per line, with the request and partner bound per request.

Log lines carry ids and event names. Personal fields and secrets are never passed to a logger,
and a logged exception keeps its stack but not its message (see ``traceback_without_messages``).
"""

import logging
import sys
import traceback
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

MESSAGE_WITHHELD = "(message withheld from the log)"


def exception_name(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def traceback_without_messages(exc: BaseException) -> str:
    """Format ``exc`` and the exceptions chained to it, with their stacks and without messages.

    A message can quote the values being handled: a PostgreSQL unique violation repeats the
    key, a parser repeats its input. The stack (files, lines, code) is enough to find the fault,
    and the request id leads to what the caller sent.
    """
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    link: str | None = None
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            link = "The above exception was the direct cause of the following exception:"
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link = "During handling of the above exception, another exception occurred:"
            current = current.__context__
        else:
            current = None

    parts: list[str] = []
    for failure, joined_by in reversed(chain):
        frames = traceback.extract_tb(failure.__traceback__)
        if frames:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_list(frames))
        parts.append(f"{exception_name(failure)}: {MESSAGE_WITHHELD}\n")
        if joined_by is not None:
            parts.append(f"\n{joined_by}\n\n")
    return "".join(parts).rstrip("\n")


def _logged_exception(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        return exc_info[1]
    if exc_info:
        return sys.exc_info()[1]
    return None


def format_exception_without_message(_logger: WrappedLogger, _method: str,
                                     event_dict: EventDict) -> EventDict:
    """Replace ``exc_info`` by an ``exception`` field rendered by ``traceback_without_messages``.

    This takes the place of structlog's ``format_exc_info``, which renders messages too.
    """
    exc = _logged_exception(event_dict.pop("exc_info", None))
    if exc is not None:
        event_dict["exception"] = traceback_without_messages(exc)
    return event_dict


def configure_logging(level: str = "INFO", fmt: str = "json", stream: TextIO | None = None) -> None:
    """Send structured events to ``stream`` (standard output by default)."""
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            format_exception_without_message,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stdout),
        cache_logger_on_first_use=False,
    )
