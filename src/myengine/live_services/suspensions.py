"""Per-cause suspension records and the service status they imply.

A service is ``suspended`` while it has at least one cause not yet lifted, ``live`` when it
has none, and ``deleted`` once terminated (whatever its causes).
"""

from collections.abc import Iterable

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.audit.operations import record_event
from myengine.clock import utcnow
from myengine.live_services.models import LiveService, ServiceStatus, Suspension, SuspensionCause

log = structlog.get_logger()


def active_causes(session: Session, service_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(service_ids)
    causes: dict[int, list[str]] = {service_id: [] for service_id in ids}
    if not ids:
        return causes
    rows = session.execute(
        select(Suspension.live_service_id, Suspension.cause)
        .where(Suspension.live_service_id.in_(ids), Suspension.lifted.is_(None))
        .order_by(Suspension.id)
    )
    for service_id, cause in rows:
        causes[service_id].append(cause)
    return causes


def add_cause(session: Session, service: LiveService, cause: SuspensionCause) -> bool:
    """Suspend ``service`` for ``cause``; False when that cause was already in force."""
    if service.deleted is not None:
        return False
    existing = session.scalar(
        select(Suspension.id).where(
            Suspension.live_service_id == service.id,
            Suspension.cause == cause.value,
            Suspension.lifted.is_(None),
        )
    )
    if existing is not None:
        return False

    now = utcnow()
    session.add(
        Suspension(partner_id=service.partner_id, live_service_id=service.id, cause=cause.value, created=now)
    )
    service.status = ServiceStatus.SUSPENDED
    service.modified = now
    session.flush()
    record_event(session, action="live_service.suspended", subject_type="live_service",
                 subject_id=service.id, partner_id=service.partner_id, details={"cause": cause.value})
    log.info("live_service.suspended", live_service_id=service.id, cause=cause.value)
    return True


def lift_causes(session: Session, service: LiveService, causes: Iterable[SuspensionCause]) -> list[str]:
    """Lift the given causes; the service goes live when no cause remains. Returns those lifted."""
    wanted = {cause.value for cause in causes}
    now = utcnow()
    lifted = []
    for suspension in session.scalars(
        select(Suspension).where(Suspension.live_service_id == service.id, Suspension.lifted.is_(None))
    ):
        if suspension.cause in wanted:
            suspension.lifted = now
            lifted.append(suspension.cause)
    if not lifted:
        return []

    session.flush()
    remaining = active_causes(session, [service.id])[service.id]
    if service.deleted is None:
        service.status = ServiceStatus.SUSPENDED if remaining else ServiceStatus.LIVE
    service.modified = now
    record_event(session, action="live_service.unsuspended", subject_type="live_service",
                 subject_id=service.id, partner_id=service.partner_id,
                 details={"causes": sorted(lifted), "remaining": sorted(remaining)})
    log.info("live_service.unsuspended", live_service_id=service.id, causes=sorted(lifted),
             remaining=sorted(remaining))
    return lifted


def suspend_client_services(session: Session, client_id: int, cause: SuspensionCause) -> int:
    """Add ``cause`` to every service of the client that is not deleted; return how many changed."""
    services = session.scalars(
        select(LiveService)
        .where(LiveService.client_id == client_id, LiveService.deleted.is_(None))
        .order_by(LiveService.id)
    )
    return sum(1 for service in services if add_cause(session, service, cause))
