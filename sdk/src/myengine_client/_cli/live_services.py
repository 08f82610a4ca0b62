"""``myengine live-services ...`` and ``myengine tariff``: services of every product."""

from typing import Annotated

import typer

from myengine_client._cli import output
from myengine_client._cli.bulk import run_bulk, service_ids
from myengine_client._cli.common import (
    FieldsOption,
    JsonOption,
    LimitOption,
    PageSizeOption,
    SearchOption,
    parse_fields,
    parse_search,
    reports_errors,
    settings_of,
    wants_json,
)
from myengine_client._endpoints import endpoint
from myengine_client._models import LiveService, Record, Tariff

app = typer.Typer(
    help="List, regrade, suspend and delete live services, and read the tariff.",
    no_args_is_help=True,
)

LIST_COLUMNS = ["id", "client_id", "product", "service_name", "status", "domain"]
TARIFF_COLUMNS = ["service_name", "product", "credits", "description"]

ServiceId = Annotated[int, typer.Argument(help="The service's id, such as 1234931.", min=1)]
ServiceIds = Annotated[
    list[int] | None,
    typer.Argument(help="One or more service ids.", metavar="SERVICE_ID", show_default=False),
]
HolderOption = Annotated[
    int | None,
    typer.Option(
        "--client", help="With --all: act on every service of this client.", show_default=False
    ),
]
AllOption = Annotated[
    bool, typer.Option("--all", help="Act on every matching service of --client.")
]


@app.command("list")
@endpoint("GET", "/live_services")
@reports_errors
def list_services(
    ctx: typer.Context,
    client: Annotated[
        int | None,
        typer.Option("--client", help="Only this client's services.", show_default=False),
    ] = None,
    search: SearchOption = None,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    page_size: PageSizeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List your live services of every product, oldest first, walking every page."""
    selected = parse_fields(fields)
    items = (
        settings_of(ctx)
        .client()
        .live_services.list(
            client_id=client, search=parse_search(search), fields=selected, page_size=page_size
        )
    )
    records = output.collect(items, limit=limit, noun="live services")
    output.print_records(
        [record.to_dict() for record in records],
        columns=selected or LIST_COLUMNS,
        as_json=wants_json(ctx, as_json),
    )


@app.command("get")
@endpoint("GET", "/live_services/{service_id}")
@reports_errors
def get(ctx: typer.Context, service_id: ServiceId, as_json: JsonOption = False) -> None:
    """Show one live service, with the packages it may be regraded to."""
    record = settings_of(ctx).client().live_services.get(service_id)
    output.print_record(record, as_json=wants_json(ctx, as_json))


@app.command("regrade")
@endpoint("PATCH", "/live_services/{service_id}")
@reports_errors
def regrade(
    ctx: typer.Context,
    service_id: ServiceId,
    service_name: Annotated[str, typer.Argument(help="The new package, such as outmail-5000.")],
    mailboxes: Annotated[
        int | None,
        typer.Option(
            help="proFilter only: the new licensed mailbox count.", min=1, show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Move a service to another package of its product; an upgrade charges the difference."""
    record = (
        settings_of(ctx)
        .client()
        .live_services.regrade(service_id, service_name, mailboxes=mailboxes)
    )
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Service regraded")


@app.command("suspend")
@endpoint("PATCH", "/live_services/{service_id}/suspension")
@reports_errors
def suspend(
    ctx: typer.Context,
    ids: ServiceIds = None,
    client: HolderOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Suspend services: the ids given, or every live service of a client (--client ID --all)."""
    _act(ctx, ids, client, every, as_json, action="suspend", statuses=frozenset({"live"}))


@app.command("unsuspend")
@endpoint("PATCH", "/live_services/{service_id}/suspension")
@reports_errors
def unsuspend(
    ctx: typer.Context,
    ids: ServiceIds = None,
    client: HolderOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Unsuspend services: the ids given, or each suspended service of --client ID --all."""
    _act(ctx, ids, client, every, as_json, action="unsuspend", statuses=frozenset({"suspended"}))


@app.command("delete")
@endpoint("DELETE", "/live_services/{service_id}")
@reports_errors
def delete(
    ctx: typer.Context,
    ids: ServiceIds = None,
    client: HolderOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Delete services, keeping their history: the ids given, or each of --client ID --all."""
    _act(
        ctx,
        ids,
        client,
        every,
        as_json,
        action="delete",
        statuses=frozenset({"live", "suspended"}),
    )


@app.command("service-names")
@endpoint("GET", "/live_services/service_names")
@reports_errors
def service_names(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the tariff: every package with its cost in credits, and your balance."""
    print_tariff(
        settings_of(ctx).client().live_services.service_names(), as_json=wants_json(ctx, as_json)
    )


def print_tariff(tariff: Tariff, *, as_json: bool) -> None:
    """Print the packages as a table and the balance below it, or the whole tariff as JSON."""
    if as_json:
        output.print_json(tariff.to_dict())
        return
    output.print_records(
        [package.to_dict() for package in tariff.packages],
        columns=TARIFF_COLUMNS,
        as_json=False,
        title="Tariff",
    )
    output.print_line(f"Your balance: {tariff.credit} credits")


_PAST_TENSE = {"suspend": "suspended", "unsuspend": "unsuspended", "delete": "deleted"}


def _act(
    ctx: typer.Context,
    ids: list[int] | None,
    holder: int | None,
    every: bool,
    as_json: bool,
    *,
    action: str,
    statuses: frozenset[str],
) -> None:
    sdk = settings_of(ctx).client()
    as_json = wants_json(ctx, as_json)
    method = getattr(sdk.live_services, action)
    targets = service_ids(sdk, ids, holder, every, statuses=statuses)

    if len(targets) == 1 and not every:
        record = method(targets[0])
        output.print_record(record, as_json=as_json, title=f"Service {_PAST_TENSE[action]}")
        return
    run_bulk(
        targets,
        method,
        label=f"{action.title()} services",
        describe=_status_of,
        as_json=as_json,
    )


def _status_of(record: Record) -> str:
    assert isinstance(record, LiveService)
    causes = f" ({', '.join(record.suspension_causes)})" if record.suspension_causes else ""
    return f"{record.status}{causes}"
