"""Anonymisation: the irreversible erasure of a deleted client's personal data."""

import datetime as dt
import enum
import json
import re
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from myengine.audit.operations import record_event
from myengine.clients.models import Client, ClientStatus
from myengine.clock import utcnow
from myengine.idempotency.models import IdempotencyKey
from myengine.live_services.models import LiveService, ServiceStatus
from myengine.portal.models import EmailToken

log = structlog.get_logger()

PLACEHOLDER = "anonymised-<client id>"
NULL = "null"
TEXT_REMOVED = "text and list values removed, numbers and flags kept"

# Replacement of each personal field of a client; ``anonymise_client`` gives the reasons.
CLIENT_FIELD_REPLACEMENTS: dict[str, str] = {
    "username": PLACEHOLDER,
    "email": NULL,
    "title": NULL,
    "firstname": NULL,
    "surname": NULL,
    "company": NULL,
    "phone": NULL,
    "address1": NULL,
    "address2": NULL,
    "city": NULL,
    "region": NULL,
    "postcode": NULL,
    "country": NULL,
    "external_userid": NULL,
}

# Replacement of each identifying field of the client's live services.
LIVE_SERVICE_FIELD_REPLACEMENTS: dict[str, str] = {
    "domain": NULL,
    "whmcs_service_id": NULL,
    "smtp_password_hash": NULL,
    "attributes": TEXT_REMOVED,
}

PERSONAL_FIELDS = tuple(CLIENT_FIELD_REPLACEMENTS)


class Outcome(enum.StrEnum):
    ANONYMISED = "anonymised"
    ALREADY_ANONYMISED = "already_anonymised"
    NOT_DELETED = "not_deleted"
    NOT_DUE = "not_due"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class AnonymisationResult:
    outcome: Outcome
    client: Client | None = None
    live_services_terminated: int = 0


def anonymise_client(session: Session, client_id: int) -> AnonymisationResult:
    """Erase the personal data of deleted client ``client_id`` once its grace period is over.

    Runs in the caller's transaction with the client row locked. A client that is already
    anonymised, not deleted (restored in the meantime), not yet due or missing is left as
    it is, so running this twice changes nothing the second time.

    Client personal fields, each replaced without any trace of the old value (no hash, no
    lookup table):

    - ``username``: replaced with ``anonymised-<client id>``. Integrations display a
      username for every client, and the placeholder carries only the id the partner
      already holds.
    - ``email``: NULL.
    - ``title``: NULL.
    - ``firstname``: NULL.
    - ``surname``: NULL.
    - ``company``: NULL. A sole trader's company name is the person's name.
    - ``phone``: NULL.
    - ``address1``: NULL.
    - ``address2``: NULL.
    - ``city``: NULL.
    - ``region``: NULL.
    - ``postcode``: NULL.
    - ``country``: NULL. With the rest of the address gone it adds little, but it is part
      of the address the person gave.
    - ``external_userid``: NULL. It is the partner's own id for the person and leads back
      to them through the partner's systems.

    Kept on the client record: ``id``, ``partner_id``, ``verified``, ``created``,
    ``deleted`` and ``anonymise_after``, because live services and ledger entries refer to
    the client and the partner keeps its history. ``active`` stays 0,
    ``client_status_id`` becomes 4, and ``anonymised`` and ``modified`` get the current time.

    The client's live services: a service not yet deleted is terminated (``status``
    ``deleted``), because it has been suspended since the client's deletion and cannot
    run for a person the platform no longer has on record. On every service of the client:

    - ``domain``: NULL. A domain name can name the person, and its registration leads to them.
    - ``whmcs_service_id``: NULL. It is the partner's billing reference for the person.
    - ``smtp_password_hash``: NULL. The service is terminated, so its SMTP credential has
      no further use and is removed rather than kept.
    - ``attributes``: text and list values removed, numbers and flags kept. Text settings
      (SMTP user names, master server addresses, host names) can identify the person;
      counts and limits cannot.

    Kept on each service: ``id``, ``client_id``, ``product``, ``service_name``, ``status``,
    its timestamps and its suspension history. Credit ledger entries, audit events and job
    rows contain ids, amounts and codes only, so nothing in them is erased.

    Stored responses of writes sent with an ``Idempotency-Key`` that name the client (its
    own path, or a response body about it or one of its services) are deleted with their
    key. They repeat the personal fields as they were, and a replay must not bring them
    back. Others expire after a day and the retention sweep deletes them.

    The client's email verification tokens are deleted: each stores a SHA-256 digest of the
    address the link went to, and a hash of an erased value must not survive it.
    """
    client = session.scalar(select(Client).where(Client.id == client_id).with_for_update())
    if client is None or client.is_partner:
        return AnonymisationResult(Outcome.NOT_FOUND)
    if client.anonymised is not None:
        return AnonymisationResult(Outcome.ALREADY_ANONYMISED, client)
    if client.deleted is None:
        return AnonymisationResult(Outcome.NOT_DELETED, client)
    now = utcnow()
    if client.anonymise_after is not None and client.anonymise_after > now:
        return AnonymisationResult(Outcome.NOT_DUE, client)

    for field, replacement in CLIENT_FIELD_REPLACEMENTS.items():
        setattr(client, field, _placeholder(client) if replacement == PLACEHOLDER else None)
    client.active = False
    client.client_status_id = ClientStatus.ANONYMISED
    client.anonymised = now
    client.modified = now

    terminated = _anonymise_services(session, client, now)
    forgotten = _forget_stored_responses(session, client, now)
    session.execute(
        delete(EmailToken)
        .where(EmailToken.client_id == client.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()

    record_event(
        session,
        action="client.anonymised",
        subject_type="client",
        subject_id=client.id,
        partner_id=client.partner_id,  # type: ignore[arg-type]
        details={"fields": list(CLIENT_FIELD_REPLACEMENTS), "live_services_terminated": terminated},
    )
    log.info("client.anonymised", client_id=client.id, partner_id=client.partner_id,
             live_services_terminated=terminated, stored_responses_deleted=forgotten)
    return AnonymisationResult(Outcome.ANONYMISED, client, terminated)


def _placeholder(client: Client) -> str:
    return PLACEHOLDER.replace("<client id>", str(client.id))


def _anonymise_services(session: Session, client: Client, now: dt.datetime) -> int:
    terminated = 0
    services = session.scalars(
        select(LiveService).where(LiveService.client_id == client.id).order_by(LiveService.id)
    )
    for service in services:
        was_running = service.deleted is None
        if was_running:
            service.status = ServiceStatus.DELETED
            service.deleted = now
            terminated += 1
        for field, replacement in LIVE_SERVICE_FIELD_REPLACEMENTS.items():
            if replacement == NULL:
                setattr(service, field, None)
        service.attributes = numbers_and_flags(service.attributes or {})
        service.modified = now
        record_event(
            session,
            action="live_service.anonymised",
            subject_type="live_service",
            subject_id=service.id,
            partner_id=service.partner_id,
            details={"client_id": client.id, "terminated": was_running,
                     "fields": list(LIVE_SERVICE_FIELD_REPLACEMENTS)},
        )
    return terminated


def _forget_stored_responses(session: Session, client: Client, now: dt.datetime) -> int:
    """Delete the partner's unexpired idempotency keys whose request or response names the client."""
    rows = session.scalars(
        select(IdempotencyKey).where(
            IdempotencyKey.partner_id == client.partner_id, IdempotencyKey.expires > now
        )
    )
    forgotten = 0
    for row in rows:
        if _names_client(row, client.id):
            session.delete(row)
            forgotten += 1
    return forgotten


def _names_client(row: IdempotencyKey, client_id: int) -> bool:
    if re.search(rf"/clients/{client_id}(?:[/?]|$)", row.path):
        return True
    if not row.response_body:
        return False
    try:
        body = json.loads(row.response_body)
    except ValueError:
        return False
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return False
    if data.get("client_id") == client_id:
        return True
    return data.get("id") == client_id and "/clients" in row.path


def numbers_and_flags(attributes: dict[str, Any]) -> dict[str, Any]:
    """Keep the numeric and boolean settings of a service; drop text, lists and objects."""
    return {
        name: value
        for name, value in attributes.items()
        if value is None or isinstance(value, (bool, int, float))
    }
