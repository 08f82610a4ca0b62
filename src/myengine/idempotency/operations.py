"""Claiming, completing and releasing idempotency keys.

Every function takes a session scoped to the calling partner (``db.tenancy``), so keys are
per partner: two partners may send the same key without meeting. The caller commits.
"""

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from myengine.db.tenancy import session_partner_id
from myengine.errors import IdempotencyKeyInProgress, IdempotencyKeyReused, InvalidIdempotencyKey
from myengine.idempotency.models import IdempotencyKey, KeyState

log = structlog.get_logger()

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEY_LIFETIME = dt.timedelta(hours=24)
# A claim this old belongs to a request that died before storing its response, such as one
# on a crashed worker. The next request with the key takes the claim over and runs.
STALE_CLAIM_AFTER = dt.timedelta(minutes=5)
IN_PROGRESS_RETRY_AFTER_SECONDS = "1"

_KEY = re.compile(rf"^[\x20-\x7e]{{1,{MAX_KEY_LENGTH}}}$")
# Headers that describe one transmission rather than the response itself.
_UNSTORED_HEADERS = frozenset({"content-length", "date", "server", "x-request-id"})


@dataclass(frozen=True)
class Claim:
    """The right to run one write, held until its response is stored or the claim released."""

    partner_id: int
    key_id: int
    lock_token: str


@dataclass(frozen=True)
class StoredResponse:
    """The response of an earlier request with the same key, to be sent again unchanged."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def validate_key(raw: str) -> str:
    """Return the key, or raise ``InvalidIdempotencyKey`` naming what is wrong with it."""
    if not _KEY.match(raw) or raw != raw.strip():
        raise InvalidIdempotencyKey(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters without "
            f"leading or trailing spaces (this one has {len(raw)}); send a fresh UUID such as "
            f"{uuid.uuid4()}."
        )
    return raw


def fingerprint(method: str, url: str, body: bytes) -> str:
    """Hash what makes two requests "the same": method, path with query, and body.

    A JSON body is hashed in canonical form (sorted keys, no insignificant white space), so a
    client that re-serialises the same object on a retry still matches.
    """
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), url.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def claim(
    session: Session, *, key: str, method: str, url: str, fingerprint: str, now: dt.datetime
) -> Claim | StoredResponse:
    """Claim ``key`` for this request, or return the response stored for it.

    Raises ``IdempotencyKeyReused`` when the key was used for a different request, and
    ``IdempotencyKeyInProgress`` while another request has a live claim on it.
    """
    partner_id = session_partner_id(session)
    assert partner_id is not None, "idempotency keys need a partner-scoped session"

    session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.expires <= now)
        .execution_options(synchronize_session=False)
    )

    row = _find(session, key)
    if row is None:
        row = _insert(session, partner_id, key, method, url, fingerprint, now)
        if row is not None:
            log.info("idempotency.claimed", idempotency_key_id=row.id)
            return Claim(partner_id, row.id, row.lock_token or "")
        # Another request inserted the key between our SELECT and INSERT.
        row = _find(session, key)
        assert row is not None, "a conflicting idempotency key vanished inside a transaction"

    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"{HEADER} {key!r} was already used for another request ({row.method} {row.path} "
            "with its own body); repeat that request unchanged, or send a new key for a new "
            "request."
        )

    if row.state == KeyState.COMPLETED:
        log.info("idempotency.replayed", idempotency_key_id=row.id)
        return StoredResponse(
            status=row.response_status or 200,
            headers=[(name, value) for name, value in row.response_headers or []],
            body=row.response_body or b"",
        )

    if row.locked_at is not None and now - row.locked_at < STALE_CLAIM_AFTER:
        raise IdempotencyKeyInProgress(
            f"A request with {HEADER} {key!r} is still being processed; retry after "
            f"{IN_PROGRESS_RETRY_AFTER_SECONDS} second to receive its response.",
            headers={"Retry-After": IN_PROGRESS_RETRY_AFTER_SECONDS},
        )

    row.lock_token = secrets.token_hex(16)
    row.locked_at = now
    log.warning("idempotency.stale_claim_taken_over", idempotency_key_id=row.id)
    return Claim(partner_id, row.id, row.lock_token)


def complete(
    session: Session, held_claim: Claim, *, status: int, headers: list[tuple[str, str]], body: bytes
) -> bool:
    """Store the response of the request holding ``held_claim``; False if it lost the claim."""
    row = _held_row(session, held_claim)
    if row is None:
        log.warning("idempotency.claim_lost", idempotency_key_id=held_claim.key_id)
        return False

    row.state = KeyState.COMPLETED
    row.lock_token = None
    row.locked_at = None
    row.response_status = status
    row.response_headers = [
        [name, value] for name, value in headers if name.lower() not in _UNSTORED_HEADERS
    ]
    row.response_body = body
    log.info("idempotency.stored", idempotency_key_id=row.id, status=status)
    return True


def release(session: Session, held_claim: Claim) -> None:
    """Forget the key, so that a retry of a failed request runs again."""
    row = _held_row(session, held_claim)
    if row is not None:
        session.delete(row)
        log.info("idempotency.released", idempotency_key_id=held_claim.key_id)


def _find(session: Session, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key).with_for_update())


def _insert(
    session: Session,
    partner_id: int,
    key: str,
    method: str,
    url: str,
    fingerprint: str,
    now: dt.datetime,
) -> IdempotencyKey | None:
    row = IdempotencyKey(
        partner_id=partner_id,
        key=key,
        method=method.upper(),
        path=url[:2048],
        fingerprint=fingerprint,
        state=KeyState.IN_PROGRESS,
        lock_token=secrets.token_hex(16),
        locked_at=now,
        created=now,
        expires=now + KEY_LIFETIME,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _held_row(session: Session, held_claim: Claim) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey)
        .where(
            IdempotencyKey.id == held_claim.key_id,
            IdempotencyKey.lock_token == held_claim.lock_token,
        )
        .with_for_update()
    )
