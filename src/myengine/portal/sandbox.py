"""Tools of the sandbox deployment: test credits, a data reset and platform suspensions.

None of these exist in production; the portal's sandbox pages refuse to run there.
"""

import structlog
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from myengine.clients.models import Client
from myengine.credits.models import LedgerEntry, LedgerReason
from myengine.credits.operations import record_movement
from myengine.live_services import operations as services
from myengine.live_services.models import PLATFORM_CAUSES, LiveService, Suspension, SuspensionCause
from myengine.live_services.suspensions import add_cause, lift_causes
from myengine.partners.models import Partner
from myengine.portal.audit_trail import record
from myengine.portal.models import EmailToken

log = structlog.get_logger()

MAX_TOP_UP = 100_000


class SandboxError(ValueError):
    """A sandbox action cannot run with the value given; the message explains why."""


def add_test_credits(session: Session, partner_id: int, *, amount: int,
                     portal_user_id: int) -> int:
    """Grant ``amount`` test credits and return the new balance."""
    if not 1 <= amount <= MAX_TOP_UP:
        raise SandboxError(f"Enter a whole number of credits from 1 to {MAX_TOP_UP:,}.")
    partner = session.get(Partner, partner_id)
    assert partner is not None, f"partner {partner_id} has no account row"
    entry = record_movement(session, partner, amount=amount, reason=LedgerReason.GRANT)
    record(session, action="sandbox.credits_added", subject_type="partner",
           subject_id=partner_id, partner_id=partner_id, portal_user_id=portal_user_id,
           amount=amount, ledger_entry_id=entry.id)
    return entry.balance_after


def reset_data(session: Session, partner_id: int, *, portal_user_id: int) -> dict[str, int]:
    """Delete every client, live service and ledger row of the partner and zero its balance.

    Unlike production, where services and ledger rows are kept for history, a sandbox reset
    removes the rows outright, so the partner can rerun its integration tests from scratch.
    The partner's own record, its portal users, API keys, allowed networks and audit trail
    stay, so integrations keep working and the reset itself stays on record.
    """
    counts = {
        "clients": _count(session, select(Client.id).where(
            Client.partner_id == partner_id, Client.is_partner.is_(False))),
        "live_services": _count(session, select(LiveService.id).where(
            LiveService.partner_id == partner_id)),
        "ledger_entries": _count(session, select(LedgerEntry.id).where(
            LedgerEntry.partner_id == partner_id)),
    }
    # Children first: the foreign keys from these tables restrict deletes.
    session.execute(delete(EmailToken).where(
        EmailToken.partner_id == partner_id, EmailToken.client_id.is_not(None)))
    session.execute(delete(Suspension).where(Suspension.partner_id == partner_id))
    session.execute(delete(LedgerEntry).where(LedgerEntry.partner_id == partner_id))
    session.execute(delete(LiveService).where(LiveService.partner_id == partner_id))
    session.execute(delete(Client).where(
        Client.partner_id == partner_id, Client.is_partner.is_(False)))
    partner = session.get(Partner, partner_id)
    assert partner is not None, f"partner {partner_id} has no account row"
    partner.credit_balance = 0
    session.flush()

    record(session, action="sandbox.data_reset", subject_type="partner", subject_id=partner_id,
           partner_id=partner_id, portal_user_id=portal_user_id, **counts)
    log.info("sandbox.data_reset", partner_id=partner_id, **counts)
    return counts


def set_platform_suspension(session: Session, service_id: int, *, cause: str, suspend: bool,
                            partner_id: int, portal_user_id: int) -> LiveService:
    """Put or lift a platform suspension (abuse or billing), as the platform's staff would."""
    try:
        platform_cause = SuspensionCause(cause)
    except ValueError:
        platform_cause = None
    if platform_cause not in PLATFORM_CAUSES:
        raise SandboxError(
            f"{cause!r} is not a platform cause; choose "
            f"{' or '.join(sorted(c.value for c in PLATFORM_CAUSES))}."
        )
    service = services.get_service(session, service_id, for_update=True)
    if service.deleted is not None:
        raise SandboxError(f"Live service {service_id} is deleted, so it cannot be suspended.")

    changed = (
        add_cause(session, service, platform_cause)
        if suspend
        else bool(lift_causes(session, service, [platform_cause]))
    )
    if changed:
        record(session,
               action="live_service.platform_suspended" if suspend else
               "live_service.platform_unsuspended",
               subject_type="live_service", subject_id=service.id, partner_id=partner_id,
               portal_user_id=portal_user_id, cause=platform_cause.value)
    return service


def _count(session: Session, statement: Select[tuple[int]]) -> int:
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0
