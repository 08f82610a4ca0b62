"""The request side: read the ``Idempotency-Key`` header and claim the key before a write runs."""

from typing import Annotated

from fastapi import Header, Request
from fastapi.concurrency import run_in_threadpool

from myengine.api.envelope import request_url
from myengine.clock import utcnow
from myengine.db.engine import Database
from myengine.idempotency import operations
from myengine.idempotency.operations import Claim, StoredResponse

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Key of the claim in the ASGI scope's state, read by ``IdempotencyMiddleware``.
CLAIM_STATE_KEY = "idempotency_claim"

HEADER_DESCRIPTION = (
    "Optional key, 1 to 255 printable ASCII characters (a UUID is a good choice), that makes "
    "a retried write safe. The first request with a key runs and its successful response is "
    "stored for 24 hours; a request with the same key, method, path and body gets the stored "
    "response again instead of running twice, marked `Idempotent-Replayed: true` and with "
    "its own `meta.request_id` (the first request's id is in `Original-Request-Id`). The same key "
    "with another method, path or body is 409 `idempotency_key_reused`; while the first "
    "request is still running, a second is 409 `idempotency_key_in_progress` with "
    "`Retry-After`. A request that fails is not stored, so retrying it runs it again. Keys "
    "are per partner."
)

IdempotencyKeyHeader = Annotated[
    str | None, Header(alias=operations.HEADER, description=HEADER_DESCRIPTION)
]


class ReplayStoredResponse(Exception):
    """Raised instead of running a write whose key already has a stored response."""

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__("replay of a stored response")
        self.stored = stored


async def claim_idempotency_key(request: Request, partner_id: int, raw_key: str | None) -> None:
    """Claim the request's key for ``partner_id``, or raise ``ReplayStoredResponse``.

    Without a key, or on a read, this does nothing. The claim is left in the request's state
    for ``IdempotencyMiddleware``, which stores or releases it once the response is known.
    """
    if raw_key is None or request.method not in WRITE_METHODS:
        return

    key = operations.validate_key(raw_key)
    body = await request.body()
    fingerprint = operations.fingerprint(request.method, request_url(request), body)
    database: Database = request.app.state.database

    def claim() -> Claim | StoredResponse:
        with database.write(partner_id=partner_id) as session:
            return operations.claim(
                session,
                key=key,
                method=request.method,
                url=request_url(request),
                fingerprint=fingerprint,
                now=utcnow(),
            )

    result = await run_in_threadpool(claim)
    if isinstance(result, StoredResponse):
        raise ReplayStoredResponse(result)
    setattr(request.state, CLAIM_STATE_KEY, result)
