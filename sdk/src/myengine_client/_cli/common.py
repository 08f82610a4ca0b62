"""Parts shared by every ``myengine`` command: options, the client, exit codes, error reports."""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import rison
import typer

from myengine_client._cli import output
from myengine_client._client import Client
from myengine_client._exceptions import (
    APIConnectionError,
    APIError,
    ConfigurationError,
    MyEngineError,
)

# Exit codes, documented in the CLI's help and in sdk/README.md.
EXIT_OK = 0
EXIT_API_ERROR = 1  # the API returned an error (or some items of a bulk action failed)
EXIT_USAGE = 2  # bad arguments or missing configuration (Click's own usage errors are 2 too)
EXIT_CONNECTION = 3  # no response: the server could not be reached or timed out

F = TypeVar("F", bound=Callable[..., Any])

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (for scripts) instead of a table.")
]
SearchOption = Annotated[
    list[str] | None,
    typer.Option(
        "--search",
        "-s",
        help="A condition such as 'username LIKE fred%', 'id > 9987600' or 'status=live' "
        "(operators =, !=, >, >=, <, <=, LIKE); repeat to combine with AND. A Rison object "
        "such as \"('username LIKE':'fred%')\" is also accepted.",
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", "-f", help="Comma-separated keys to return, such as id,username."),
]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="Stop after this many items (default: every item)."),
]
PageSizeOption = Annotated[
    int | None,
    typer.Option(
        "--page-size", min=1, max=1000, help="Items per request, 1 to 1000 (API default 100)."
    ),
]


@dataclass
class Settings:
    """The root options, kept in the Click context for every command."""

    url: str | None = None
    partner_id: str | None = None
    api_key: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    json: bool = False
    _client: Client | None = field(default=None, repr=False)

    def client(self) -> Client:
        """Return the API client, built on first use from the options and environment."""
        if self._client is None:
            self._client = Client(
                self.url,
                self.partner_id,
                self.api_key,
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def settings_of(ctx: typer.Context) -> Settings:
    """Return the root options of the running command line."""
    settings = ctx.find_object(Settings)
    if settings is None:
        settings = ctx.ensure_object(Settings)
    return settings


def wants_json(ctx: typer.Context, as_json: bool) -> bool:
    """True when ``--json`` was given before or after the command name."""
    return as_json or settings_of(ctx).json


def reports_errors(command: F) -> F:
    """Turn the SDK's exceptions into a message on standard error and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: typer.Context = kwargs["ctx"]
        as_json = wants_json(ctx, kwargs.get("as_json", False))
        try:
            return command(*args, **kwargs)
        except ConfigurationError as exc:
            output.print_error(exc, as_json=as_json)
            raise typer.Exit(EXIT_USAGE) from None
        except APIConnectionError as exc:
            output.print_error(exc, as_json=as_json)
            raise typer.Exit(EXIT_CONNECTION) from None
        except APIError as exc:
            output.print_error(exc, as_json=as_json)
            raise typer.Exit(EXIT_API_ERROR) from None
        except MyEngineError as exc:
            output.print_error(exc, as_json=as_json)
            raise typer.Exit(EXIT_API_ERROR) from None

    return wrapper  # type: ignore[return-value]


_CONDITION = re.compile(
    r"^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?:(?P<symbol>!=|>=|<=|=|>|<)|\s(?P<like>LIKE|like)\s)\s*(?P<value>.*?)\s*$"
)


def parse_search(conditions: list[str] | None) -> dict[str, Any] | None:
    """Turn ``["username LIKE fred%", "id > 9987600"]`` into the SDK's search mapping."""
    if not conditions:
        return None
    search: dict[str, Any] = {}
    for condition in conditions:
        text = condition.strip()
        if text.startswith("("):
            search.update(_parse_rison_search(text))
            continue
        match = _CONDITION.match(text)
        if match is None or not match["value"]:
            raise typer.BadParameter(
                f"{condition!r} is not a condition; write FIELD OPERATOR VALUE, such as "
                "'username LIKE fred%' or 'id > 9987600'.",
                param_hint="'--search'",
            )
        operator = "LIKE" if match["like"] else match["symbol"]
        key = match["field"] if operator == "=" else f"{match['field']} {operator}"
        search[key] = match["value"]
    return search


def _parse_rison_search(text: str) -> dict[str, Any]:
    try:
        value = rison.loads(text)
    except Exception:
        value = None
    if not isinstance(value, dict):
        raise typer.BadParameter(
            f"{text!r} is not a Rison object; write one such as \"('username LIKE':'fred%')\".",
            param_hint="'--search'",
        )
    return value


def parse_fields(fields: str | None) -> list[str] | None:
    """Turn ``"id,username"`` into ``["id", "username"]``."""
    if fields is None:
        return None
    names = [name.strip() for name in fields.split(",") if name.strip()]
    if not names:
        raise typer.BadParameter(
            "name at least one field, such as id,username.", param_hint="'--fields'"
        )
    return names
