"""The OpenAPI document: Basic auth, the envelope, and each endpoint's error codes."""

from collections import defaultdict
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from myengine.api.envelope import ErrorEnvelope
from myengine.errors import (
    ERROR_CATALOGUE,
    ApiAccessDisabled,
    ApiError,
    ApiKeyExpired,
    ApiKeyRevoked,
    AuthenticationRequired,
    InternalError,
    InvalidCredentials,
    InvalidCursor,
    InvalidFields,
    InvalidJson,
    InvalidParameter,
    InvalidSearch,
    RateLimited,
    RequestTooLarge,
    SourceAddressNotAllowed,
    StoreUnavailable,
    UnknownField,
    ValidationFailed,
    WrongEnvironmentKey,
)
from myengine.idempotency.openapi import document_idempotency

# Errors of every list endpoint and of every endpoint that takes a JSON body.
LIST_ERRORS: tuple[type[ApiError], ...] = (InvalidFields, InvalidSearch, InvalidCursor, InvalidParameter)
BODY_ERRORS: tuple[type[ApiError], ...] = (InvalidJson, ValidationFailed, UnknownField)

# Every authenticated endpoint can fail in these ways.
COMMON_ERRORS: tuple[type[ApiError], ...] = (
    AuthenticationRequired,
    InvalidCredentials,
    WrongEnvironmentKey,
    ApiKeyRevoked,
    ApiKeyExpired,
    ApiAccessDisabled,
    SourceAddressNotAllowed,
    RequestTooLarge,
    RateLimited,
    InternalError,
    StoreUnavailable,
)

DESCRIPTION = """\
The my-engine Partner API manages a reseller's clients and their live services
(outMail, proFilter, fakeMX, backupMX, masterDNS, backupDNS).

**Authentication.** HTTP Basic on every call: the user name is your Partner ID, the password
your API key. Keys start with `mek_sandbox_` or `mek_production_` and work only on that
deployment.

**Envelope.** Every success is HTTP 200 with `{"meta": {"success": true, "request_id": ...},
"data": ...}`; lists add `count`, `has_more` and `next_cursor` to `meta`. Every failure is a
4xx or 5xx status with `meta.success` false and an `error` object carrying `name`, `code`,
`message`, `url` and `status`. Every response carries the request id in `X-Request-Id`; send
your own `X-Request-Id` (8 to 64 letters, digits, `.`, `_` or `-`) and it is used instead, so
you can find your call in our logs.

**Lists.** `fields` and `search` are Rison. `fields=!(id,username)` picks keys;
`search=('username LIKE':'fred%','id >':'9987600')` filters with `=`, `!=`, `>`, `>=`, `<`,
`<=` and `LIKE` (`%` and `_` wildcards, case-insensitive), combined with AND. `limit` is 1 to
1000 (default 100) and `cursor` is the `next_cursor` of the previous page. `meta.count` is
the number of items in this page, and `meta.has_more` is true when another page follows.

**Rate limit.** Each partner may send a set number of requests a minute to each server
process (1200 by default); past it the API returns 429 `rate_limited` with `Retry-After`.

**Client email.** Creating a client sends the client a mail asking it to confirm its email
address; following the link sets the client's `verified` to 1.

**Request bodies** are read as JSON whatever the `Content-Type` header says.
"""


def error_responses(*errors: type[ApiError]) -> dict[int | str, dict[str, Any]]:
    """Build the ``responses`` argument of a route: its own errors plus the common ones."""
    by_status: dict[int, list[type[ApiError]]] = defaultdict(list)
    for cls in (*errors, *COMMON_ERRORS):
        if cls not in by_status[cls.status]:
            by_status[cls.status].append(cls)
    return {
        status: {
            "model": ErrorEnvelope,
            "description": "; ".join(f"`{cls.code}`: {cls.description}" for cls in classes),
        }
        for status, classes in sorted(by_status.items())
    }


def _error_table() -> str:
    rows = ["| status | code | meaning |", "|---|---|---|"]
    for code, cls in sorted(ERROR_CATALOGUE.items(), key=lambda item: (item[1].status, item[0])):
        rows.append(f"| {cls.status} | `{code}` | {cls.description} |")
    return "\n".join(rows)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema

    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=DESCRIPTION + "\n## Error codes\n\n" + _error_table() + "\n",
        routes=app.routes,
    )
    document_idempotency(schema)
    schema["servers"] = [{"url": "/"}]
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["partnerBasic"] = {
        "type": "http",
        "scheme": "basic",
        "description": "User name: your Partner ID. Password: your API key.",
    }
    schema["security"] = [{"partnerBasic": []}]
    schema["x-error-codes"] = {
        code: {"status": cls.status, "description": cls.description}
        for code, cls in ERROR_CATALOGUE.items()
    }
    app.openapi_schema = schema
    return schema
