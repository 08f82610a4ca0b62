"""Audit events for changes made in the portal, attributed to the logged-in portal user."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from myengine.audit.context import ActorType, AuditActor, acting_as, new_correlation_id
from myengine.audit.operations import record_event


@contextmanager
def portal_actor(*, partner_id: int | None, request_id: str,
                 portal_user_id: int | None = None) -> Iterator[AuditActor]:
    """Attribute every audit event recorded inside the block to the partner's portal user."""
    actor = AuditActor(
        type=ActorType.PORTAL_USER,
        correlation_id=new_correlation_id(),
        partner_id=partner_id,
        request_id=request_id or None,
        portal_user_id=portal_user_id,
    )
    with acting_as(actor):
        yield actor


def record(
    session: Session,
    *,
    action: str,
    subject_type: str,
    subject_id: int,
    partner_id: int,
    portal_user_id: int | None,
    **details: Any,
) -> None:
    """Record one portal change; ``details`` contains ids, counts, flags and short codes only."""
    record_event(
        session,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        partner_id=partner_id,
        details={"portal_user_id": portal_user_id, **details},
    )
