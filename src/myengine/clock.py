"""The service's one source of the current time, replaceable in tests."""

import datetime as dt
from collections.abc import Callable

_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime, truncated to microseconds."""
    return _now()


def set_clock(now: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (``None`` restores the system clock)."""
    global _now
    _now = now if now is not None else (lambda: dt.datetime.now(dt.UTC))
