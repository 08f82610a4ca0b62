"""Read-only look-ups behind the portal's pages, built on the API's listing helpers."""

from dataclasses import dataclass
from typing import Generic, TypeVar

import rison
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.api.listing import PageRequest, decode_cursor, keyset, parse_search, split_page
from myengine.audit import operations as audit
from myengine.audit.models import AuditEvent
from myengine.clients import operations as clients
from myengine.clients.models import Client
from myengine.credits.models import LedgerEntry
from myengine.errors import InvalidCursor
from myengine.live_services.models import LiveService
from myengine.live_services.suspensions import active_causes

PAGE_SIZE = 25
# Fields the client search box can look in, as (search field, label).
CLIENT_SEARCH_FIELDS = (
    ("username", "Username"),
    ("email", "Email"),
    ("company", "Company"),
    ("surname", "Surname"),
    ("external_userid", "External id"),
)
CLIENT_STATUS_FILTERS = {"active": 1, "suspended": 2, "deleted": 3, "anonymised": 4}


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool
    next_cursor: str | None


def search_clients(session: Session, *, field: str, text: str, status: str,
                   cursor: str | None) -> Page[Client]:
    """Return one page of the partner's clients whose ``field`` contains ``text``, oldest first.

    The conditions go through the API's ``search`` parser, so the portal finds exactly what
    ``GET /clients?search=('field LIKE':'%text%')`` finds.
    """
    search: dict[str, object] = {}
    if text.strip() and field in dict(CLIENT_SEARCH_FIELDS):
        search[f"{field} LIKE"] = f"%{text.strip()}%"
    if status in CLIENT_STATUS_FILTERS:
        search["client_status_id"] = CLIENT_STATUS_FILTERS[status]
    conditions = parse_search(rison.dumps(search), clients.SEARCHABLE) if search else []
    result = clients.list_clients(session, conditions, _page(cursor))
    return Page(result.clients, result.has_more, result.next_cursor)


@dataclass(frozen=True)
class ServiceRow:
    service: LiveService
    causes: list[str]


def services_of_client(session: Session, client_id: int) -> list[ServiceRow]:
    services = list(session.scalars(
        select(LiveService).where(LiveService.client_id == client_id).order_by(LiveService.id)
    ))
    causes = active_causes(session, [service.id for service in services])
    return [ServiceRow(service, causes[service.id]) for service in services]


def running_services(session: Session) -> list[ServiceRow]:
    """Return the partner's live services that are not deleted, with their suspension causes."""
    services = list(session.scalars(
        select(LiveService).where(LiveService.deleted.is_(None)).order_by(LiveService.id)
    ))
    causes = active_causes(session, [service.id for service in services])
    return [ServiceRow(service, causes[service.id]) for service in services]


def ledger(session: Session, *, cursor: str | None) -> Page[LedgerEntry]:
    """Return one page of the partner's ledger, oldest first."""
    page = _page(cursor)
    rows = list(session.scalars(keyset(select(LedgerEntry), LedgerEntry.id, page)))
    entries, has_more, next_cursor = split_page(rows, page, lambda entry: entry.id)
    return Page(entries, has_more, next_cursor)


def audit_events(session: Session, *, cursor: str | None) -> Page[AuditEvent]:
    result = audit.list_events(session, [], _page(cursor))
    return Page(result.events, result.has_more, result.next_cursor)


def _page(cursor: str | None) -> PageRequest:
    """Build a request for PAGE_SIZE rows; a cursor this portal did not issue starts at row one."""
    try:
        after_id = decode_cursor(cursor) if cursor else None
    except InvalidCursor:
        after_id = None
    return PageRequest(limit=PAGE_SIZE, after_id=after_id)
