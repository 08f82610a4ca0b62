"""The ``myengine`` command line against the live server.

Each command runs the installed ``myengine`` script in its own process, as a partner runs
it. An in-process run would share standard output with the server thread's log.
"""

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

EXIT_API_ERROR, EXIT_USAGE, EXIT_CONNECTION = 1, 2, 3
SCRIPT = Path(sys.executable).with_name("myengine")


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli(sdk_env):  # type: ignore[no-untyped-def]
    """Run ``myengine ARGS`` with the partner's MYENGINE_* variables."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [str(SCRIPT), *args],
            env=env or sdk_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return invoke


def as_json(result) -> object:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def new_username() -> str:
    return f"cli-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def client_id(sdk) -> int:  # type: ignore[no-untyped-def]
    return sdk.clients.create(username=new_username(), email="cli@example.com", firstname="Fred").id


@pytest.fixture
def service_id(sdk, client_id) -> int:  # type: ignore[no-untyped-def]
    return sdk.outmails.create(
        client_id=client_id, service_name="outmail-500", domain="cli.example"
    ).id


class TestClients:
    def test_create_prints_the_client(self, cli):
        username = new_username()

        data = as_json(
            cli(
                "clients",
                "create",
                "--username",
                username,
                "--email",
                "c@example.com",
                "--country",
                "GB",
                "--json",
            )
        )

        assert data["username"] == username
        assert data["country"] == "GB"

    def test_create_prints_a_table_by_default(self, cli):
        username = new_username()

        result = cli("clients", "create", "--username", username, "--email", "c@example.com")

        assert result.exit_code == 0, result.output
        assert username in result.stdout

    def test_list_with_search_and_fields(self, cli, sdk, client_id):
        username = sdk.clients.get(client_id).username

        data = as_json(
            cli(
                "clients",
                "list",
                "--search",
                f"username LIKE {username[:10]}%",
                "--fields",
                "id,username",
                "--json",
            )
        )

        assert data == [{"id": client_id, "username": username}]

    def test_list_table_shows_default_columns(self, cli, client_id):
        result = cli("clients", "list")

        assert result.exit_code == 0, result.output
        assert str(client_id) in result.stdout
        assert "client_status_id" in result.stdout

    def test_list_limit_stops_early(self, cli, sdk):
        for _ in range(3):
            sdk.clients.create(username=new_username(), email="l@example.com")

        data = as_json(cli("clients", "list", "--limit", "2", "--page-size", "1", "--json"))

        assert len(data) == 2

    def test_get(self, cli, client_id):
        assert as_json(cli("clients", "get", str(client_id), "--json"))["id"] == client_id

    def test_self_shows_credit(self, cli, partner):
        data = as_json(cli("clients", "self", "--json"))

        assert data["id"] == partner.partner_id
        assert data["credit"] == 1000

    def test_update_sets_and_clears(self, cli, client_id):
        data = as_json(
            cli(
                "clients",
                "update",
                str(client_id),
                "--city",
                "York",
                "--clear",
                "firstname",
                "--json",
            )
        )

        assert data["city"] == "York"
        assert data["firstname"] is None

    def test_suspend_and_unsuspend(self, cli, client_id):
        suspended = as_json(cli("clients", "suspend", str(client_id), "--json"))
        unsuspended = as_json(cli("clients", "unsuspend", str(client_id), "--json"))

        assert suspended["client_status_id"] == 2
        assert unsuspended["client_status_id"] == 1

    def test_delete(self, cli, client_id):
        assert as_json(cli("clients", "delete", str(client_id), "--json"))["client_status_id"] == 3

    def test_delete_dry_run_changes_nothing(self, cli, sdk, client_id):
        data = as_json(cli("clients", "delete", str(client_id), "--dry-run", "--json"))

        assert data["would_change"] is True
        assert sdk.clients.get(client_id).client_status_id == 1

    def test_delete_many_reports_each(self, cli, sdk, client_id):
        other = sdk.clients.create(username=new_username(), email="m@example.com").id

        data = as_json(cli("clients", "delete", str(client_id), str(other), "--json"))

        assert [row["id"] for row in data] == [client_id, other]
        assert {row["result"] for row in data} == {"ok"}

    def test_delete_many_with_a_failure_exits_1(self, cli, client_id):
        result = cli("clients", "delete", str(client_id), "9999999")

        assert result.exit_code == EXIT_API_ERROR
        assert "client_not_found" in result.stdout

    def test_restore_and_erasure(self, cli, sdk, client_id):
        sdk.clients.delete(client_id)

        receipt = as_json(cli("clients", "erasure", str(client_id), "--json"))
        restored = as_json(cli("clients", "restore", str(client_id), "--json"))

        assert receipt["client_id"] == client_id
        assert restored["client_status_id"] != 3

    def test_live_services_of_client(self, cli, client_id, service_id):
        data = as_json(cli("clients", "live-services", str(client_id), "--json"))

        assert [row["id"] for row in data] == [service_id]


class TestLiveServices:
    def test_list_by_client(self, cli, client_id, service_id):
        data = as_json(cli("live-services", "list", "--client", str(client_id), "--json"))

        assert [row["id"] for row in data] == [service_id]

    def test_get(self, cli, service_id):
        assert as_json(cli("live-services", "get", str(service_id), "--json"))[
            "regrade_servicenames"
        ] == ["outmail-5000"]

    def test_regrade(self, cli, service_id):
        data = as_json(cli("live-services", "regrade", str(service_id), "outmail-5000", "--json"))

        assert data["service_name"] == "outmail-5000"

    def test_suspend_and_unsuspend(self, cli, service_id):
        suspended = as_json(cli("live-services", "suspend", str(service_id), "--json"))
        unsuspended = as_json(cli("live-services", "unsuspend", str(service_id), "--json"))

        assert suspended["status"] == "suspended"
        assert unsuspended["status"] == "live"

    def test_delete(self, cli, service_id):
        assert (
            as_json(cli("live-services", "delete", str(service_id), "--json"))["status"]
            == "deleted"
        )

    def test_delete_all_of_a_client(self, cli, sdk, client_id, service_id):
        other = sdk.fakemxs.create(
            client_id=client_id, service_name="fakemx", domain="all.example"
        ).id

        data = as_json(
            cli("live-services", "delete", "--client", str(client_id), "--all", "--json")
        )

        assert [row["id"] for row in data] == [service_id, other]
        assert {service.status for service in sdk.clients.live_services(client_id)} == {"deleted"}

    def test_all_without_client_is_usage_error(self, cli):
        assert cli("live-services", "delete", "--all").exit_code == EXIT_USAGE

    def test_service_names(self, cli):
        data = as_json(cli("live-services", "service-names", "--json"))

        assert data["credit"] == 1000
        assert "outmail-500" in {package["service_name"] for package in data["packages"]}

    def test_tariff_table_shows_balance(self, cli):
        result = cli("tariff")

        assert result.exit_code == 0, result.output
        assert "outmail-500" in result.stdout
        assert "1000 credits" in result.stdout


class TestProducts:
    @pytest.mark.parametrize(
        ("command", "options"),
        [
            ("outmails", ["--service-name", "outmail-500", "--domain", "o.example"]),
            (
                "profilters",
                ["--service-name", "profilter-5", "--domain", "p.example", "--mailboxes", "2"],
            ),
            ("fakemxs", ["--service-name", "fakemx", "--domain", "f.example"]),
            (
                "backupmxs",
                [
                    "--service-name",
                    "backupmx-7",
                    "--domain",
                    "b.example",
                    "--destination",
                    "mx.b.example",
                ],
            ),
            ("masterdns", ["--service-name", "masterdns-100", "--domain", "m.example"]),
            (
                "backupdns",
                [
                    "--service-name",
                    "backupdns",
                    "--domain",
                    "s.example",
                    "--master-address",
                    "192.0.2.1",
                    "--master-address",
                    "192.0.2.2",
                ],
            ),
        ],
    )
    def test_create_then_list(self, cli, client_id, command, options):
        created = as_json(cli(command, "create", "--client", str(client_id), *options, "--json"))
        listed = as_json(cli(command, "list", "--json"))

        assert created["client_id"] == client_id
        assert [row["id"] for row in listed] == [created["id"]]


class TestAuditEvents:
    def test_list(self, cli, client_id):
        data = as_json(cli("audit-events", "list", "--search", f"subject_id={client_id}", "--json"))

        assert "client.created" in {row["action"] for row in data}


class TestExitCodes:
    def test_json_before_the_command(self, cli, client_id):
        result = cli("--json", "clients", "get", str(client_id))

        assert json.loads(result.stdout)["id"] == client_id

    def test_api_error_exits_1_with_message(self, cli):
        result = cli("clients", "get", "9999999")

        assert result.exit_code == EXIT_API_ERROR
        assert "client_not_found" in result.stderr

    def test_api_error_as_json(self, cli):
        result = cli("clients", "get", "9999999", "--json")

        assert json.loads(result.stderr)["error"]["code"] == "client_not_found"

    def test_bad_search_is_usage_error(self, cli):
        assert cli("clients", "list", "--search", "nonsense").exit_code == EXIT_USAGE

    def test_missing_argument_is_usage_error(self, cli):
        assert cli("clients", "get").exit_code == EXIT_USAGE

    def test_missing_configuration_is_usage_error(self, cli, sdk_env):
        env = {**sdk_env, "MYENGINE_API_KEY": ""}

        result = cli("clients", "self", env=env)

        assert result.exit_code == EXIT_USAGE
        assert "MYENGINE_API_KEY" in result.stderr

    def test_unreachable_server_exits_3(self, cli, sdk_env):
        env = {**sdk_env, "MYENGINE_URL": "http://127.0.0.1:1"}

        result = cli("--max-retries", "0", "clients", "self", env=env)

        assert result.exit_code == EXIT_CONNECTION


def test_installed_cli_deletes_a_client(sdk, cli):
    """The brief's first command: ``myengine clients delete ID`` prints the deleted client."""
    created = sdk.clients.create(username=new_username(), email="sub@example.com")

    result = cli("clients", "delete", str(created.id))

    assert result.exit_code == 0, result.stderr
    assert str(created.id) in result.stdout
    assert sdk.clients.get(created.id).client_status_id == 3
