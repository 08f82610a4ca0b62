"""``myengine outmails|profilters|fakemxs|backupmxs|masterdns|backupdns create|list``."""

from typing import Annotated, Any

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
from myengine_client._resources.products import PRODUCT_COLLECTIONS

LIST_COLUMNS = ["id", "client_id", "service_name", "status", "domain"]

# Product that takes each product-specific option; the other products hide it from their help.
OPTION_PRODUCTS = {
    "mailboxes": {"proFilter"},
    "destination": {"backupMX"},
    "master_address": {"backupDNS"},
}
DOMAIN_HELP = {
    "outMail": "Sender domain the relay serves (optional).",
    "proFilter": "Domain whose inbound mail is filtered.",
    "fakeMX": "Domain that gets the decoy MX record.",
    "backupMX": "Domain whose mail is queued while its MX is down.",
    "masterDNS": "Zone the platform serves as primary.",
    "backupDNS": "Zone the platform serves as secondary.",
}


def product_app(attribute: str) -> typer.Typer:
    """Build the ``create`` and ``list`` commands of the product at ``attribute`` of the client."""
    collection, product = PRODUCT_COLLECTIONS[attribute]
    app = typer.Typer(help=f"Create and list {product} services.", no_args_is_help=True)

    def hidden(option: str) -> bool:
        return product not in OPTION_PRODUCTS[option]

    @app.command(
        "create", help=f"Create a new {product} service; the package's credits are charged."
    )
    @endpoint("POST", collection)
    @reports_errors
    def create(
        ctx: typer.Context,
        service_name: Annotated[
            str, typer.Option(help=f"A {product} package from 'myengine tariff'.")
        ],
        client: Annotated[
            int | None,
            typer.Option(
                "--client",
                help="The client that holds the service; leave out for your own account.",
                show_default=False,
            ),
        ] = None,
        domain: Annotated[
            str | None, typer.Option(help=DOMAIN_HELP[product], show_default=False)
        ] = None,
        mailboxes: Annotated[
            int | None,
            typer.Option(
                help="Licensed mailboxes (the package's limit if left out).",
                min=1,
                show_default=False,
                hidden=hidden("mailboxes"),
            ),
        ] = None,
        destination: Annotated[
            str | None,
            typer.Option(
                help="Host name or address of the domain's primary mail server.",
                show_default=False,
                hidden=hidden("destination"),
            ),
        ] = None,
        master_address: Annotated[
            list[str] | None,
            typer.Option(
                help="Address of a master server that allows zone transfers; repeat for each "
                "(1 to 4).",
                show_default=False,
                hidden=hidden("master_address"),
            ),
        ] = None,
        whmcs_service_id: Annotated[
            str | None, typer.Option(help="Your billing system's reference.", show_default=False)
        ] = None,
        as_json: JsonOption = False,
    ) -> None:
        values: dict[str, Any] = {
            "domain": domain,
            "mailboxes": mailboxes,
            "destination": destination,
            "master_addresses": master_address or None,
        }
        fields = {name: value for name, value in values.items() if value is not None}
        resource = getattr(settings_of(ctx).client(), attribute)
        record = resource.create(
            service_name=service_name, client_id=client, whmcs_service_id=whmcs_service_id, **fields
        )
        output.print_record(
            record, as_json=wants_json(ctx, as_json), title=f"{product} service created"
        )

    @app.command("list", help=f"List your {product} services, oldest first, walking every page.")
    @endpoint("GET", collection)
    @reports_errors
    def list_services(
        ctx: typer.Context,
        search: SearchOption = None,
        fields: FieldsOption = None,
        limit: LimitOption = None,
        page_size: PageSizeOption = None,
        as_json: JsonOption = False,
    ) -> None:
        selected = parse_fields(fields)
        resource = getattr(settings_of(ctx).client(), attribute)
        items = resource.list(search=parse_search(search), fields=selected, page_size=page_size)
        records = output.collect(items, limit=limit, noun=f"{product} services")
        output.print_records(
            [record.to_dict() for record in records],
            columns=selected or LIST_COLUMNS,
            as_json=wants_json(ctx, as_json),
        )

    return app
