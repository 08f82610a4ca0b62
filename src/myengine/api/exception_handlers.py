"""Map framework-level failures onto the error catalogue, so every response is an envelope."""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from myengine.api.envelope import failure
from myengine.errors import (
    ApiError,
    InvalidJson,
    InvalidParameter,
    MethodNotAllowed,
    RouteNotFound,
    StoreUnavailable,
    UnknownField,
    ValidationFailed,
)

log = structlog.get_logger()

RETRY_AFTER_SECONDS = "5"


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _store_unavailable)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    log.info("request.failed", status=exc.status, code=exc.code)
    return failure(request, exc)


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return failure(
            request,
            RouteNotFound(
                f"No endpoint exists at {request.url.path}; the API reference at "
                "/apidocs/index.html lists every path."
            ),
        )
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow", "")
        return failure(
            request,
            MethodNotAllowed(
                f"{request.method} is not accepted at {request.url.path}"
                + (f"; use {allow}." if allow else "."),
                headers={"Allow": allow} if allow else None,
            ),
        )
    return failure(request, _generic(exc.status_code, str(exc.detail)))


def _generic(status: int, detail: str) -> ApiError:
    cls = type("HttpError", (ApiError,), {"status": status, "code": f"http_{status}"})
    return cls(detail)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    # An unknown key explains a "missing" error next to it (a typo such as "enabled" for
    # "enable"), so it is reported first.
    first: dict[str, Any] = next(
        (detail for detail in errors if detail.get("type") == "extra_forbidden"), errors[0]
    )
    kind = first.get("type", "")
    location = [str(part) for part in first.get("loc", ())]
    where, path = (location[0], location[1:]) if location else ("body", [])
    field = ".".join(path)

    if kind == "json_invalid":
        return failure(
            request,
            InvalidJson(
                "The request body is not valid JSON "
                f"({first.get('ctx', {}).get('error', 'parse error')}); send a JSON object."
            ),
        )
    if where in ("query", "path", "header"):
        return failure(
            request,
            InvalidParameter(
                f"{where.title()} parameter {field!r} is invalid: {first.get('msg')}.",
                details={"field": field},
            ),
        )
    if kind == "extra_forbidden":
        return failure(
            request,
            UnknownField(
                f"Field {field!r} is not accepted here; remove it. The API reference lists "
                "the writable fields.",
                details={"field": field},
            ),
        )
    if not field:
        return failure(
            request,
            ValidationFailed(
                f"The request body is invalid: {first.get('msg')}; send a JSON object.",
                details={"field": None},
            ),
        )
    if kind == "missing":
        return failure(
            request,
            ValidationFailed(
                f"Field {field!r} is required but missing; add it to the request body.",
                details={"field": field},
            ),
        )
    return failure(
        request,
        ValidationFailed(
            f"Field {field!r} is invalid: {_reason(first)}.",
            details={"field": field},
        ),
    )


def _reason(detail: dict[str, Any]) -> str:
    message = str(detail.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return message


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    log.error("store.unavailable", error=type(exc.orig).__name__ if exc.orig else type(exc).__name__)
    return failure(
        request,
        StoreUnavailable(
            f"The database is unavailable or busy; retry after {RETRY_AFTER_SECONDS} seconds.",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        ),
    )

