"""Fault injectors that sit between the SDK and the real server: never a stand-in for the API.

``FlakyTransport`` wraps httpx's real transport and breaks chosen attempts: it can fail to
connect (the request never leaves) or lose the response (the server ran the request, the
client never hears back). ``FaultProxy`` is a loopback HTTP proxy that returns scripted
error responses (429, 503, ...) before it relays requests to the live server unchanged.
"""

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from tests.conftest import LiveServer


class FlakyTransport(httpx.BaseTransport):
    """Fail the first ``refuse`` attempts to connect, then lose the next ``lose`` responses."""

    def __init__(self, *, refuse: int = 0, lose: int = 0) -> None:
        self.inner = httpx.HTTPTransport()
        self.refuse = refuse
        self.lose = lose
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.refuse > 0:
            self.refuse -= 1
            raise httpx.ConnectError("injected: connection refused", request=request)
        response = self.inner.handle_request(request)
        if self.lose > 0:
            self.lose -= 1
            response.read()
            response.close()
            raise httpx.ReadError("injected: connection lost before the response", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncFlakyTransport(httpx.AsyncBaseTransport):
    """The ``AsyncClient`` form of ``FlakyTransport``."""

    def __init__(self, *, refuse: int = 0, lose: int = 0) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.refuse = refuse
        self.lose = lose
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.refuse > 0:
            self.refuse -= 1
            raise httpx.ConnectError("injected: connection refused", request=request)
        response = await self.inner.handle_async_request(request)
        if self.lose > 0:
            self.lose -= 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("injected: connection lost before the response", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass(frozen=True)
class Fault:
    """One scripted response: a status with headers and body, or a hang of ``hang`` seconds."""

    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang: float = 0.0


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


# Headers that describe one hop, not the message; the proxy sets its own.
_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade"}
)


class FaultProxy:
    """A loopback proxy to ``upstream``: returns each scripted fault in turn, then relays."""

    def __init__(self, upstream: LiveServer, faults: list[Fault]) -> None:
        self.faults = list(faults)
        self.seen: list[Seen] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._upstream = httpx.Client(base_url=upstream.url, timeout=30)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def handle_one(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                proxy.seen.append(Seen(self.command, self.path, headers))

                fault = proxy._next_fault()
                if fault is not None and fault.hang:
                    proxy.released.wait(fault.hang)
                    self.close_connection = True
                    return
                if fault is not None:
                    self.reply(fault.status, fault.headers, fault.body)
                    return

                forwarded = {
                    name: value for name, value in headers.items() if name not in _HOP_HEADERS
                }
                response = proxy._upstream.request(
                    self.command, self.path, headers=forwarded, content=body
                )
                relayed = {
                    name: value
                    for name, value in response.headers.items()
                    if name not in _HOP_HEADERS
                }
                self.reply(response.status_code, relayed, response.content)

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()


@contextmanager
def fault_proxy(upstream: LiveServer, *faults: Fault) -> Iterator[FaultProxy]:
    """Run a ``FaultProxy`` for the block's duration."""
    proxy = FaultProxy(upstream, list(faults))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


def error_envelope(status: int, name: str, code: str, message: str) -> bytes:
    """The JSON body the API sends with an error, for a scripted fault."""
    import json

    return json.dumps(
        {
            "meta": {"success": False, "request_id": "req_injected_fault"},
            "error": {"name": name, "code": code, "message": message, "url": "/", "status": status},
        }
    ).encode()
