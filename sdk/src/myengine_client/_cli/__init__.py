"""``myengine``: the my-engine Partner API from the command line.

Exit codes: 0 success; 1 the API returned an error (or an item of a bulk action
failed); 2 usage error or missing configuration; 3 no response (connection failed or timed
out).
"""

import logging
from typing import Annotated

import typer

from myengine_client._cli import audit_events, clients, live_services, products
from myengine_client._cli.common import (
    JsonOption,
    Settings,
    reports_errors,
    settings_of,
    wants_json,
)
from myengine_client._endpoints import endpoint
from myengine_client._resources.products import PRODUCT_COLLECTIONS
from myengine_client._version import __version__

HELP = (
    "Manage your my-engine clients and live services through the Partner API.\n\n"
    "The API address, Partner ID and API key come from --url, --partner-id and --api-key, or "
    "from the MYENGINE_URL, MYENGINE_PARTNER_ID and MYENGINE_API_KEY environment variables. "
    "Prefer the variable for the key, because command lines are visible to other users of "
    "the machine.\n\n"
    "Exit codes: 0 success; 1 the API returned an error, or an item of a bulk action "
    "failed; 2 usage error or missing configuration; 3 no response (the connection failed or "
    "timed out)."
)

app = typer.Typer(
    name="myengine",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(clients.app, name="clients")
app.add_typer(live_services.app, name="live-services")
for _attribute in PRODUCT_COLLECTIONS:
    app.add_typer(products.product_app(_attribute), name=_attribute)
app.add_typer(audit_events.app, name="audit-events")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"myengine {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            help="API address, such as https://sandbox.my-engine.example [MYENGINE_URL].",
            show_default=False,
        ),
    ] = None,
    partner_id: Annotated[
        str | None, typer.Option(help="Your Partner ID [MYENGINE_PARTNER_ID].", show_default=False)
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(help="Your API key [MYENGINE_API_KEY].", show_default=False)
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds to wait for each response (default 30; connecting 5).",
            min=0.1,
            show_default=False,
        ),
    ] = None,
    max_retries: Annotated[
        int | None,
        typer.Option(
            help="Retries after a connection failure, 429 or 5xx (default 3).",
            min=0,
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    settings = Settings(
        url=url,
        partner_id=partner_id,
        api_key=api_key,
        timeout=timeout,
        max_retries=max_retries,
        json=as_json,
    )
    ctx.obj = settings
    ctx.call_on_close(settings.close)


@app.command("tariff")
@endpoint("GET", "/live_services/service_names")
@reports_errors
def tariff(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the tariff: every package with its cost in credits, and your balance."""
    result = settings_of(ctx).client().live_services.service_names()
    live_services.print_tariff(result, as_json=wants_json(ctx, as_json))


def main() -> None:
    """Run the command line (the ``myengine`` script), reporting retries on standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("myengine_client")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    app()
