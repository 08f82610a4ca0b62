"""The audit trail: recording each change and listing a partner's events."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from myengine.api.listing import PageRequest, SearchField, keyset, split_page
from myengine.audit.context import ActorType, AuditActor, current_actor, new_correlation_id
from myengine.audit.models import AuditEvent
from myengine.clock import utcnow

log = structlog.get_logger()

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Codes, package names, field names and ISO timestamps: no spaces, no "@", at most 64 characters.
_CODE = re.compile(r"^[A-Za-z0-9_.:+-]{1,64}$")
MAX_LIST_ITEMS = 1000

SEARCHABLE = {
    "id": SearchField(AuditEvent.id, int),
    "action": SearchField(AuditEvent.action, str),
    "subject_type": SearchField(AuditEvent.subject_type, str),
    "subject_id": SearchField(AuditEvent.subject_id, int),
    "actor_type": SearchField(AuditEvent.actor_type, str),
    "api_key_id": SearchField(AuditEvent.api_key_id, int),
    "request_id": SearchField(AuditEvent.request_id, str),
    "correlation_id": SearchField(AuditEvent.correlation_id, str),
}


def record_event(
    session: Session,
    *,
    action: str,
    subject_type: str,
    subject_id: int,
    partner_id: int,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction, attributed to the bound actor.

    The actor, request id and correlation id come from ``audit.context``. ``details``
    contains ids, counts, flags, timestamps and short codes (field names, packages,
    causes). A string with a space or an "@", or longer than 64 characters, raises
    ValueError, so free text such as a name or an email address cannot reach the trail.

    NOTE: a short code-like string (a username such as ``fred``) passes this check, so the
    callers, not this guard, keep personal values out of ``details``.
    """
    if not _ACTION.match(action):
        raise ValueError(f"audit action {action!r} must be dotted snake_case, e.g. client.deleted")
    actor = current_actor()
    if actor is None:
        actor = AuditActor(type=ActorType.UNBOUND, correlation_id=new_correlation_id())
        log.warning("audit.actor_unbound", action=action, subject_type=subject_type,
                    subject_id=subject_id)

    if actor.portal_user_id is not None:
        details = {"portal_user_id": actor.portal_user_id, **(details or {})}

    event = AuditEvent(
        partner_id=partner_id,
        occurred=utcnow(),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_type=actor.type.value,
        api_key_id=actor.api_key_id,
        job_id=actor.job_id,
        request_id=actor.request_id,
        correlation_id=actor.correlation_id,
        details=_checked_details(details or {}),
    )
    session.add(event)
    return event


def _checked_details(details: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, value in details.items():
        if not isinstance(key, str) or not _DETAIL_KEY.match(key):
            raise ValueError(f"audit detail key {key!r} must be snake_case")
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_LIST_ITEMS:
                raise ValueError(f"audit detail {key!r} has more than {MAX_LIST_ITEMS} items")
            checked[key] = [_checked_value(key, item) for item in value]
        else:
            checked[key] = _checked_value(key, value)
    return checked


def _checked_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str) and _CODE.match(value):
        return value
    raise ValueError(
        f"audit detail {key!r} must be an id, count, flag, timestamp or short code, "
        f"not a {type(value).__name__} of free text"
    )


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    has_more: bool
    next_cursor: str | None


def list_events(session: Session, conditions: list, page: PageRequest) -> EventPage:
    """Return one page of the scoped partner's events, oldest first."""
    statement: Select = select(AuditEvent).where(*conditions)
    rows = list(session.scalars(keyset(statement, AuditEvent.id, page)))
    events, has_more, next_cursor = split_page(rows, page, lambda event: event.id)
    return EventPage(events, has_more, next_cursor)
