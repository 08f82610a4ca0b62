"""Queueing the verification mail, whose link a new client follows to confirm its address.

``clients.operations.create_client`` calls this for every client it creates, through the API
or the portal; the mail itself is sent by the ``client.verification_mail`` job handler.
"""

from sqlalchemy.orm import Session

from myengine.clients.models import Client
from myengine.jobs.queue import enqueue

CLIENT_VERIFICATION_JOB = "client.verification_mail"


def queue_verification_mail(session: Session, client: Client) -> None:
    """Queue the mail for a client that has an address and is not yet verified."""
    if client.verified or not client.email or client.is_partner:
        return
    enqueue(session, CLIENT_VERIFICATION_JOB,
            {"client_id": client.id, "partner_id": client.partner_id},
            dedup_key=f"{CLIENT_VERIFICATION_JOB}:{client.id}")
