"""``myengine-server partners``: create partners, switch API access, networks and keys."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.orm import Session

from myengine.api_keys import operations as keys
from myengine.db.engine import connect
from myengine.partners import operations as partners
from myengine.partners.models import Partner
from myengine.settings import Environment, get_settings

app = typer.Typer(help="Partners, their API access, source networks and API keys.", no_args_is_help=True, pretty_exceptions_show_locals=False)
networks_app = typer.Typer(help="Allowed source networks (an empty list allows any address).", no_args_is_help=True, pretty_exceptions_show_locals=False)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True, pretty_exceptions_show_locals=False)
app.add_typer(networks_app, name="networks")
app.add_typer(keys_app, name="keys")

PartnerId = Annotated[int, typer.Argument(help="The Partner ID.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]

DEMO_CREDENTIALS = "demo_credentials.json"
DEMO_EMAIL = "demo@partner.example"


def _database():
    settings = get_settings()
    return settings, connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="The partner's company name.")],
    email: Annotated[str, typer.Option(help="The partner's contact email address.")],
    credits: Annotated[int, typer.Option(help="Initial Partner Credits.")] = 0,
    as_json: AsJson = False,
) -> None:
    """Create a partner with API access on, and print its Partner ID and a new API key."""
    settings, database = _database()
    try:
        with database.write(operator=True) as session:
            partner, key = partners.create_partner(
                session,
                name=name,
                email=email,
                credits=credits,
                environment=settings.environment,
                pepper=settings.secret_key_bytes(),
            )
            partner_id, balance = partner.id, partner.credit_balance
    except partners.PartnerError as exc:
        _fail(str(exc))
        return
    finally:
        database.dispose()

    if as_json:
        typer.echo(json.dumps({"partner_id": partner_id, "api_key": key.secret,
                               "key_prefix": key.prefix, "credits": balance}))
        return
    typer.echo(f"Partner ID: {partner_id}")
    typer.echo(f"API key:    {key.secret}")
    typer.echo("The key is shown only this once; store it now.")


@app.command("list")
def list_partners(as_json: AsJson = False) -> None:
    """List partners with their API access and credit balance."""
    from sqlalchemy import select

    _, database = _database()
    with database.read(operator=True) as session:
        rows = [
            {"partner_id": p.id, "name": p.name, "api_enabled": p.api_enabled,
             "credits": p.credit_balance}
            for p in session.scalars(select(Partner).order_by(Partner.id))
        ]
    database.dispose()
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        state = "on" if row["api_enabled"] else "off"
        typer.echo(f"{row['partner_id']}\tAPI {state}\t{row['credits']} credits\t{row['name']}")


def _set_api(partner_id: int, enabled: bool) -> None:
    _, database = _database()
    try:
        with database.write(operator=True) as session:
            partners.set_api_access(session, partner_id, enabled=enabled)
    except partners.PartnerError as exc:
        _fail(str(exc))
    finally:
        database.dispose()
    typer.echo(f"API access for partner {partner_id} is {'on' if enabled else 'off'}.")


@app.command("enable-api")
def enable_api(partner_id: PartnerId) -> None:
    """Turn the partner's API access on."""
    _set_api(partner_id, True)


@app.command("disable-api")
def disable_api(partner_id: PartnerId) -> None:
    """Turn the partner's API access off: every call then returns 403 api_access_disabled."""
    _set_api(partner_id, False)


@networks_app.command("add")
def networks_add(
    partner_id: PartnerId,
    cidr: Annotated[str, typer.Argument(help="IPv4 or IPv6 network, e.g. 192.0.2.0/24.")],
    note: Annotated[str, typer.Option(help="What this network is.")] = "",
) -> None:
    """Allow calls from CIDR. Once the list has an entry, other addresses are refused."""
    _, database = _database()
    try:
        with database.write(operator=True) as session:
            network = partners.add_network(session, partner_id, cidr, note)
            typer.echo(f"Partner {partner_id} allows {network.cidr}.")
    except partners.PartnerError as exc:
        _fail(str(exc))
    finally:
        database.dispose()


@networks_app.command("note")
def networks_note(
    partner_id: PartnerId,
    cidr: Annotated[str, typer.Argument(help="The network whose note to change.")],
    note: Annotated[str, typer.Argument(help="The new note; an empty string clears it.")],
) -> None:
    """Replace the note of an allowed source network."""
    _, database = _database()
    try:
        with database.write(operator=True) as session:
            network = partners.set_network_note(session, partner_id, cidr, note)
    except partners.PartnerError as exc:
        _fail(str(exc))
    finally:
        database.dispose()
    if network is None:
        _fail(f"partner {partner_id} has no allowed network {cidr}; list them with "
              f"'partners networks list {partner_id}'")
    typer.echo(f"Saved the note of {network.cidr} for partner {partner_id}.")


@networks_app.command("remove")
def networks_remove(partner_id: PartnerId, cidr: Annotated[str, typer.Argument(help="The network to remove.")]) -> None:
    """Remove CIDR from the allowed source networks."""
    _, database = _database()
    try:
        with database.write(operator=True) as session:
            removed = partners.remove_network(session, partner_id, cidr)
    except partners.PartnerError as exc:
        _fail(str(exc))
        return
    finally:
        database.dispose()
    if not removed:
        _fail(f"partner {partner_id} has no allowed network {cidr}")
    typer.echo(f"Removed {cidr} from partner {partner_id}'s allowed networks.")


@networks_app.command("list")
def networks_list(partner_id: PartnerId, as_json: AsJson = False) -> None:
    """List the allowed source networks."""
    _, database = _database()
    with database.read(operator=True) as session:
        rows = [{"cidr": n.cidr, "note": n.note, "created": n.created.isoformat()}
                for n in partners.list_networks(session, partner_id)]
    database.dispose()
    if as_json:
        typer.echo(json.dumps(rows))
        return
    if not rows:
        typer.echo(f"Partner {partner_id} has no network list: any address may call.")
    for row in rows:
        typer.echo(f"{row['cidr']}\t{row['note']}")


@keys_app.command("issue")
def keys_issue(
    partner_id: PartnerId,
    note: Annotated[str, typer.Option(help="What the key is for.")] = "",
    as_json: AsJson = False,
) -> None:
    """Issue a new API key for the partner (printed once)."""
    settings, database = _database()
    try:
        with database.write(operator=True) as session:
            partners.get_partner(session, partner_id)
            key = keys.issue_key(session, partner_id=partner_id, environment=settings.environment,
                                 pepper=settings.secret_key_bytes(), note=note)
    except partners.PartnerError as exc:
        _fail(str(exc))
        return
    finally:
        database.dispose()
    if as_json:
        typer.echo(json.dumps({"partner_id": partner_id, "api_key": key.secret, "key_prefix": key.prefix}))
        return
    typer.echo(f"API key: {key.secret}")
    typer.echo("The key is shown only this once; store it now.")


@keys_app.command("revoke")
def keys_revoke(
    partner_id: PartnerId,
    prefix: Annotated[str, typer.Argument(help="The key's prefix, e.g. mek_sandbox_3f9a0c1b2d4e.")],
) -> None:
    """Revoke an API key at once."""
    _, database = _database()
    with database.write(operator=True) as session:
        key = keys.revoke_key(session, partner_id=partner_id, prefix=prefix)
    database.dispose()
    if key is None:
        _fail(f"partner {partner_id} has no key {prefix}; see 'partners keys list {partner_id}'")
    typer.echo(f"Revoked {prefix}.")


@keys_app.command("list")
def keys_list(partner_id: PartnerId, as_json: AsJson = False) -> None:
    """List the partner's keys by prefix (secrets are never shown again)."""
    _, database = _database()
    with database.read(operator=True) as session:
        rows = [
            {
                "prefix": k.prefix,
                "note": k.note,
                "created": k.created.isoformat(),
                "expires": k.expires.isoformat() if k.expires else None,
                "revoked": k.revoked.isoformat() if k.revoked else None,
                "last_used": k.last_used.isoformat() if k.last_used else None,
            }
            for k in keys.list_keys(session, partner_id=partner_id)
        ]
    database.dispose()
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        state = "revoked" if row["revoked"] else "active"
        typer.echo(f"{row['prefix']}\t{state}\tcreated {row['created']}\tlast used {row['last_used'] or 'never'}")


@dataclass(frozen=True)
class DemoCredentials:
    partner_id: int
    api_key: str
    # True when this call made the API key (a new partner, or a replacement key).
    created: bool
    # The demo partner's portal login; None outside the sandbox.
    portal_email: str | None
    portal_password: str | None


def ensure_demo_partner() -> DemoCredentials:
    """Create the demo partner on first use and return its API key and sandbox portal login.

    The credentials are kept in ``var/demo_credentials.json`` (mode 0600) so that every
    ``make run`` prints the same working ones. A missing partner, a key that no longer
    verifies, or a portal password that no longer matches is replaced.
    """
    settings, database = _database()
    path = Path(settings.var_dir) / DEMO_CREDENTIALS
    pepper = settings.secret_key_bytes()
    saved = json.loads(path.read_text()) if path.exists() else {}
    try:
        with database.write(operator=True) as session:
            created = not _demo_key_works(session, saved, pepper)
            if not created:
                partner_id, api_key = saved["partner_id"], saved["api_key"]
            else:
                saved_id = saved.get("partner_id")
                partner = session.get(Partner, saved_id) if saved_id else None
                if partner is None:
                    partner, key = partners.create_partner(
                        session, name="Demo Reseller Ltd", email=DEMO_EMAIL,
                        credits=1000, environment=settings.environment, pepper=pepper,
                    )
                else:
                    key = keys.issue_key(session, partner_id=partner.id,
                                         environment=settings.environment, pepper=pepper,
                                         note="demo key")
                partner_id, api_key = partner.id, key.secret
            portal_email = portal_password = None
            if settings.environment is Environment.SANDBOX:
                portal_email, portal_password = _ensure_demo_login(session, partner_id, saved)
    finally:
        database.dispose()

    current = {"partner_id": partner_id, "api_key": api_key, "portal_email": portal_email,
               "portal_password": portal_password}
    if current != saved:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(current))
        path.chmod(0o600)
    return DemoCredentials(partner_id=partner_id, api_key=api_key, created=created,
                           portal_email=portal_email, portal_password=portal_password)


def _ensure_demo_login(session: Session, partner_id: int,
                       saved: dict[str, Any]) -> tuple[str | None, str | None]:
    from myengine.portal import accounts, passwords

    email, password = saved.get("portal_email"), saved.get("portal_password")
    if email and password:
        user = accounts.find_user(session, email)
        if (user is not None and user.partner_id == partner_id
                and user.email_confirmed is not None
                and passwords.verify_password(user.password_hash, password)):
            return email, password

    password = secrets.token_urlsafe(12)
    # The usual address may belong to someone who signed up with it in the portal.
    for candidate in (DEMO_EMAIL, f"demo-{partner_id}@partner.example"):
        if accounts.ensure_login(session, partner_id=partner_id, email=candidate,
                                 contact_name="Demo User", password=password):
            return candidate, password
    return None, None


def _demo_key_works(session, saved: dict, pepper: bytes) -> bool:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from myengine.api_keys.models import ApiKey

    parsed = keys.parse_key(str(saved.get("api_key", "")))
    if parsed is None:
        return False
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parsed.prefix))
    return (
        key is not None
        and key.partner_id == saved.get("partner_id")
        and key.revoked is None
        and keys.secret_matches(pepper, parsed.secret, key.secret_hash)
    )
