"""The response side: store a claimed write's response, or release the claim if it failed."""

import json

import structlog
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from myengine.api.envelope import request_id
from myengine.db.engine import Database
from myengine.idempotency import operations
from myengine.idempotency.dependency import (
    CLAIM_STATE_KEY,
    WRITE_METHODS,
    ReplayStoredResponse,
)
from myengine.idempotency.operations import Claim

log = structlog.get_logger()

REPLAYED_HEADER = "Idempotent-Replayed"
ORIGINAL_REQUEST_ID_HEADER = "Original-Request-Id"


def install(app: FastAPI) -> None:
    """Add the replay handler and the middleware; call before the outermost middleware."""
    app.add_exception_handler(ReplayStoredResponse, _replay)
    app.add_middleware(IdempotencyMiddleware)


async def _replay(request: Request, exc: Exception) -> Response:
    """Send the stored response again, marked as a replay and carrying this request's id.

    Every envelope's ``meta.request_id`` equals its ``X-Request-Id``, so the stored body gets
    the replay's id; the id of the request that ran moves to ``Original-Request-Id``.
    """
    assert isinstance(exc, ReplayStoredResponse)
    body, original_id = _with_request_id(exc.stored.body, request_id(request))
    response = Response(content=body, status_code=exc.stored.status)
    for name, value in exc.stored.headers:
        response.headers.append(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    if original_id:
        response.headers[ORIGINAL_REQUEST_ID_HEADER] = original_id
    return response


def _with_request_id(body: bytes, current_id: str) -> tuple[bytes, str | None]:
    """Return ``body`` with ``meta.request_id`` set to ``current_id``, and the id it had."""
    try:
        document = json.loads(body)
    except ValueError:
        return body, None
    meta = document.get("meta") if isinstance(document, dict) else None
    if not isinstance(meta, dict):
        return body, None
    original_id = meta.get("request_id")
    meta["request_id"] = current_id
    # The same compact form as FastAPI's JSONResponse.
    rendered = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return rendered, original_id


class IdempotencyMiddleware:
    """Hold back a claimed write's response until it is stored under its key.

    Only 2xx responses are stored. Any other outcome releases the key: a failed write was
    rolled back, so running it again on a retry is safe. The response is sent only after it
    is stored, so a client that received it and repeats the request gets the stored copy.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return

        state = scope.setdefault("state", {})
        database: Database = scope["app"].state.database
        start: Message | None = None
        chunks: list[bytes] = []
        finished = False

        async def holding_send(message: Message) -> None:
            nonlocal start, finished
            held_claim: Claim | None = state.get(CLAIM_STATE_KEY)
            if held_claim is None:
                await send(message)
                return

            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return

            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return

            body = b"".join(chunks)
            finished = True
            await run_in_threadpool(_finish, database, held_claim, start, body)
            del state[CLAIM_STATE_KEY]
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        try:
            await self.app(scope, receive, holding_send)
        finally:
            held_claim = state.pop(CLAIM_STATE_KEY, None)
            if held_claim is not None and not finished:
                await run_in_threadpool(_release, database, held_claim)


def _finish(database: Database, held_claim: Claim, start: Message, body: bytes) -> None:
    status = start["status"]
    if not 200 <= status < 300:
        _release(database, held_claim)
        return

    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in start.get("headers", [])
    ]
    try:
        with database.write(partner_id=held_claim.partner_id) as session:
            operations.complete(session, held_claim, status=status, headers=headers, body=body)
    except Exception:
        # NOTE: the write itself is committed. Until the claim goes stale, a retry with this
        # key gets 409 idempotency_key_in_progress, and after that the write runs again.
        log.exception("idempotency.store_failed", idempotency_key_id=held_claim.key_id)


def _release(database: Database, held_claim: Claim) -> None:
    try:
        with database.write(partner_id=held_claim.partner_id) as session:
            operations.release(session, held_claim)
    except Exception:
        log.exception("idempotency.release_failed", idempotency_key_id=held_claim.key_id)
