"""ASGI middleware: request ids, the body size limit, JSON bodies and the last-resort handler."""

import json
import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from myengine.api.envelope import error_body
from myengine.errors import InternalError, RequestTooLarge

log = structlog.get_logger()

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class _BodyTooLarge(Exception):
    pass


class RequestContextMiddleware:
    """Give every request an id, cap its body, and turn any escaped exception into an envelope.

    An incoming ``X-Request-Id`` of 8 to 64 safe characters is kept, so a partner can follow
    its own id through our logs. Otherwise a new one is made. Integrations in the field send
    a bogus ``ContentType`` header or none at all, so an API request body is always read as
    JSON whatever its ``Content-Type`` header contains.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, api_prefix: str) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _INCOMING_ID.match(incoming) else f"req_{uuid.uuid4().hex}"
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        url = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope["query_string"] else "")
        if scope["path"].startswith(self.api_prefix):
            scope["headers"] = _json_content_type(scope["headers"])

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._send_error(send, self._too_large(), url, request_id)
            return

        received = 0
        too_large = False

        async def capped_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The framework turned the aborted read into its own error, so send 413 instead.
                if not started:
                    started = True
                    await self._send_error(send, self._too_large(), url, request_id)
                return
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, capped_receive, tracked_send)
        except _BodyTooLarge:
            if not started:
                await self._send_error(send, self._too_large(), url, request_id)
        except Exception:
            log.exception("request.unhandled_error", path=scope["path"], method=scope["method"])
            if not started:
                await self._send_error(
                    send,
                    InternalError(
                        f"The server failed on this request; report request id {request_id} "
                        "to the platform operator."
                    ),
                    url,
                    request_id,
                )

    def _too_large(self) -> RequestTooLarge:
        return RequestTooLarge(
            f"The request body exceeds {self.max_body_bytes} bytes; send a smaller body."
        )

    async def _send_error(self, send: Send, exc, url: str, request_id: str) -> None:  # type: ignore[no-untyped-def]
        body = json.dumps(error_body(exc, url=url, request_id=request_id)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": exc.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", request_id.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _json_content_type(raw_headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    kept = [(name, value) for name, value in raw_headers if name.lower() != b"content-type"]
    return [*kept, (b"content-type", b"application/json")]
