"""``Client`` and ``AsyncClient``: configuration, authentication, retries and the envelope."""

import asyncio
import logging
import os
import platform
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from myengine_client._exceptions import (
    APIError,
    ConfigurationError,
    connection_error,
    error_from_response,
)
from myengine_client._resources.audit_events import AsyncAuditEvents, AuditEvents
from myengine_client._resources.clients import AsyncClients, Clients
from myengine_client._resources.live_services import AsyncLiveServices, LiveServices
from myengine_client._resources.products import (
    PRODUCT_COLLECTIONS,
    AsyncProductResource,
    ProductResource,
)
from myengine_client._retry import RetryPolicy
from myengine_client._version import __version__

log = logging.getLogger("myengine_client")

URL_VARIABLE = "MYENGINE_URL"
PARTNER_ID_VARIABLE = "MYENGINE_PARTNER_ID"
API_KEY_VARIABLE = "MYENGINE_API_KEY"
API_PATH = "/api-v1"
# Connecting gets 5 seconds; sending the request and reading the response get 30 each.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class APIResponse:
    """A successful envelope: ``data``, ``meta`` and the response headers."""

    data: Any
    meta: dict[str, Any]
    headers: httpx.Headers

    @property
    def request_id(self) -> str | None:
        """The ``meta.request_id`` that identifies the request in the server's logs."""
        return self.meta.get("request_id")


class _BaseClient:
    """Configuration and the parts of a call that do no I/O, shared by both clients."""

    def __init__(
        self,
        base_url: str | None,
        partner_id: int | str | None,
        api_key: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
    ) -> None:
        self.base_url = _resolve_url(base_url)
        self.partner_id = _resolve_partner_id(partner_id)
        self._api_key = _resolve_api_key(api_key)
        self.timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = RetryPolicy(
                max_retries=max_retries,
                initial_delay=policy.initial_delay,
                max_delay=policy.max_delay,
                max_retry_after=policy.max_retry_after,
                random=policy.random,
            )
        self.retry = policy

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, partner_id={self.partner_id})"

    def _http_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": httpx.BasicAuth(str(self.partner_id), self._api_key),
            "timeout": self.timeout,
            "headers": {"User-Agent": _user_agent(), "Accept": "application/json"},
            "follow_redirects": False,
        }

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: Any,
        idempotency_key: str | None,
    ) -> tuple[httpx.Request, str]:
        request_id = f"sdk_{uuid.uuid4().hex}"
        headers = {"X-Request-Id": request_id}
        if method in WRITE_METHODS:
            # One key for every attempt of this call, so a retry can never run the write twice.
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        request = http.build_request(method, path, params=params, json=json, headers=headers)
        return request, request_id

    def _parse(self, response: httpx.Response, request_id: str) -> APIResponse:
        if not response.is_success:
            raise error_from_response(response, request_id)
        try:
            body = response.json()
        except ValueError:
            body = None
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("meta"), dict)
            or "data" not in body
        ):
            raise APIError(
                f"The server returned HTTP {response.status_code} with a body that is not a "
                f"my-engine envelope; check that {self.base_url} is a my-engine Partner API.",
                name="Invalid Response",
                code="invalid_response",
                status=response.status_code,
                request_id=response.headers.get("x-request-id", request_id),
                headers=response.headers,
                body=body,
            )
        return APIResponse(data=body["data"], meta=body["meta"], headers=response.headers)

    def _log_retry(self, request: httpx.Request, retry: int, delay: float, reason: str) -> None:
        log.warning(
            "Retrying %s %s in %.2f s after %s (retry %d of %d).",
            request.method,
            request.url.path,
            delay,
            reason,
            retry,
            self.retry.max_retries,
        )


class Client(_BaseClient):
    """A synchronous client for the my-engine Partner API.

    Each argument left out is read from the environment: ``base_url`` from ``MYENGINE_URL``,
    ``partner_id`` from ``MYENGINE_PARTNER_ID`` and ``api_key`` from ``MYENGINE_API_KEY``.
    The URL is the deployment's address, such as ``https://sandbox.my-engine.example``, and
    ``/api-v1`` is added unless it already ends with it.

    ``timeout`` is in seconds (or an ``httpx.Timeout``); by default connecting may take 5 s
    and each read or write 30 s. Failed calls are retried under the ``retry`` policy, whose
    count ``max_retries`` overrides; see ``RetryPolicy``. ``transport`` replaces the HTTP
    transport, for example to route calls through a proxy or a fault injector in tests.

    Use it as a context manager, or call ``close()``, to release its connections.
    """

    def __init__(
        self,
        base_url: str | None = None,
        partner_id: int | str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, partner_id, api_key, timeout, max_retries, retry)
        self._http = httpx.Client(transport=transport, **self._http_options())

        self.clients = Clients(self)
        """Your clients: create, list, get, edit, suspend, delete."""
        self.live_services = LiveServices(self)
        """Live services of every product: list, get, regrade, suspend, delete, the tariff."""
        self.outmails = ProductResource(self, *PRODUCT_COLLECTIONS["outmails"])
        """outMail services (outbound SMTP relay)."""
        self.profilters = ProductResource(self, *PRODUCT_COLLECTIONS["profilters"])
        """proFilter services (inbound spam and virus filter)."""
        self.fakemxs = ProductResource(self, *PRODUCT_COLLECTIONS["fakemxs"])
        """fakeMX services (decoy lowest-priority MX)."""
        self.backupmxs = ProductResource(self, *PRODUCT_COLLECTIONS["backupmxs"])
        """backupMX services (store-and-forward secondary MX)."""
        self.masterdns = ProductResource(self, *PRODUCT_COLLECTIONS["masterdns"])
        """masterDNS services (primary DNS zones)."""
        self.backupdns = ProductResource(self, *PRODUCT_COLLECTIONS["backupdns"])
        """backupDNS services (secondary DNS zones)."""
        self.audit_events = AuditEvents(self)
        """The partner's audit trail."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> APIResponse:
        """Send one call to ``path`` under ``/api-v1``, with retries, and return its envelope.

        Raises an ``APIError`` subclass for an error response and ``APIConnectionError``
        when no response arrived after the last retry.
        """
        method = method.upper()
        request, request_id = self._build_request(
            self._http, method, path, params, json, idempotency_key
        )
        retry = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                retry += 1
                delay = self.retry.delay_after_error(retry, exc)
                if delay is None:
                    raise connection_error(exc, request, request_id) from exc
                self._log_retry(request, retry, delay, type(exc).__name__)
                time.sleep(delay)
                continue

            delay = self.retry.delay_after_response(retry + 1, response)
            if delay is None:
                return self._parse(response, request_id)
            retry += 1
            self._log_retry(request, retry, delay, f"HTTP {response.status_code}")
            time.sleep(delay)

    def close(self) -> None:
        """Close the client's connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_BaseClient):
    """The ``asyncio`` form of ``Client``: the same arguments, resources and methods, awaited.

    Lists return ``AsyncListIterator`` objects, which are walked with ``async for``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        partner_id: int | str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, partner_id, api_key, timeout, max_retries, retry)
        self._http = httpx.AsyncClient(transport=transport, **self._http_options())

        self.clients = AsyncClients(self)
        """Your clients: create, list, get, edit, suspend, delete."""
        self.live_services = AsyncLiveServices(self)
        """Live services of every product: list, get, regrade, suspend, delete, the tariff."""
        self.outmails = AsyncProductResource(self, *PRODUCT_COLLECTIONS["outmails"])
        """outMail services (outbound SMTP relay)."""
        self.profilters = AsyncProductResource(self, *PRODUCT_COLLECTIONS["profilters"])
        """proFilter services (inbound spam and virus filter)."""
        self.fakemxs = AsyncProductResource(self, *PRODUCT_COLLECTIONS["fakemxs"])
        """fakeMX services (decoy lowest-priority MX)."""
        self.backupmxs = AsyncProductResource(self, *PRODUCT_COLLECTIONS["backupmxs"])
        """backupMX services (store-and-forward secondary MX)."""
        self.masterdns = AsyncProductResource(self, *PRODUCT_COLLECTIONS["masterdns"])
        """masterDNS services (primary DNS zones)."""
        self.backupdns = AsyncProductResource(self, *PRODUCT_COLLECTIONS["backupdns"])
        """backupDNS services (secondary DNS zones)."""
        self.audit_events = AsyncAuditEvents(self)
        """The partner's audit trail."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> APIResponse:
        """Send one call to ``path`` under ``/api-v1``, with retries, and return its envelope.

        Raises an ``APIError`` subclass for an error response and ``APIConnectionError``
        when no response arrived after the last retry.
        """
        method = method.upper()
        request, request_id = self._build_request(
            self._http, method, path, params, json, idempotency_key
        )
        retry = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                retry += 1
                delay = self.retry.delay_after_error(retry, exc)
                if delay is None:
                    raise connection_error(exc, request, request_id) from exc
                self._log_retry(request, retry, delay, type(exc).__name__)
                await asyncio.sleep(delay)
                continue

            delay = self.retry.delay_after_response(retry + 1, response)
            if delay is None:
                return self._parse(response, request_id)
            retry += 1
            self._log_retry(request, retry, delay, f"HTTP {response.status_code}")
            await asyncio.sleep(delay)

    async def close(self) -> None:
        """Close the client's connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _resolve_url(base_url: str | None) -> str:
    url = (base_url or os.environ.get(URL_VARIABLE, "")).strip().rstrip("/")
    if not url:
        raise ConfigurationError(
            f"No API address: pass base_url or set {URL_VARIABLE}, for example "
            "https://sandbox.my-engine.example or http://127.0.0.1:8000."
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"The API address {url!r} must start with http:// or https://, such as "
            "https://sandbox.my-engine.example."
        )
    return url if url.endswith(API_PATH) else url + API_PATH


def _resolve_partner_id(partner_id: int | str | None) -> int:
    value = str(
        partner_id if partner_id is not None else os.environ.get(PARTNER_ID_VARIABLE, "")
    ).strip()
    if not value:
        raise ConfigurationError(
            f"No Partner ID: pass partner_id or set {PARTNER_ID_VARIABLE} to your numeric "
            "Partner ID."
        )
    if not value.isdigit():
        raise ConfigurationError(
            f"The Partner ID {value!r} is not a number; use the numeric id shown in your account."
        )
    return int(value)


def _resolve_api_key(api_key: str | None) -> str:
    value = (api_key if api_key is not None else os.environ.get(API_KEY_VARIABLE, "")).strip()
    if not value:
        raise ConfigurationError(
            f"No API key: pass api_key or set {API_KEY_VARIABLE} to a key issued for your partner "
            "account (it starts with mek_sandbox_ or mek_production_)."
        )
    return value


def _user_agent() -> str:
    return (
        f"myengine-client/{__version__} httpx/{httpx.__version__} "
        f"{platform.python_implementation()}/{platform.python_version()}"
    )
