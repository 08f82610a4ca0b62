"""Request dependencies: the database sessions and the authenticated caller."""

import base64
import binascii
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.api.envelope import request_id
from myengine.api_keys.models import ApiKey
from myengine.api_keys.operations import parse_key, secret_matches
from myengine.audit.context import bind_api_actor
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.errors import (
    ApiAccessDisabled,
    ApiKeyExpired,
    ApiKeyRevoked,
    AuthenticationRequired,
    InvalidCredentials,
    RateLimited,
    SourceAddressNotAllowed,
    WrongEnvironmentKey,
)
from myengine.idempotency.dependency import IdempotencyKeyHeader, claim_idempotency_key
from myengine.partners.models import AllowedNetwork, Partner
from myengine.partners.operations import address_allowed
from myengine.settings import Settings

log = structlog.get_logger()

CHALLENGE = {"WWW-Authenticate": 'Basic realm="my-engine"'}
# last_used is written at most this often per key, so reads stay reads.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    partner_id: int
    api_key_id: int
    request_id: str


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def authenticate(request: Request) -> Caller:
    """Check HTTP Basic credentials, then the partner's API access and source networks.

    The database work runs in the thread pool. The log context is bound here, on the event
    loop, because every later step of the request runs in its own thread and inherits it.
    """
    caller = await run_in_threadpool(_authenticate, request)
    retry_after = request.app.state.rate_limiter.acquire(caller.partner_id)
    if retry_after is not None:
        raise RateLimited(
            f"Partner {caller.partner_id} sent more than "
            f"{request.app.state.rate_limiter.per_minute} requests a minute; retry after "
            f"{retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
    structlog.contextvars.bind_contextvars(
        partner_id=caller.partner_id, api_key_id=caller.api_key_id
    )
    bind_api_actor(caller.partner_id, caller.api_key_id, caller.request_id)
    return caller


def _authenticate(request: Request) -> Caller:
    settings = get_settings(request)
    database = get_database(request)
    partner_id, raw_key = _basic_credentials(request)

    key = parse_key(raw_key)
    if key is None:
        raise InvalidCredentials(
            "The API key is not in the my-engine key format; copy the whole key as issued.",
            headers=CHALLENGE,
        )
    if key.environment != settings.environment.value:
        raise WrongEnvironmentKey(
            f"This is a {key.environment} key and this is the {settings.environment.value} "
            f"deployment; use a {settings.environment.value} key here.",
            headers=CHALLENGE,
        )

    with database.read(operator=True) as session:
        row = session.execute(
            select(ApiKey, Partner.api_enabled)
            .join(Partner, Partner.id == ApiKey.partner_id)
            .where(ApiKey.prefix == key.prefix)
        ).one_or_none()
        pepper = request.app.state.pepper
        if row is None or row.ApiKey.partner_id != partner_id or not secret_matches(
            pepper, key.secret, row.ApiKey.secret_hash
        ):
            raise InvalidCredentials(
                f"Partner ID {partner_id} and this API key do not match; check both.",
                headers=CHALLENGE,
            )
        api_key: ApiKey = row.ApiKey
        now = utcnow()
        if api_key.revoked is not None and api_key.revoked <= now:
            raise ApiKeyRevoked(
                f"API key {api_key.prefix} was revoked; use another key of partner {partner_id}.",
                headers=CHALLENGE,
            )
        if api_key.expires is not None and api_key.expires <= now:
            raise ApiKeyExpired(
                f"API key {api_key.prefix} expired at {api_key.expires.isoformat()}; "
                "use its replacement.",
                headers=CHALLENGE,
            )
        if not row.api_enabled:
            raise ApiAccessDisabled(
                f"API access is turned off for partner {partner_id}; turn it on in the "
                "partner's API settings."
            )
        networks = list(
            session.scalars(
                select(AllowedNetwork.cidr).where(AllowedNetwork.partner_id == partner_id)
            )
        )
        address = request.client.host if request.client else ""
        if not address_allowed(address, networks):
            raise SourceAddressNotAllowed(
                f"Address {address} is not in partner {partner_id}'s allowed source networks; "
                "add it to the list or call from an allowed address."
            )
        stale = api_key.last_used is None or now - api_key.last_used > LAST_USED_RESOLUTION

    if stale:
        with database.write(operator=True) as session:
            session.get(ApiKey, api_key.id).last_used = now  # type: ignore[union-attr]

    return Caller(partner_id=partner_id, api_key_id=api_key.id, request_id=request_id(request))


def _basic_credentials(request: Request) -> tuple[int, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise AuthenticationRequired(
            "Send HTTP Basic credentials: your Partner ID as the user name and your API key "
            "as the password.",
            headers=CHALLENGE,
        )
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationRequired(
            "The Authorization header is not valid Basic credentials (base64 of "
            "'partner_id:api_key').",
            headers=CHALLENGE,
        ) from None
    user, _, password = decoded.partition(":")
    if not user.strip().isdigit():
        raise InvalidCredentials(
            f"The Basic user name {user!r} is not a Partner ID; send your numeric Partner ID.",
            headers=CHALLENGE,
        )
    return int(user.strip()), password.strip()


def read_session(request: Request, caller: Annotated[Caller, Depends(authenticate)]) -> Iterator[Session]:
    with get_database(request).read(partner_id=caller.partner_id) as session:
        yield session


async def idempotent_write(
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    idempotency_key: IdempotencyKeyHeader = None,
) -> None:
    """Claim the request's ``Idempotency-Key`` (if any) before the write runs."""
    await claim_idempotency_key(request, caller.partner_id, idempotency_key)


def write_session(
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    _idempotency: Annotated[None, Depends(idempotent_write)],
) -> Iterator[Session]:
    """A write transaction committed when the endpoint returns, before the response is sent."""
    with get_database(request).write(partner_id=caller.partner_id) as session:
        yield session


CurrentCaller = Annotated[Caller, Depends(authenticate)]
ReadSession = Annotated[Session, Depends(read_session, scope="function")]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
