"""``myengine clients ...``: the partner's clients."""

from typing import Annotated, Any

import typer

from myengine_client._cli import output
from myengine_client._cli.bulk import run_bulk
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

app = typer.Typer(help="Create, list, edit, suspend and delete your clients.", no_args_is_help=True)

LIST_COLUMNS = ["id", "username", "email", "firstname", "surname", "active", "client_status_id"]
SERVICE_COLUMNS = ["id", "client_id", "product", "service_name", "status", "domain"]
TEXT_FIELDS = (
    "external_userid",
    "title",
    "firstname",
    "surname",
    "company",
    "phone",
    "address1",
    "address2",
    "city",
    "region",
    "postcode",
    "country",
)

ClientId = Annotated[int, typer.Argument(help="The client's id, such as 9987608.", min=1)]


def _text(help_text: str) -> Any:
    return typer.Option(help=help_text, show_default=False)


ExternalUserid = Annotated[
    str | None, _text("Your own id for this client (at most 64 characters).")
]
Title = Annotated[str | None, _text("Title, such as Ms.")]
Firstname = Annotated[str | None, _text("First name.")]
Surname = Annotated[str | None, _text("Surname.")]
Company = Annotated[str | None, _text("Company name.")]
Phone = Annotated[str | None, _text("Phone number.")]
Address1 = Annotated[str | None, _text("First address line.")]
Address2 = Annotated[str | None, _text("Second address line.")]
City = Annotated[str | None, _text("City.")]
Region = Annotated[str | None, _text("Region or county.")]
Postcode = Annotated[str | None, _text("Postcode.")]
Country = Annotated[str | None, _text("ISO 3166-1 alpha-2 country code, such as GB.")]
Active = Annotated[
    bool | None,
    typer.Option("--active/--inactive", help="Enable or suspend the client.", show_default=False),
]
Verified = Annotated[
    bool | None,
    typer.Option(
        "--verified/--unverified",
        help="Whether the client confirmed its email address.",
        show_default=False,
    ),
]


@app.command("create")
@endpoint("POST", "/clients")
@reports_errors
def create(
    ctx: typer.Context,
    username: Annotated[str, typer.Option(help="Login name, unique among your clients.")],
    email: Annotated[str, typer.Option(help="Email address.")],
    external_userid: ExternalUserid = None,
    title: Title = None,
    firstname: Firstname = None,
    surname: Surname = None,
    company: Company = None,
    phone: Phone = None,
    address1: Address1 = None,
    address2: Address2 = None,
    city: City = None,
    region: Region = None,
    postcode: Postcode = None,
    country: Country = None,
    active: Active = None,
    verified: Verified = None,
    as_json: JsonOption = False,
) -> None:
    """Create a client."""
    values = dict(
        external_userid=external_userid,
        title=title,
        firstname=firstname,
        surname=surname,
        company=company,
        phone=phone,
        address1=address1,
        address2=address2,
        city=city,
        region=region,
        postcode=postcode,
        country=country,
        active=active,
        verified=verified,
    )
    fields = {name: value for name, value in values.items() if value is not None}
    record = settings_of(ctx).client().clients.create(username=username, email=email, **fields)  # type: ignore[arg-type]
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Client created")


@app.command("list")
@endpoint("GET", "/clients")
@reports_errors
def list_clients(
    ctx: typer.Context,
    search: SearchOption = None,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    page_size: PageSizeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List your clients, oldest first, walking every page (see --limit)."""
    selected = parse_fields(fields)
    items = (
        settings_of(ctx)
        .client()
        .clients.list(search=parse_search(search), fields=selected, page_size=page_size)
    )
    records = output.collect(items, limit=limit, noun="clients")
    output.print_records(
        [record.to_dict() for record in records],
        columns=selected or LIST_COLUMNS,
        as_json=wants_json(ctx, as_json),
    )


@app.command("get")
@endpoint("GET", "/clients/{client_id}")
@reports_errors
def get(ctx: typer.Context, client_id: ClientId, as_json: JsonOption = False) -> None:
    """Show one client, in any state (a deleted client is a tombstone)."""
    record = settings_of(ctx).client().clients.get(client_id)
    output.print_record(record, as_json=wants_json(ctx, as_json))


@app.command("self")
@endpoint("GET", "/clients/self")
@reports_errors
def get_self(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show your own partner record, with your Partner Credit balance."""
    record = settings_of(ctx).client().clients.self()
    output.print_record(record, as_json=wants_json(ctx, as_json))


@app.command("update")
@endpoint("PATCH", "/clients/{client_id}", ("PUT", "/clients/{client_id}"))
@reports_errors
def update(
    ctx: typer.Context,
    client_id: ClientId,
    username: Annotated[str | None, _text("New login name.")] = None,
    email: Annotated[str | None, _text("New email address.")] = None,
    external_userid: ExternalUserid = None,
    title: Title = None,
    firstname: Firstname = None,
    surname: Surname = None,
    company: Company = None,
    phone: Phone = None,
    address1: Address1 = None,
    address2: Address2 = None,
    city: City = None,
    region: Region = None,
    postcode: Postcode = None,
    country: Country = None,
    active: Active = None,
    verified: Verified = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear", help=f"Empty a field; repeat for several. One of: {', '.join(TEXT_FIELDS)}."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Edit a client: only the fields given change."""
    values = dict(
        username=username,
        email=email,
        external_userid=external_userid,
        title=title,
        firstname=firstname,
        surname=surname,
        company=company,
        phone=phone,
        address1=address1,
        address2=address2,
        city=city,
        region=region,
        postcode=postcode,
        country=country,
        active=active,
        verified=verified,
    )
    fields: dict[str, Any] = {name: value for name, value in values.items() if value is not None}
    for name in clear or []:
        if name not in TEXT_FIELDS:
            raise typer.BadParameter(
                f"{name!r} cannot be cleared; choose one of {', '.join(TEXT_FIELDS)}.",
                param_hint="'--clear'",
            )
        if name in fields:
            raise typer.BadParameter(
                f"{name!r} is both set and cleared; do one.", param_hint="'--clear'"
            )
        fields[name] = None
    if not fields:
        raise typer.BadParameter("give at least one field to change, such as --city Leeds.")
    record = settings_of(ctx).client().clients.update(client_id, **fields)
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Client updated")


@app.command("suspend")
@endpoint("PATCH", "/clients/{client_id}/enabled")
@reports_errors
def suspend(ctx: typer.Context, client_id: ClientId, as_json: JsonOption = False) -> None:
    """Suspend a client and each of its live services."""
    record = settings_of(ctx).client().clients.suspend(client_id)
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Client suspended")


@app.command("unsuspend")
@endpoint("PATCH", "/clients/{client_id}/enabled")
@reports_errors
def unsuspend(ctx: typer.Context, client_id: ClientId, as_json: JsonOption = False) -> None:
    """Re-enable a client; its services stay suspended until you unsuspend each."""
    record = settings_of(ctx).client().clients.unsuspend(client_id)
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Client re-enabled")


@app.command("delete")
@endpoint("DELETE", "/clients/{client_id}")
@reports_errors
def delete(
    ctx: typer.Context,
    client_ids: Annotated[list[int], typer.Argument(help="One or more client ids.", min=1)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the delete would do, and change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete clients: each is disabled, its services suspended and its data anonymised later."""
    sdk = settings_of(ctx).client()
    as_json = wants_json(ctx, as_json)
    if dry_run:
        for client_id in client_ids:
            preview = sdk.clients.preview_delete(client_id)
            output.print_record(
                preview, as_json=as_json, title=f"Deleting client {client_id} would"
            )
        return
    if len(client_ids) == 1:
        record = sdk.clients.delete(client_ids[0])
        output.print_record(record, as_json=as_json, title="Client deleted")
        return
    run_bulk(
        client_ids,
        sdk.clients.delete,
        label="Deleting clients",
        describe=_deletion_summary,
        as_json=as_json,
    )


def _deletion_summary(record: Any) -> str:
    if record.anonymise_after is None:
        return "deleted"
    return f"deleted; personal data anonymised after {record.anonymise_after:%Y-%m-%d}"


@app.command("restore")
@endpoint("POST", "/clients/{client_id}/restore")
@reports_errors
def restore(ctx: typer.Context, client_id: ClientId, as_json: JsonOption = False) -> None:
    """Bring back a deleted client that is not yet anonymised; its services stay suspended."""
    record = settings_of(ctx).client().clients.restore(client_id)
    output.print_record(record, as_json=wants_json(ctx, as_json), title="Client restored")


@app.command("erasure")
@endpoint("GET", "/clients/{client_id}/erasure")
@reports_errors
def erasure(ctx: typer.Context, client_id: ClientId, as_json: JsonOption = False) -> None:
    """Show a deleted client's erasure receipt: what is erased, when, and what is kept."""
    receipt = settings_of(ctx).client().clients.erasure_receipt(client_id)
    output.print_record(
        receipt, as_json=wants_json(ctx, as_json), title=f"Erasure of client {client_id}"
    )


@app.command("live-services")
@endpoint("GET", "/clients/{client_id}/live_services")
@reports_errors
def live_services(
    ctx: typer.Context,
    client_id: ClientId,
    search: SearchOption = None,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    page_size: PageSizeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List one client's live services."""
    selected = parse_fields(fields)
    items = (
        settings_of(ctx)
        .client()
        .clients.live_services(
            client_id, search=parse_search(search), fields=selected, page_size=page_size
        )
    )
    records = output.collect(items, limit=limit, noun=f"services of client {client_id}")
    output.print_records(
        [record.to_dict() for record in records],
        columns=selected or SERVICE_COLUMNS,
        as_json=wants_json(ctx, as_json),
    )
