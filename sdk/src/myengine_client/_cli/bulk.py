"""Acting on many items at once, with a progress bar and one outcome per item."""

from collections.abc import Callable

import typer

from myengine_client._cli import output
from myengine_client._cli.common import EXIT_API_ERROR, EXIT_USAGE
from myengine_client._client import Client
from myengine_client._exceptions import APIError
from myengine_client._models import Record


def run_bulk(
    ids: list[int],
    action: Callable[[int], Record],
    *,
    label: str,
    describe: Callable[[Record], str],
    as_json: bool,
) -> None:
    """Apply ``action`` to each id, go on past API errors, and print every outcome.

    Exits with ``EXIT_API_ERROR`` when any item failed. A connection failure stops the run
    at once, because every later item would fail the same way.
    """
    outcomes: list[tuple[int, str, str]] = []
    failures = 0
    with output.progress_bar(label, total=len(ids)) as advance:
        for item_id in ids:
            try:
                record = action(item_id)
            except APIError as exc:
                failures += 1
                outcomes.append((item_id, "failed", f"{exc.code}: {exc.message}"))
            else:
                outcomes.append((item_id, "ok", describe(record)))
            advance(1)

    output.print_outcomes(outcomes, as_json=as_json)
    if failures:
        raise typer.Exit(EXIT_API_ERROR)


def service_ids(
    client: Client,
    ids: list[int] | None,
    holder: int | None,
    every: bool,
    *,
    statuses: frozenset[str],
) -> list[int]:
    """Resolve the services a command acts on: the ids given, or ``--client ID --all``.

    With ``--all``, only the client's services whose status is in ``statuses`` are kept, so
    that, for example, deleting every service skips those already deleted.
    """
    if every:
        if holder is None:
            output.print_usage_error(
                "--all needs --client ID, the client whose services to act on."
            )
            raise typer.Exit(EXIT_USAGE)
        if ids:
            output.print_usage_error("give service ids or --client ID --all, not both.")
            raise typer.Exit(EXIT_USAGE)
        services = output.collect(
            client.clients.live_services(holder, fields=["id", "status"], page_size=1000),
            limit=None,
            noun=f"services of client {holder}",
        )
        return [
            service.id
            for service in services
            if service.id is not None and service.status in statuses
        ]

    if not ids:
        output.print_usage_error("give one or more service ids, or --client ID --all.")
        raise typer.Exit(EXIT_USAGE)
    if holder is not None:
        output.print_usage_error("--client is only used with --all; give service ids alone.")
        raise typer.Exit(EXIT_USAGE)
    return ids
