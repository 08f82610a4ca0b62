"""Issuing, revoking and verifying API keys.

A key reads ``mek_<environment>_<key id>_<secret>``: the environment prefix lets a key used on
the wrong deployment get a precise error, and ``mek_<environment>_<key id>`` is stored in the
clear as the key's public prefix. The secret is stored only as HMAC-SHA256 under the
deployment's secret key: verifying takes microseconds, and a leaked table does not reveal keys.
"""

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.api_keys.models import ApiKey
from myengine.audit.operations import record_event
from myengine.clock import utcnow
from myengine.settings import Environment

log = structlog.get_logger()

KEY_PATTERN = re.compile(
    r"^mek_(?P<environment>[a-z]+)_(?P<key_id>[0-9a-f]{12})_(?P<secret>[0-9a-f]{48})$"
)


@dataclass(frozen=True)
class IssuedKey:
    id: int
    prefix: str
    secret: str  # the whole key, shown once


@dataclass(frozen=True)
class ParsedKey:
    environment: str
    prefix: str
    secret: str


def parse_key(raw: str) -> ParsedKey | None:
    match = KEY_PATTERN.match(raw)
    if match is None:
        return None
    prefix = f"mek_{match['environment']}_{match['key_id']}"
    return ParsedKey(environment=match["environment"], prefix=prefix, secret=match["secret"])


def hash_secret(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def secret_matches(pepper: bytes, secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(pepper, secret), stored_hash)


def issue_key(
    session: Session,
    *,
    partner_id: int,
    environment: Environment,
    pepper: bytes,
    note: str = "",
    expires: dt.datetime | None = None,
) -> IssuedKey:
    prefix = f"mek_{environment.value}_{secrets.token_hex(6)}"
    secret = secrets.token_hex(24)
    key = ApiKey(
        partner_id=partner_id,
        prefix=prefix,
        secret_hash=hash_secret(pepper, secret),
        environment=environment.value,
        note=note,
        created=utcnow(),
        expires=expires,
    )
    session.add(key)
    session.flush()
    record_event(session, action="api_key.issued", subject_type="api_key", subject_id=key.id,
                 partner_id=partner_id, details={"key_prefix": prefix})
    log.info("api_key.issued", partner_id=partner_id, api_key_id=key.id, key_prefix=prefix)
    return IssuedKey(id=key.id, prefix=prefix, secret=f"{prefix}_{secret}")


def revoke_key(session: Session, *, partner_id: int, prefix: str) -> ApiKey | None:
    key = session.scalar(
        select(ApiKey).where(ApiKey.partner_id == partner_id, ApiKey.prefix == prefix)
    )
    if key is None:
        return None
    if key.revoked is None:
        key.revoked = utcnow()
        record_event(session, action="api_key.revoked", subject_type="api_key",
                     subject_id=key.id, partner_id=partner_id, details={"key_prefix": prefix})
        log.info("api_key.revoked", partner_id=partner_id, api_key_id=key.id, key_prefix=prefix)
    return key


def list_keys(session: Session, *, partner_id: int) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.partner_id == partner_id).order_by(ApiKey.id))
    )
