"""Client lifecycle: create, read, list, edit, suspend, re-enable and delete.

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
from myengine.clients.models import Client, ClientStatus
from myengine.clients.schemas import ClientCreate, ClientUpdate
from myengine.clock import utcnow
from myengine.db.tenancy import session_partner_id
from myengine.errors import (
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
            log.info("client.enabled", client_id=client.id)
        return

    suspended = suspend_client_services(session, client.id, SuspensionCause.CLIENT_SUSPENDED)
    if client.client_status_id != ClientStatus.SUSPENDED or client.active:
        client.active = False
        client.client_status_id = ClientStatus.SUSPENDED
        client.modified = now
    log.info("client.suspended", client_id=client.id, services_suspended=suspended)


def grace_period(session: Session, default_days: int) -> dt.timedelta:
    partner = session.get(Partner, _partner_id(session))
    days = partner.retention_grace_days if partner and partner.retention_grace_days is not None else default_days
    return dt.timedelta(days=days)


def delete_client(session: Session, client_id: int, *, grace: dt.timedelta) -> Client:
    """Disable the client, suspend its services and schedule its anonymisation.

    A client already deleted (or anonymised) is returned unchanged, so a retried DELETE
    answers the same representation.
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
    log.info(
        "client.deleted",
        client_id=client.id,
        services_suspended=suspended,
        anonymise_after=client.anonymise_after.isoformat(),
    )
    return client
