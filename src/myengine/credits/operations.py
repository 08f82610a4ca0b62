"""Partner Credits: every movement is a ledger row written with the balance change."""

import structlog
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from myengine.clock import utcnow
from myengine.credits.models import LedgerEntry
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
            f"This costs {-amount} credits but partner {partner.id} has "
            f"{partner.credit_balance}; add credits, then retry."
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
