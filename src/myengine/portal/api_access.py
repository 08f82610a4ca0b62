"""The partner's API settings as the portal changes them: access, source networks and keys.

Each change goes through the partners and API-key operations and records an audit event.
"""

import datetime as dt
import enum
from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session

from myengine.api_keys import operations as keys
from myengine.api_keys.models import ApiKey
from myengine.clock import utcnow
from myengine.partners import operations as partners
from myengine.partners.models import AllowedNetwork
from myengine.portal.audit_trail import record
from myengine.settings import Environment

log = structlog.get_logger()

# How long a rotated key keeps working next to its replacement, as offered in the portal.
OVERLAP_CHOICES = {
    "1h": dt.timedelta(hours=1),
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}


class ApiSettingsError(ValueError):
    """A value the partner entered cannot be used; the message explains how to fix it."""


class NetworkNotFound(ApiSettingsError):
    """The partner has no allowed network with the id in the form's address."""


class KeyState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


def key_state(key: ApiKey, now: dt.datetime) -> KeyState:
    if key.revoked is not None and key.revoked <= now:
        return KeyState.REVOKED
    if key.expires is not None:
        return KeyState.EXPIRED if key.expires <= now else KeyState.EXPIRING
    return KeyState.ACTIVE


def set_api_access(session: Session, partner_id: int, *, enabled: bool) -> None:
    partner = partners.get_partner(session, partner_id)
    if partner.api_enabled == enabled:
        return
    partners.set_api_access(session, partner_id, enabled=enabled)


def add_network(session: Session, partner_id: int, *, cidr: str, note: str) -> AllowedNetwork:
    """Allow calls from ``cidr`` (IPv4 or IPv6, host bits are cleared) with a note."""
    note = _checked_note(note)
    if not cidr.strip():
        raise ApiSettingsError("Enter a network such as 192.0.2.0/24 or 2001:db8::/48.")
    try:
        normalised = partners.normalise_cidr(cidr)
    except partners.PartnerError:
        raise ApiSettingsError(
            f"{cidr.strip()!r} is not an IPv4 or IPv6 network; write it like 192.0.2.0/24, "
            "2001:db8::/48, or a single address such as 192.0.2.10."
        ) from None
    if any(network.cidr == normalised for network in partners.list_networks(session, partner_id)):
        raise ApiSettingsError(f"{normalised} is already in the list.")

    return partners.add_network(session, partner_id, normalised, note)


def change_network_note(session: Session, partner_id: int, *, network_id: int,
                        note: str) -> AllowedNetwork:
    network = _get_network(session, partner_id, network_id)
    partners.set_network_note(session, partner_id, network.cidr, _checked_note(note))
    return network


def _checked_note(note: str) -> str:
    """Return the note stripped, as ``partners.checked_note`` does, raising ApiSettingsError."""
    try:
        return partners.checked_note(note)
    except partners.PartnerError as exc:
        message = str(exc)
        raise ApiSettingsError(f"{message[0].upper()}{message[1:]}.") from None


def _get_network(session: Session, partner_id: int, network_id: int) -> AllowedNetwork:
    network = next(
        (n for n in partners.list_networks(session, partner_id) if n.id == network_id), None
    )
    if network is None:
        raise NetworkNotFound(f"No allowed network {network_id} exists; reload the page.")
    return network


def remove_network(session: Session, partner_id: int, *, network_id: int) -> AllowedNetwork:
    network = _get_network(session, partner_id, network_id)
    partners.remove_network(session, partner_id, network.cidr)
    return network


def create_key(session: Session, partner_id: int, *, note: str, environment: Environment,
               pepper: bytes) -> keys.IssuedKey:
    # A key's note column has the same length as a network's.
    return keys.issue_key(session, partner_id=partner_id, environment=environment,
                          pepper=pepper, note=_checked_note(note))


@dataclass(frozen=True)
class Rotation:
    replacement: keys.IssuedKey
    old_prefix: str
    old_expires: dt.datetime


def rotate_key(session: Session, partner_id: int, *, key_id: int, overlap: dt.timedelta,
               environment: Environment, pepper: bytes, portal_user_id: int) -> Rotation:
    """Issue a replacement key and let the old one work until ``overlap`` from now.

    The old key's ``expires`` is set to the end of the overlap, or kept when it already ends
    sooner. A revoked or expired key cannot be rotated: create a new key instead.
    """
    old = _get_key(session, partner_id, key_id)
    now = utcnow()
    state = key_state(old, now)
    if state in (KeyState.REVOKED, KeyState.EXPIRED):
        raise ApiSettingsError(
            f"Key {old.prefix} is {state.value}, so it cannot be rotated; create a new key."
        )

    replacement = keys.issue_key(session, partner_id=partner_id, environment=environment,
                                 pepper=pepper, note=old.note)
    window_end = now + overlap
    if old.expires is None or old.expires > window_end:
        old.expires = window_end
    session.flush()
    record(session, action="api_key.rotated", subject_type="api_key", subject_id=old.id,
           partner_id=partner_id, portal_user_id=portal_user_id, key_prefix=old.prefix,
           replacement_key_id=replacement.id, replacement_key_prefix=replacement.prefix,
           expires=old.expires)
    log.info("api_key.rotated", partner_id=partner_id, api_key_id=old.id,
             replacement_key_id=replacement.id)
    return Rotation(replacement=replacement, old_prefix=old.prefix, old_expires=old.expires)


def revoke_key(session: Session, partner_id: int, *, key_id: int) -> ApiKey:
    """Revoke the key at once; a key already revoked stays as it is."""
    key = _get_key(session, partner_id, key_id)
    if key.revoked is not None:
        return key
    keys.revoke_key(session, partner_id=partner_id, prefix=key.prefix)
    return key


def _get_key(session: Session, partner_id: int, key_id: int) -> ApiKey:
    key = next((k for k in keys.list_keys(session, partner_id=partner_id) if k.id == key_id), None)
    if key is None:
        raise ApiSettingsError(f"No API key {key_id} exists; reload the page.")
    return key
