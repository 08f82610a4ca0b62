"""The database-backed rate limit under concurrent attempts, on each backend."""

import datetime as dt
import secrets
import threading
import time

from myengine.portal import throttle

# Stands in for the password check that runs between counting an attempt and recording it.
CHECK_SECONDS = 0.2
ATTEMPTS = 12


def test_concurrent_attempts_stop_at_the_limit(database):
    limit = throttle.Limit(f"test_{secrets.token_hex(4)}", 3, dt.timedelta(minutes=5))
    subject = secrets.token_hex(8)
    start = threading.Barrier(ATTEMPTS)
    allowed: list[int] = []

    def attempt(number: int) -> None:
        start.wait()
        with database.write(operator=True) as session:
            if throttle.retry_after(session, limit, subject) is None:
                time.sleep(CHECK_SECONDS)
                throttle.record(session, limit, subject)
                allowed.append(number)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(allowed) == limit.max_events
