"""Clients confirming their email address through the link in their verification mail.

The mail (``portal.mail_jobs``) and the page behind the link carry the partner's name, not
the platform's.
"""

from dataclasses import dataclass

import structlog

from myengine.clients import operations as clients
from myengine.clients.schemas import ClientUpdate
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.errors import ApiError
from myengine.partners.models import Partner
from myengine.portal import tokens
from myengine.portal.models import TokenPurpose

log = structlog.get_logger()


@dataclass(frozen=True)
class VerificationResult:
    partner_name: str | None
    verified: bool


def verify(database: Database, token: str) -> VerificationResult:
    """Set the client's ``verified`` flag through the clients operation the API uses.

    The link may be opened many times (mail scanners fetch links too): once the client is
    verified, opening it again reports success without changing anything.
    """
    with database.read(operator=True) as session:
        row = tokens.find(session, TokenPurpose.VERIFY_CLIENT, token)
        if row is None or row.client_id is None:
            return VerificationResult(partner_name=None, verified=False)
        partner_id, client_id = row.partner_id, row.client_id
        partner = session.get(Partner, partner_id)
        partner_name = partner.name if partner else None

    with database.write(partner_id=partner_id) as session:
        row = tokens.find(session, TokenPurpose.VERIFY_CLIENT, token)
        try:
            client = clients.get_client(session, client_id)
        except ApiError:
            return VerificationResult(partner_name=partner_name, verified=False)
        if client.verified and row is not None and row.used is not None:
            return VerificationResult(partner_name=partner_name, verified=True)
        if row is None or client.deleted is not None or not tokens.is_usable(row, email=client.email):
            return VerificationResult(partner_name=partner_name, verified=False)

        clients.update_client(session, client_id, ClientUpdate(verified=True))
        row.used = row.used or utcnow()
        log.info("client.email_verified", client_id=client_id)
    return VerificationResult(partner_name=partner_name, verified=True)
