"""Client lifecycle: create, read, list, edit, suspend, re-enable, delete and restore.

Every function takes a session scoped to the calling partner (``db.tenancy``), so another
partner's client is simply not found.
"""

import datetime as dt
from dataclasses import dataclass

import structlog
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from myengine.api.listing import PageRequest, SearchField, keyset, split_page
from myengine.audit.operations import record_event
from myengine.clients.models import Client, ClientStatus
from myengine.clients.schemas import ClientCreate, ClientUpdate
from myengine.clock import utcnow
from myengine.db.tenancy import session_partner_id
from myengine.errors import (
    ClientAnonymised,
    ClientDeleted,
    ClientNotFound,
    ExternalUseridTaken,
    PartnerRecordReadOnly,
    UsernameTaken,
    ValidationFailed,
)
from myengine.live_services.models import SuspensionCause
from myengine.live_services.suspensions import suspend_client_services
from myengine.partners.models import Partner
from myengine.portal.verification_requests import queue_verification_mail
from myengine.retention import operations as retention
from myengine.settings import Settings

log = structlog.get_logger()

SEARCHABLE = {
    "id": SearchField(Client.id, int),
    "external_userid": SearchField(Client.external_userid, str),
    "username": SearchField(Client.username, str),
    "email": SearchField(Client.email, str),
    "firstname": SearchField(Client.firstname, str),
    "surname": SearchField(Client.surname, str),
    "company": SearchField(Client.company, str),
    "city": SearchField(Client.city, str),
    "region": SearchField(Client.region, str),
    "postcode": SearchField(Client.postcode, str),
    "country": SearchField(Client.country, str),
    "active": SearchField(Client.active, int),
    "verified": SearchField(Client.verified, int),
    "client_status_id": SearchField(Client.client_status_id, int),
}


@dataclass(frozen=True)
class ClientPage:
    clients: list[Client]
    has_more: bool
    next_cursor: str | None


def _partner_id(session: Session) -> int:
    partner_id = session_partner_id(session)
    assert partner_id is not None, "client operations need a partner-scoped session"
    return partner_id


def get_client(session: Session, client_id: int, *, for_update: bool = False) -> Client:
    """Return the partner's client, or the partner's own record when ``client_id`` is its id."""
    statement = select(Client).where(Client.id == client_id)
    if for_update:
        statement = statement.with_for_update()
    client = session.scalar(statement)
    if client is None:
        raise ClientNotFound(
            f"No client {client_id} exists under partner {_partner_id(session)}; "
            "check the id, or list your clients with GET /clients."
        )
    return client


def get_self(session: Session) -> tuple[Client, int]:
    partner_id = _partner_id(session)
    record = get_client(session, partner_id)
    partner = session.get(Partner, partner_id)
    assert partner is not None
    return record, partner.credit_balance


def credit_balance(session: Session) -> int:
    partner = session.get(Partner, _partner_id(session))
    assert partner is not None
    return partner.credit_balance


def list_clients(session: Session, conditions: list, page: PageRequest) -> ClientPage:
    statement: Select = select(Client).where(Client.is_partner.is_(False), *conditions)
    rows = list(session.scalars(keyset(statement, Client.id, page)))
    clients, has_more, next_cursor = split_page(rows, page, lambda client: client.id)
    return ClientPage(clients, has_more, next_cursor)


def _audit(session: Session, client: Client, action: str, **details: object) -> None:
    record_event(
        session,
        action=action,
        subject_type="client",
        subject_id=client.id,
        partner_id=_partner_id(session),
        details=details,
    )


def _editable(session: Session, client_id: int) -> Client:
    client = get_client(session, client_id, for_update=True)
    if client.is_partner:
        raise PartnerRecordReadOnly(
            f"Client {client_id} is your own partner record; it cannot be changed through "
            "/clients."
        )
    return client


def _check_unique(session: Session, *, username: str | None, external_userid: str | None,
                  exclude_id: int | None) -> None:
    live = [Client.deleted.is_(None), Client.is_partner.is_(False)]
    if exclude_id is not None:
        live.append(Client.id != exclude_id)
    if username is not None:
        clash = session.scalar(select(Client.id).where(Client.username == username, *live))
        if clash is not None:
            raise UsernameTaken(
                f"Username {username!r} is already used by client {clash}; choose another, or "
                "delete that client first.",
                details={"field": "username", "client_id": clash},
            )
    if external_userid is not None:
        clash = session.scalar(
            select(Client.id).where(Client.external_userid == external_userid, *live)
        )
        if clash is not None:
            raise ExternalUseridTaken(
                f"external_userid {external_userid!r} is already used by client {clash}; "
                "choose another, or delete that client first.",
                details={"field": "external_userid", "client_id": clash},
            )


def _flush_unique(session: Session, body_username: str | None, body_external: str | None) -> None:
    """Flush, turning a unique-index race with a concurrent request into the usual 409."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        constraint = str(exc.orig)
        if "external_userid" in constraint:
            raise ExternalUseridTaken(
                f"external_userid {body_external!r} is already used by another client; "
                "choose another.",
                details={"field": "external_userid"},
            ) from None
        raise UsernameTaken(
            f"Username {body_username!r} is already used by another client; choose another.",
            details={"field": "username"},
        ) from None


def create_client(session: Session, body: ClientCreate) -> Client:
    partner_id = _partner_id(session)
    _check_unique(session, username=body.username, external_userid=body.external_userid,
                  exclude_id=None)

    now = utcnow()
    client = Client(
        partner_id=partner_id,
        is_partner=False,
        **body.model_dump(exclude={"active", "verified"}),
        active=body.active,
        verified=bool(body.verified),
        client_status_id=ClientStatus.ACTIVE if body.active else ClientStatus.SUSPENDED,
        created=now,
        modified=now,
    )
    session.add(client)
    _flush_unique(session, body.username, body.external_userid)
    _audit(session, client, "client.created")
    queue_verification_mail(session, client)
    log.info("client.created", client_id=client.id)
    return client


def update_client(session: Session, client_id: int, body: ClientUpdate) -> Client:
    client = _editable(session, client_id)
    if client.deleted is not None:
        raise ClientDeleted(
            f"Client {client_id} is deleted, so it cannot be edited; restore it first or "
            "create a new client."
        )

    changes = body.model_dump(exclude_unset=True)
    for required in ("username", "email"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(
                f"Field {required!r} cannot be null; send a value or leave it out.",
                details={"field": required},
            )
    _check_unique(
        session,
        username=changes.get("username"),
        external_userid=changes.get("external_userid"),
        exclude_id=client.id,
    )

    active = changes.pop("active", None)
    for name, value in changes.items():
        setattr(client, name, value)
    if active is not None:
        _set_enabled(session, client, enabled=active)
    client.modified = utcnow()
    _flush_unique(session, changes.get("username"), changes.get("external_userid"))
    changed = sorted([*changes, "active"] if active is not None else changes)
    _audit(session, client, "client.updated", fields=changed)
    log.info("client.updated", client_id=client.id, fields=changed)
    return client


def set_enabled(session: Session, client_id: int, *, enabled: bool) -> Client:
    """Suspend (and suspend every live service) or re-enable the client alone."""
    client = _editable(session, client_id)
    if client.deleted is not None:
        raise ClientDeleted(
            f"Client {client_id} is deleted, so it cannot be "
            f"{'re-enabled' if enabled else 'suspended'}; restore it first."
        )
    _set_enabled(session, client, enabled=enabled)
    return client


def _set_enabled(session: Session, client: Client, *, enabled: bool) -> None:
    now = utcnow()
    if enabled:
        if client.client_status_id != ClientStatus.ACTIVE or not client.active:
            client.active = True
            client.client_status_id = ClientStatus.ACTIVE
            client.modified = now
            _audit(session, client, "client.enabled")
            log.info("client.enabled", client_id=client.id)
        return

    suspended = suspend_client_services(session, client.id, SuspensionCause.CLIENT_SUSPENDED)
    if client.client_status_id != ClientStatus.SUSPENDED or client.active:
        client.active = False
        client.client_status_id = ClientStatus.SUSPENDED
        client.modified = now
        _audit(session, client, "client.suspended", services_suspended=suspended)
    log.info("client.suspended", client_id=client.id, services_suspended=suspended)


def grace_period(session: Session, default_days: int) -> dt.timedelta:
    """Return the partner's grace period between deletion and anonymisation (0: at once)."""
    partner = session.get(Partner, _partner_id(session))
    days = partner.retention_grace_days if partner and partner.retention_grace_days is not None else default_days
    return dt.timedelta(days=days)


def delete_client(session: Session, client_id: int, *, grace: dt.timedelta) -> Client:
    """Disable the client, suspend its services and schedule its anonymisation.

    The anonymisation job is written in this transaction, so a committed delete always has
    one. A client already deleted (or anonymised) is returned unchanged, so a retried
    DELETE returns the same representation.
    """
    client = _editable(session, client_id)
    if client.deleted is not None:
        return client

    now = utcnow()
    suspended = suspend_client_services(session, client.id, SuspensionCause.CLIENT_DELETED)
    client.active = False
    client.client_status_id = ClientStatus.DELETED
    client.deleted = now
    client.anonymise_after = now + grace
    client.modified = now
    session.flush()
    retention.schedule_anonymisation(session, client)
    _audit(session, client, "client.deleted", services_suspended=suspended,
           anonymise_after=client.anonymise_after)
    log.info(
        "client.deleted",
        client_id=client.id,
        services_suspended=suspended,
        anonymise_after=client.anonymise_after.isoformat(),
    )
    return client


def preview_delete(
    session: Session, client_id: int, *, grace: dt.timedelta, settings: Settings
) -> dict:
    """Describe what deleting the client would do now, changing nothing."""
    client = _editable(session, client_id)
    return retention.describe_delete(session, client, grace=grace, settings=settings)


def restore_client(session: Session, client_id: int) -> Client:
    """Bring back a deleted client that is not yet anonymised, and cancel its anonymisation.

    The client is re-enabled. Its services keep the suspension the deletion gave them until
    the partner lifts it service by service. A client that is not deleted is returned
    unchanged, so a retried restore returns the same representation.
    """
    client = _editable(session, client_id)
    if client.anonymised is not None:
        raise ClientAnonymised(
            f"Client {client_id} was anonymised at {client.anonymised.isoformat()}, so its "
            "personal data is gone and it cannot be restored; create a new client instead."
        )
    if client.deleted is None:
        return client

    _check_restorable(session, client)
    now = utcnow()
    client.deleted = None
    client.anonymise_after = None
    client.active = True
    client.client_status_id = ClientStatus.ACTIVE
    client.modified = now
    _flush_unique(session, client.username, client.external_userid)
    cancelled = retention.cancel_anonymisation(session, client)
    _audit(session, client, "client.restored", anonymisations_cancelled=cancelled)
    log.info("client.restored", client_id=client.id, anonymisations_cancelled=cancelled)
    return client


def _check_restorable(session: Session, client: Client) -> None:
    """Raise a 409 naming the client created since with the same username or external id."""
    live = [Client.deleted.is_(None), Client.is_partner.is_(False), Client.id != client.id]
    clash = session.scalar(select(Client.id).where(Client.username == client.username, *live))
    if clash is not None:
        raise UsernameTaken(
            f"Client {client.id} cannot be restored because client {clash}, created since, "
            "has the same username; change that client's username or delete it, then retry.",
            details={"field": "username", "client_id": clash},
        )
    if client.external_userid is None:
        return
    clash = session.scalar(
        select(Client.id).where(Client.external_userid == client.external_userid, *live)
    )
    if clash is not None:
        raise ExternalUseridTaken(
            f"Client {client.id} cannot be restored because client {clash}, created since, "
            "has the same external_userid; change that client's external_userid or delete "
            "it, then retry.",
            details={"field": "external_userid", "client_id": clash},
        )


def erasure_receipt(session: Session, client_id: int, *, settings: Settings) -> dict:
    """What the client's deletion erased (or will erase) and what is kept, under which rule."""
    client = get_client(session, client_id)
    if client.is_partner:
        raise PartnerRecordReadOnly(
            f"Client {client_id} is your own partner record; it is never deleted, so it has "
            "no erasure receipt."
        )
    return retention.erasure_receipt(session, client, settings=settings)
