"""Simultaneous charges cannot spend the same Partner Credits twice."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from myengine.credits.operations import record_movement
from myengine.errors import InsufficientCredits
from myengine.partners.models import Partner
from tests.factories import create_partner, service_body
from tests.live_services.helpers import balance, ledger, service_count

# How long the PostgreSQL test waits for the second charge to queue behind the first.
LOCK_WAIT_DEADLINE_SECONDS = 20


def create_simultaneously(
    client: httpx.Client, count: int, collection: str, **overrides: Any
) -> list[int]:
    """Send ``count`` creates at once, released together by a barrier; return the statuses."""
    barrier = threading.Barrier(count)

    def create(_: int) -> int:
        barrier.wait(timeout=30)
        return client.post(f"/{collection}", json=service_body(collection, **overrides)).status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(create, range(count)))


class TestSimultaneousCreates:
    def test_two_creates_cannot_overspend(self, api_for, database):
        client, partner = api_for(credits=10)
        statuses = create_simultaneously(client, 2, "outmails", service_name="outmail-5000")
        assert statuses == [200, 405]
        assert balance(database, partner.partner_id) == 4

    def test_losing_create_leaves_no_service_and_no_row(self, api_for, database):
        client, partner = api_for(credits=10)
        create_simultaneously(client, 2, "outmails", service_name="outmail-5000")
        assert service_count(database, partner.partner_id) == 1
        assert [row.amount for row in ledger(database, partner.partner_id)] == [10, -6]

    def test_many_creates_spend_exactly_the_balance(self, api_for, database):
        client, partner = api_for(credits=3)
        statuses = create_simultaneously(client, 6, "masterdns")
        assert statuses == [200, 200, 200, 405, 405, 405]
        assert balance(database, partner.partner_id) == 0
        assert service_count(database, partner.partner_id) == 3


def test_waiting_charge_sees_the_committed_balance(backend, database, settings):
    """A charge that queues behind another re-checks the balance the first one left."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises whole write transactions, so there is no row lock to wait on")
    credentials = create_partner(database, settings, credits=10)
    partner_id = credentials.partner_id
    outcome: list[str] = []

    def second_charge() -> None:
        try:
            with database.write(partner_id=partner_id) as session:
                record_movement(session, session.get(Partner, partner_id), amount=-6, reason="test")
            outcome.append("charged")
        except InsufficientCredits:
            outcome.append("insufficient")

    with database.write(partner_id=partner_id) as first:
        record_movement(first, first.get(Partner, partner_id), amount=-6, reason="test")
        waiter = threading.Thread(target=second_charge)
        waiter.start()
        _wait_for_lock_waiter(database)
    waiter.join(timeout=30)

    assert outcome == ["insufficient"]
    assert balance(database, partner_id) == 4


def _wait_for_lock_waiter(database) -> None:  # type: ignore[no-untyped-def]
    """Poll pg_stat_activity until a session of this database waits on a row lock."""
    deadline = time.monotonic() + LOCK_WAIT_DEADLINE_SECONDS
    with database.read(operator=True) as session:
        while time.monotonic() < deadline:
            waiting = session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            session.rollback()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second charge never waited for the first one's row lock")
