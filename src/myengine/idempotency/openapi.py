"""OpenAPI additions: the idempotency errors and replay header of each operation taking the key."""

from typing import Any

from myengine.errors import (
    ApiError,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
)
from myengine.idempotency.middleware import ORIGINAL_REQUEST_ID_HEADER, REPLAYED_HEADER
from myengine.idempotency.operations import HEADER

ERRORS: tuple[type[ApiError], ...] = (
    InvalidIdempotencyKey,
    IdempotencyKeyReused,
    IdempotencyKeyInProgress,
)
ERROR_ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


def document_idempotency(schema: dict[str, Any]) -> None:
    """Add the idempotency error codes and the replay header to each keyed operation."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not _takes_key(operation):
                continue
            responses = operation.setdefault("responses", {})
            for cls in ERRORS:
                _add_error(responses, cls)
            success = responses.get("200")
            if success is not None:
                headers = success.setdefault("headers", {})
                headers[REPLAYED_HEADER] = {
                    "description": "`true` when this is the stored response of an earlier "
                    f"request with the same `{HEADER}`.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
                headers[ORIGINAL_REQUEST_ID_HEADER] = {
                    "description": "On a replay, the request id of the request that ran.",
                    "schema": {"type": "string"},
                }


def _takes_key(operation: dict[str, Any]) -> bool:
    return any(
        parameter.get("in") == "header" and parameter.get("name") == HEADER
        for parameter in operation.get("parameters", [])
    )


def _add_error(responses: dict[str, Any], cls: type[ApiError]) -> None:
    entry = responses.setdefault(
        str(cls.status),
        {
            "description": "",
            "content": {"application/json": {"schema": {"$ref": ERROR_ENVELOPE_REF}}},
        },
    )
    line = f"`{cls.code}`: {cls.description}"
    if line not in entry["description"]:
        entry["description"] = f"{entry['description']}; {line}" if entry["description"] else line
