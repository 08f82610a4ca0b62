"""Assertion and inspection helpers shared by the live-service and credit tests."""

from typing import Any

import httpx
from sqlalchemy import func, select

from myengine.credits.models import LedgerEntry
from myengine.db.engine import Database
from myengine.live_services.models import LiveService, SuspensionCause
from myengine.live_services.suspensions import add_cause
from myengine.partners.models import Partner


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["success"] is False
    return body["error"]


def ledger(database: Database, partner_id: int) -> list[LedgerEntry]:
    """The partner's ledger rows, oldest first."""
    with database.read(operator=True) as session:
        return list(
            session.scalars(
                select(LedgerEntry).where(LedgerEntry.partner_id == partner_id).order_by(LedgerEntry.id)
            )
        )


def balance(database: Database, partner_id: int) -> int:
    with database.read(operator=True) as session:
        return session.scalar(select(Partner.credit_balance).where(Partner.id == partner_id))


def service_count(database: Database, partner_id: int) -> int:
    with database.read(operator=True) as session:
        return session.scalar(
            select(func.count()).select_from(LiveService).where(LiveService.partner_id == partner_id)
        )


def stored_service(database: Database, service_id: int) -> LiveService:
    with database.read(operator=True) as session:
        service = session.get(LiveService, service_id)
        assert service is not None
        return service


def add_platform_cause(database: Database, service_id: int, cause: SuspensionCause) -> None:
    """Suspend a service the way the platform does, outside the Partner API."""
    with database.write(operator=True) as session:
        service = session.get(LiveService, service_id)
        assert service is not None
        add_cause(session, service, cause)
