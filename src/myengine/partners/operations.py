"""Operator actions on partners: create, API access, allowed source networks."""

import ipaddress

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.api_keys.operations import IssuedKey, issue_key
from myengine.audit.operations import record_event
from myengine.clients.models import Client, ClientStatus
from myengine.clock import utcnow
from myengine.credits.operations import record_movement
from myengine.partners.models import AllowedNetwork, Partner
from myengine.settings import Environment

log = structlog.get_logger()


class PartnerError(ValueError):
    """An operator command got a value it cannot use; the message names it."""


def create_partner(
    session: Session,
    *,
    name: str,
    email: str,
    credits: int,
    environment: Environment,
    pepper: bytes,
) -> tuple[Partner, IssuedKey]:
    """Create a partner with API access on, its own client record, and a first API key."""
    partner = register_partner(session, name=name, email=email, credits=credits, api_enabled=True)
    key = issue_key(session, partner_id=partner.id, environment=environment, pepper=pepper)
    return partner, key


def register_partner(
    session: Session, *, name: str, email: str, credits: int, api_enabled: bool
) -> Partner:
    """Create a partner and its own client record, without any API key."""
    if not name.strip():
        raise PartnerError("--name must not be empty")
    if "@" not in email:
        raise PartnerError(f"--email {email!r} is not an email address")
    if credits < 0:
        raise PartnerError(f"--credits {credits} must be zero or more")

    now = utcnow()
    record = Client(
        is_partner=True,
        company=name,
        email=email,
        active=True,
        verified=True,
        client_status_id=ClientStatus.ACTIVE,
        created=now,
        modified=now,
    )
    session.add(record)
    session.flush()
    record.partner_id = record.id

    partner = Partner(
        id=record.id, name=name, email=email, api_enabled=api_enabled, credit_balance=0,
        created=now,
    )
    session.add(partner)
    session.flush()
    if credits:
        record_movement(session, partner, amount=credits, reason="grant")

    record_event(session, action="partner.created", subject_type="partner",
                 subject_id=partner.id, partner_id=partner.id, details={"api_enabled": api_enabled})
    log.info("partner.created", partner_id=partner.id, api_enabled=api_enabled)
    return partner


def get_partner(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise PartnerError(f"no partner {partner_id} exists; list them with 'partners list'")
    return partner


def set_api_access(session: Session, partner_id: int, *, enabled: bool) -> Partner:
    partner = get_partner(session, partner_id)
    if partner.api_enabled != enabled:
        action = "partner.api_access_enabled" if enabled else "partner.api_access_disabled"
        record_event(session, action=action, subject_type="partner", subject_id=partner_id,
                     partner_id=partner_id)
    partner.api_enabled = enabled
    log.info("partner.api_access_changed", partner_id=partner_id, enabled=enabled)
    return partner


def normalise_cidr(cidr: str) -> str:
    try:
        return str(ipaddress.ip_network(cidr.strip(), strict=False))
    except ValueError:
        raise PartnerError(
            f"{cidr!r} is not an IPv4 or IPv6 network; write it like 192.0.2.0/24 or 2001:db8::/32"
        ) from None


MAX_NOTE_LENGTH = 255


def checked_note(note: str) -> str:
    """Return the note without surrounding spaces; PartnerError when it is too long."""
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise PartnerError(
            f"the note is {len(note)} characters long; shorten it to at most "
            f"{MAX_NOTE_LENGTH} characters"
        )
    return note


def add_network(session: Session, partner_id: int, cidr: str, note: str = "") -> AllowedNetwork:
    get_partner(session, partner_id)
    normalised = normalise_cidr(cidr)
    note = checked_note(note)
    existing = session.scalar(
        select(AllowedNetwork).where(
            AllowedNetwork.partner_id == partner_id, AllowedNetwork.cidr == normalised
        )
    )
    if existing is not None:
        return existing
    network = AllowedNetwork(partner_id=partner_id, cidr=normalised, note=note, created=utcnow())
    session.add(network)
    session.flush()
    record_event(session, action="partner.network_added", subject_type="allowed_network",
                 subject_id=network.id, partner_id=partner_id, details=_network_details(normalised))
    log.info("partner.network_added", partner_id=partner_id, cidr=normalised)
    return network


def remove_network(session: Session, partner_id: int, cidr: str) -> bool:
    normalised = normalise_cidr(cidr)
    network = session.scalar(
        select(AllowedNetwork).where(
            AllowedNetwork.partner_id == partner_id, AllowedNetwork.cidr == normalised
        )
    )
    if network is None:
        return False
    record_event(session, action="partner.network_removed", subject_type="allowed_network",
                 subject_id=network.id, partner_id=partner_id, details=_network_details(normalised))
    session.delete(network)
    log.info("partner.network_removed", partner_id=partner_id, cidr=normalised)
    return True


def set_network_note(session: Session, partner_id: int, cidr: str,
                     note: str) -> AllowedNetwork | None:
    """Replace the note of the partner's allowed network ``cidr``; None when there is none."""
    normalised = normalise_cidr(cidr)
    note = checked_note(note)
    network = session.scalar(
        select(AllowedNetwork).where(
            AllowedNetwork.partner_id == partner_id, AllowedNetwork.cidr == normalised
        )
    )
    if network is None or network.note == note:
        return network
    network.note = note
    # The note is free text, so the event records that it changed, not its text.
    record_event(session, action="partner.network_note_changed", subject_type="allowed_network",
                 subject_id=network.id, partner_id=partner_id, details=_network_details(normalised))
    log.info("partner.network_note_changed", partner_id=partner_id, network_id=network.id)
    return network


def _network_details(cidr: str) -> dict[str, object]:
    # Audit details take no "/", so the network is recorded as its address and prefix length.
    address, _, prefix_length = cidr.partition("/")
    return {"network_address": address, "prefix_length": int(prefix_length)}


def list_networks(session: Session, partner_id: int) -> list[AllowedNetwork]:
    return list(
        session.scalars(
            select(AllowedNetwork)
            .where(AllowedNetwork.partner_id == partner_id)
            .order_by(AllowedNetwork.id)
        )
    )


def address_allowed(address: str, networks: list[str]) -> bool:
    """True when ``networks`` is empty or one of them contains ``address``."""
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(cidr) for cidr in networks)
