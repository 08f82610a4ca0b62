"""Partner Credits: every movement is a ledger row written with the balance change."""

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from myengine.clock import utcnow
from myengine.credits.models import LedgerEntry, LedgerReason
from myengine.errors import InsufficientCredits
from myengine.partners.models import Partner

log = structlog.get_logger()


def record_movement(
    session: Session,
    partner: Partner,
    *,
    amount: int,
    reason: str,
    live_service_id: int | None = None,
    service_name: str | None = None,
    request_id: str | None = None,
) -> LedgerEntry:
    """Change the balance by ``amount`` and write the ledger row, in the caller's transaction.

    A charge (negative amount) larger than the balance raises ``InsufficientCredits`` and
    changes nothing. The balance is updated with one conditional UPDATE, so two concurrent
    charges cannot both spend the same credits.
    """
    result = session.execute(
        update(Partner)
        .where(Partner.id == partner.id, Partner.credit_balance + amount >= 0)
        .values(credit_balance=Partner.credit_balance + amount)
        .returning(Partner.credit_balance)
        .execution_options(synchronize_session=False)
    )
    balance = result.scalar_one_or_none()
    if balance is None:
        session.refresh(partner, ["credit_balance"])
        raise InsufficientCredits(
            f"This costs {-amount} Partner Credits but partner {partner.id} has "
            f"{partner.credit_balance}; add credits, then retry.",
            details={"credits_required": -amount, "credit": partner.credit_balance},
        )
    set_committed_value(partner, "credit_balance", balance)

    entry = LedgerEntry(
        partner_id=partner.id,
        amount=amount,
        balance_after=balance,
        reason=reason,
        live_service_id=live_service_id,
        service_name=service_name,
        request_id=request_id,
        created=utcnow(),
    )
    session.add(entry)
    session.flush()
    log.info(
        "credits.moved",
        partner_id=partner.id,
        amount=amount,
        balance_after=balance,
        reason=reason,
        live_service_id=live_service_id,
    )
    return entry


def charge_for_service(
    session: Session,
    partner_id: int,
    *,
    credits: int,
    reason: LedgerReason,
    live_service_id: int,
    service_name: str,
    request_id: str | None,
) -> LedgerEntry | None:
    """Charge ``credits`` for a service change; a charge of zero or less moves nothing.

    No credits are refunded through this function: a change that costs less than nothing,
    such as a downgrade, writes no ledger row.
    """
    if credits <= 0:
        return None
    partner = session.get(Partner, partner_id)
    assert partner is not None, f"partner {partner_id} has no account row"
    return record_movement(
        session,
        partner,
        amount=-credits,
        reason=reason,
        live_service_id=live_service_id,
        service_name=service_name,
        request_id=request_id,
    )


def current_balance(session: Session, partner_id: int) -> int:
    """Read the partner's Partner Credit balance from the database, not from the session cache."""
    balance = session.scalar(select(Partner.credit_balance).where(Partner.id == partner_id))
    assert balance is not None, f"partner {partner_id} has no account row"
    return balance
