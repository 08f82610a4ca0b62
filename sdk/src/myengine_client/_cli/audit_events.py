"""``myengine audit-events list``: the partner's audit trail."""

import typer

from myengine_client._cli import output
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

app = typer.Typer(
    help="Read your audit trail: every change to your data and who made it.", no_args_is_help=True
)

LIST_COLUMNS = ["id", "occurred", "action", "subject_type", "subject_id", "actor_type"]


@app.command("list")
@endpoint("GET", "/audit_events")
@reports_errors
def list_events(
    ctx: typer.Context,
    search: SearchOption = None,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    page_size: PageSizeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List your audit events, oldest first, such as --search 'subject_id=9987608'."""
    selected = parse_fields(fields)
    items = (
        settings_of(ctx)
        .client()
        .audit_events.list(search=parse_search(search), fields=selected, page_size=page_size)
    )
    records = output.collect(items, limit=limit, noun="audit events")
    output.print_records(
        [record.to_dict() for record in records],
        columns=selected or LIST_COLUMNS,
        as_json=wants_json(ctx, as_json),
    )
