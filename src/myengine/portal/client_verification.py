"""Clients confirming their email address through the link in their verification mail.

The mail (``portal.mail_jobs``) and the page behind the link carry the partner's name, not
the platform's. Opening the link only shows a button: mail scanners and link previews fetch
links too, and only the person pressing the button confirms the address.
"""

from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session

from myengine.clients import operations as clients
from myengine.clients.schemas import ClientUpdate
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.errors import ApiError
from myengine.partners.models import Partner
from myengine.portal import tokens
from myengine.portal.models import EmailToken, TokenPurpose

log = structlog.get_logger()


@dataclass(frozen=True)
class VerificationResult:
    partner_name: str | None
    state: tokens.LinkState

    @property
    def verified(self) -> bool:
        return self.state is tokens.LinkState.DONE


@dataclass(frozen=True)
class _LinkOwner:
    partner_id: int
    client_id: int
    partner_name: str | None


def _owner(database: Database, token: str) -> _LinkOwner | None:
    with database.read(operator=True) as session:
        row = tokens.find(session, TokenPurpose.VERIFY_CLIENT, token)
        if row is None or row.client_id is None:
            log.info("client.verification_link_rejected", reason="token_unknown")
            return None
        partner = session.get(Partner, row.partner_id)
        return _LinkOwner(partner_id=row.partner_id, client_id=row.client_id,
                          partner_name=partner.name if partner else None)


def _state(session: Session, row: EmailToken | None, client_id: int) -> tokens.LinkState:
    try:
        client = clients.get_client(session, client_id)
    except ApiError:
        return _rejected("client_not_found", client_id)
    if client.verified and row is not None and row.used is not None:
        return tokens.LinkState.DONE
    if row is None:
        return _rejected("token_unknown", client_id)
    if client.deleted is not None:
        return _rejected("client_deleted", client_id)
    if row.used is not None:
        return _rejected("token_used", client_id)
    if row.expires <= utcnow():
        return _rejected("token_expired", client_id)
    if not tokens.is_usable(row, email=client.email):
        return _rejected("address_changed", client_id)
    return tokens.LinkState.PENDING


def _rejected(reason: str, client_id: int) -> tokens.LinkState:
    log.info("client.verification_link_rejected", reason=reason, client_id=client_id)
    return tokens.LinkState.INVALID


def inspect(database: Database, token: str) -> VerificationResult:
    """Return the status of a verification link without changing anything."""
    owner = _owner(database, token)
    if owner is None:
        return VerificationResult(partner_name=None, state=tokens.LinkState.INVALID)
    with database.read(partner_id=owner.partner_id) as session:
        row = tokens.find(session, TokenPurpose.VERIFY_CLIENT, token)
        state = _state(session, row, owner.client_id)
    return VerificationResult(partner_name=owner.partner_name, state=state)


def verify(database: Database, token: str) -> VerificationResult:
    """Set the client's ``verified`` flag through the clients operation the API uses.

    Verifying again through a link that already verified the client reports success without
    changing anything.
    """
    owner = _owner(database, token)
    if owner is None:
        return VerificationResult(partner_name=None, state=tokens.LinkState.INVALID)

    with database.write(partner_id=owner.partner_id) as session:
        row = tokens.find(session, TokenPurpose.VERIFY_CLIENT, token)
        state = _state(session, row, owner.client_id)
        if state is tokens.LinkState.PENDING:
            assert row is not None
            clients.update_client(session, owner.client_id, ClientUpdate(verified=True))
            row.used = utcnow()
            log.info("client.email_verified", client_id=owner.client_id)
            state = tokens.LinkState.DONE
    return VerificationResult(partner_name=owner.partner_name, state=state)
