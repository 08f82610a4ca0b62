"""Field types shared by request bodies: flags and bounded text."""

from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

# Ids are 32-bit on PostgreSQL; a larger number cannot name a row, so it is rejected up front.
MAX_ID = 2_147_483_647

_TRUE = {1, "1", "true", "True", "TRUE", True}
_FALSE = {0, "0", "false", "False", "FALSE", False}


def _flag(value: Any) -> bool:
    # bool is a subclass of int, so `value in _TRUE` also takes True and 1.
    if isinstance(value, (bool, int, str)) and value in _TRUE:
        return True
    if isinstance(value, (bool, int, str)) and value in _FALSE:
        return False
    raise ValueError(f"{value!r} is not a flag; send 1 or 0 (true or false)")


Flag = Annotated[
    bool,
    BeforeValidator(_flag),
    WithJsonSchema(
        {
            "oneOf": [{"type": "integer", "enum": [0, 1]}, {"type": "boolean"}],
            "description": "1 or 0; true and false are accepted too.",
        }
    ),
]

# A resource id in a path, such as /clients/{client_id}.
ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="A numeric id, such as 9987608.")]


def text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


def render_timestamp(value: Any) -> str | None:
    """ISO 8601 UTC with a ``Z`` suffix, second precision, or None."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple)):
        return any(_contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    return False


class RequestBody(BaseModel):
    """Base of every request body: unknown keys are rejected, and no text may hold NUL.

    PostgreSQL cannot store the NUL character, and no field has a use for it.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _reject_nul(cls, value: Any) -> Any:
        if _contains_nul(value):
            raise ValueError("text must not contain the NUL character (\\u0000); remove it")
        return value
