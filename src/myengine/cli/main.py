"""``myengine-server``: the operator command line (serve, migrations, partners, keys)."""

import dataclasses
import json
import socket
import sys
from typing import Annotated

import structlog
import typer

from myengine.audit.context import bind_operator_actor
from myengine.cli import jobs as jobs_cli
from myengine.cli import partners as partners_cli
from myengine.logs import configure_logging
from myengine.settings import get_settings

app = typer.Typer(help="Operate a my-engine deployment.", no_args_is_help=True, pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True, pretty_exceptions_show_locals=False)
app.add_typer(db_app, name="db")
app.add_typer(partners_cli.app, name="partners")
app.add_typer(jobs_cli.app, name="jobs")
app.command("worker")(jobs_cli.worker)


@app.callback()
def _configure() -> None:
    # Events go to standard error so that --json output on standard output stays parseable.
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format, stream=sys.stderr)
    # Every change a command makes is audited as the operator's, under one correlation id.
    bind_operator_actor()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Comma-separated proxy addresses whose X-Forwarded-For is trusted for the "
            "caller's address (allowed source networks).",
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the Partner API (and its reference at /apidocs/index.html)."""
    import uvicorn

    _check_port_free(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    structlog.get_logger().info(
        "service.listening", url=f"http://{shown_host}:{port}", workers=workers
    )
    uvicorn.run(
        "myengine.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=False,
        log_config=None,
        server_header=False,
    )


def _check_port_free(host: str, port: int) -> None:
    """Fail with a clear message when another process already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.echo(
                f"error: cannot listen on {host}:{port} ({exc.strerror}); stop the process "
                "using it or choose another port with --port (make run PORT=8001).",
                err=True,
            )
            raise typer.Exit(code=2) from None


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply database migrations up to REVISION (default: the newest)."""
    from myengine.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    typer.echo(f"Database at {_safe_url(settings.database_url)} is at revision {revision}.")


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Make sure a demo partner exists and print its Partner ID, API key and portal login."""
    from myengine.cli.partners import ensure_demo_partner

    demo_partner = ensure_demo_partner()
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(demo_partner)))
        return
    base = get_settings().public_url
    partner_id, api_key = demo_partner.partner_id, demo_partner.api_key
    typer.echo("")
    typer.echo("  Demo partner ready (sandbox).")
    typer.echo(f"  Partner ID: {partner_id}")
    typer.echo(f"  API key:    {api_key}")
    typer.echo(f"  API:        {base}/api-v1")
    typer.echo(f"  Reference:  {base}/apidocs/index.html")
    if demo_partner.portal_email:
        typer.echo(f"  Portal:     {base}/portal/ (email {demo_partner.portal_email}, "
                   f"password {demo_partner.portal_password})")
    else:
        typer.echo(f"  Portal:     {base}/portal/ (sign up there for a portal login)")
    typer.echo(f"  Try:        curl -u {partner_id}:{api_key} {base}/api-v1/clients/self")
    typer.echo("")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
