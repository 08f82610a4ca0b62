"""The per-partner request rate limit."""

import pytest

from myengine.api.rate_limit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_up_to_the_limit_is_allowed():
    limiter = RateLimiter(3, clock=FakeClock())
    assert [limiter.acquire(1) for _ in range(3)] == [None, None, None]


def test_request_past_the_limit_gets_retry_after():
    limiter = RateLimiter(60, clock=FakeClock())
    for _ in range(60):
        limiter.acquire(1)
    assert limiter.acquire(1) == 1


def test_tokens_refill_over_time():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    for _ in range(60):
        limiter.acquire(1)
    clock.now += 1.0
    assert limiter.acquire(1) is None


def test_partners_have_separate_buckets():
    limiter = RateLimiter(1, clock=FakeClock())
    assert limiter.acquire(1) is None
    assert limiter.acquire(2) is None


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(0, clock=FakeClock())
    assert all(limiter.acquire(1) is None for _ in range(10_000))


@pytest.fixture
def tight_limit(app):  # type: ignore[no-untyped-def]
    # Starlette's State object does not survive monkeypatch's undo, so restore it by hand.
    original = app.state.rate_limiter
    app.state.rate_limiter = RateLimiter(2)
    yield
    app.state.rate_limiter = original


def test_api_answers_429_with_retry_after(tight_limit, api):
    assert api.get("/clients").status_code == 200
    assert api.get("/clients").status_code == 200
    response = api.get("/clients")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1
