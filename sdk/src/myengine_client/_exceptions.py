"""One exception class per failure family, each carrying the API's error fields.

Every error has ``name``, ``code``, ``message``, ``status`` and ``request_id``. For an error
the API returned, they are the envelope's ``error.name``, ``error.code``, ``error.message``,
the HTTP status and ``meta.request_id``. For a connection failure there is no response, so
``status`` is None and ``request_id`` is the ``X-Request-Id`` the client sent.
"""

from http import HTTPStatus
from typing import Any

import httpx


class MyEngineError(Exception):
    """Base class of every error raised by ``myengine_client``."""

    def __init__(
        self,
        message: str,
        *,
        name: str,
        code: str,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.code = code
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        status = f", HTTP {self.status}" if self.status is not None else ""
        request = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.name} [{self.code}{status}]: {self.message}{request}"


class ConfigurationError(MyEngineError, ValueError):
    """The client is missing its URL or credentials, or one of them is malformed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, name="Configuration Error", code="configuration_error")


class APIError(MyEngineError):
    """The API returned an error status; the subclasses name the failure family.

    ``url`` is the request path the API reports, ``field`` the request field at fault
    (validation errors), ``headers`` the response headers and ``body`` the decoded JSON
    body, or None when the response was not JSON.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str,
        code: str,
        status: int,
        request_id: str | None,
        url: str | None = None,
        field: str | None = None,
        headers: httpx.Headers | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message, name=name, code=code, status=status, request_id=request_id)
        self.url = url
        self.field = field
        self.headers = headers if headers is not None else httpx.Headers()
        self.body = body


class ValidationError(APIError):
    """The request is malformed or a field is invalid (400, 413, 422); ``field`` names it."""


class AuthenticationError(APIError):
    """Credentials missing, wrong, revoked, expired or of the other deployment (401)."""


class PermissionDeniedError(APIError):
    """Access refused: API access off, address not allowed, or a platform-only action (403)."""


class NotFoundError(APIError):
    """No such resource exists under the partner (404)."""


class InsufficientCreditError(APIError):
    """The Partner Credit balance is lower than the package costs (405 ``insufficient_credits``)."""


class ConflictError(APIError):
    """The resource's state forbids the change, or a unique value is taken (409)."""


class RateLimitError(APIError):
    """Too many requests (429); ``retry_after`` is the wait in seconds the API asked for."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before retrying, from the ``Retry-After`` header, or None."""
        from myengine_client._retry import parse_retry_after

        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(APIError):
    """The API failed or its store was unavailable (5xx); retrying later may succeed."""


class APIConnectionError(MyEngineError):
    """No response arrived: the connection failed or broke before the API responded."""

    def __init__(
        self, message: str, *, request_id: str | None, code: str = "connection_error"
    ) -> None:
        super().__init__(
            message, name="Connection Error", code=code, status=None, request_id=request_id
        )


class APITimeoutError(APIConnectionError):
    """No response arrived within the client's timeout."""

    def __init__(self, message: str, *, request_id: str | None) -> None:
        super().__init__(message, request_id=request_id, code="timeout")


_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: ValidationError,
    422: ValidationError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response, sent_request_id: str) -> APIError:
    """Build the exception for an error response, from its envelope when it has one."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None

    error = body.get("error") if isinstance(body, dict) else None
    meta = body.get("meta") if isinstance(body, dict) else None
    request_id = (
        (meta or {}).get("request_id") or response.headers.get("x-request-id") or sent_request_id
    )
    status = response.status_code
    phrase = _reason_phrase(status)

    if isinstance(error, dict):
        name = str(error.get("name") or phrase)
        code = str(error.get("code") or f"http_{status}")
        message = str(error.get("message") or phrase)
        url = error.get("url")
        field = error.get("field")
    else:
        name, code, url, field = phrase, f"http_{status}", None, None
        snippet = " ".join(response.text.split())[:200]
        message = f"The server returned HTTP {status} without an error envelope: {snippet!r}."

    return _error_class(status, code)(
        message,
        name=name,
        code=code,
        status=status,
        request_id=request_id,
        url=url,
        field=field,
        headers=response.headers,
        body=body,
    )


def connection_error(
    exc: httpx.TransportError, request: httpx.Request, request_id: str
) -> APIConnectionError:
    """Wrap an httpx transport failure, naming the request that failed."""
    target = f"{request.method} {request.url}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{target} timed out ({type(exc).__name__}); raise the client's timeout or check "
            "that the server is reachable.",
            request_id=request_id,
        )
    return APIConnectionError(
        f"{target} failed before a response arrived: {type(exc).__name__}: {exc or 'no detail'}; "
        "check the URL and that the server is running.",
        request_id=request_id,
    )


def _error_class(status: int, code: str) -> type[APIError]:
    if status == 405 and code == "insufficient_credits":
        return InsufficientCreditError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
