"""The operator command line, run as a subprocess against the test database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

CLI = [str(Path(sys.executable).with_name("myengine-server"))]


def run(settings, *args: str, check: bool = True) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "MYENGINE_DATABASE_URL": settings.database_url,
        "MYENGINE_SECRET_KEY": settings.secret_key.get_secret_value(),
        "MYENGINE_VAR_DIR": str(settings.var_dir),
    }
    result = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def created(settings, database) -> dict:  # type: ignore[no-untyped-def]
    result = run(settings, "partners", "create", "--name", "CLI Reseller", "--email",
                 "ops@cli.example", "--credits", "50", "--json")
    return json.loads(result.stdout)


def self_status(server, created) -> int:  # type: ignore[no-untyped-def]
    return httpx.get(f"{server.url}/api-v1/clients/self",
                     auth=(str(created["partner_id"]), created["api_key"])).status_code


def test_partners_create_prints_working_credentials(server, created):
    assert created["api_key"].startswith("mek_sandbox_")
    response = httpx.get(f"{server.url}/api-v1/clients/self",
                         auth=(str(created["partner_id"]), created["api_key"]))
    assert response.json()["data"]["credit"] == 50


def test_partners_create_rejects_bad_email(settings, database):
    result = run(settings, "partners", "create", "--name", "X", "--email", "nope", check=False)
    assert result.returncode == 2
    assert "nope" in result.stderr


def test_disable_and_enable_api(settings, server, created):
    run(settings, "partners", "disable-api", str(created["partner_id"]))
    assert self_status(server, created) == 403
    run(settings, "partners", "enable-api", str(created["partner_id"]))
    assert self_status(server, created) == 200


def test_networks_add_list_remove(settings, server, created):
    partner_id = str(created["partner_id"])
    run(settings, "partners", "networks", "add", partner_id, "192.0.2.0/24", "--note", "office")
    assert self_status(server, created) == 403
    listed = json.loads(run(settings, "partners", "networks", "list", partner_id, "--json").stdout)
    assert [row["cidr"] for row in listed] == ["192.0.2.0/24"]
    run(settings, "partners", "networks", "remove", partner_id, "192.0.2.0/24")
    assert self_status(server, created) == 200


def test_networks_note_replaces_the_note(settings, created):
    partner_id = str(created["partner_id"])
    run(settings, "partners", "networks", "add", partner_id, "192.0.2.0/24", "--note", "office")
    run(settings, "partners", "networks", "note", partner_id, "192.0.2.0/24", "billing server")
    listed = json.loads(run(settings, "partners", "networks", "list", partner_id, "--json").stdout)
    assert [network["note"] for network in listed] == ["billing server"]


def test_networks_note_of_unknown_network_fails(settings, created):
    result = run(settings, "partners", "networks", "note", str(created["partner_id"]),
                 "203.0.113.0/24", "x", check=False)
    assert result.returncode == 2
    assert "no allowed network 203.0.113.0/24" in result.stderr


def test_networks_add_rejects_too_long_note(settings, created):
    result = run(settings, "partners", "networks", "add", str(created["partner_id"]),
                 "192.0.2.0/24", "--note", "x" * 256, check=False)
    assert result.returncode == 2
    assert "at most 255" in result.stderr


def test_networks_add_rejects_invalid_cidr(settings, created):
    result = run(settings, "partners", "networks", "add", str(created["partner_id"]), "999.0.0.0/8", check=False)
    assert result.returncode == 2
    assert "999.0.0.0/8" in result.stderr


def test_issue_and_revoke_key(settings, server, created):
    partner_id = str(created["partner_id"])
    issued = json.loads(run(settings, "partners", "keys", "issue", partner_id, "--json").stdout)
    second = {"partner_id": created["partner_id"], "api_key": issued["api_key"]}
    assert self_status(server, second) == 200
    run(settings, "partners", "keys", "revoke", partner_id, issued["key_prefix"])
    assert self_status(server, second) == 401
    assert self_status(server, created) == 200


def test_keys_list_never_shows_secrets(settings, created):
    listed = run(settings, "partners", "keys", "list", str(created["partner_id"]), "--json").stdout
    assert created["api_key"] not in listed
    assert created["api_key"].rsplit("_", 1)[0] in listed


def test_demo_prints_the_same_working_key_twice(settings, server, database):
    first = json.loads(run(settings, "demo", "--json").stdout)
    second = json.loads(run(settings, "demo", "--json").stdout)
    assert first["api_key"] == second["api_key"]
    assert second["created"] is False
    assert self_status(server, first) == 200


def test_demo_prints_a_working_portal_login(settings, server, database):
    from tests.portal.conftest import log_in

    demo = json.loads(run(settings, "demo", "--json").stdout)
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        response = log_in(browser, demo["portal_email"], demo["portal_password"])
    assert response.status_code == 303


def test_demo_portal_login_is_kept(settings, database):
    first = json.loads(run(settings, "demo", "--json").stdout)
    second = json.loads(run(settings, "demo", "--json").stdout)
    assert second["portal_email"] == first["portal_email"]
    assert second["portal_password"] == first["portal_password"]


def test_demo_portal_login_belongs_to_demo_partner(settings, database):
    from myengine.portal.accounts import find_user

    demo = json.loads(run(settings, "demo", "--json").stdout)
    with database.read(operator=True) as session:
        user = find_user(session, demo["portal_email"])
    assert user.partner_id == demo["partner_id"]
    assert user.email_confirmed is not None


def test_db_upgrade_is_repeatable(settings, database):
    result = run(settings, "db", "upgrade")
    assert "revision head" in result.stdout
