"""Each script in examples/ runs against the live server and performs its task."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def run_example(sdk_env):  # type: ignore[no-untyped-def]
    """Run ``examples/NAME`` with arguments; return its standard output."""

    def run(name: str, *args: object) -> str:
        completed = subprocess.run(
            [sys.executable, str(EXAMPLES / name), *map(str, args)],
            env=sdk_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    return run


@pytest.fixture
def holder(sdk):  # type: ignore[no-untyped-def]
    return sdk.clients.create(
        username=f"ex-{uuid.uuid4().hex[:12]}", email="ex@example.com", company="Acme"
    )


@pytest.fixture
def service(sdk, holder):  # type: ignore[no-untyped-def]
    return sdk.outmails.create(client_id=holder.id, service_name="outmail-500", domain="ex.example")


def test_every_example_is_tested():
    tested = {
        name.removeprefix("test_") + ".py"
        for name in globals()
        if name.startswith("test_") and name != "test_every_example_is_tested"
    }

    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_create_client(run_example, sdk):
    username = f"ex-{uuid.uuid4().hex[:12]}"

    output = run_example("create_client.py", username, "new@example.com")

    [record] = sdk.clients.list(search={"username": username})
    assert f"Created client {record.id}" in output


def test_list_clients(run_example, holder):
    assert holder.username in run_example("list_clients.py")


def test_list_clients_fields(run_example, holder):
    output = run_example("list_clients_fields.py")

    assert f"'id': {holder.id}, 'username': '{holder.username}', 'active': 1" in output


def test_search_clients(run_example, sdk, holder):
    sdk.clients.create(username=f"other-{uuid.uuid4().hex[:8]}", email="o@example.com")

    output = run_example("search_clients.py", "ex-")

    assert output.split() == [str(holder.id), holder.username]


def test_get_client(run_example, holder):
    assert f'"username": "{holder.username}"' in run_example("get_client.py", holder.id)


def test_get_self(run_example, partner):
    assert f"Partner {partner.partner_id}" in run_example("get_self.py")


def test_edit_client(run_example, sdk, holder):
    run_example("edit_client.py", holder.id)

    record = sdk.clients.get(holder.id)
    assert record.city == "Leeds"
    assert record.company is None


def test_suspend_client(run_example, sdk, holder):
    run_example("suspend_client.py", holder.id)

    assert sdk.clients.get(holder.id).client_status_id == 2


def test_unsuspend_client(run_example, sdk, holder, service):
    sdk.clients.suspend(holder.id)

    run_example("unsuspend_client.py", holder.id)

    assert sdk.clients.get(holder.id).client_status_id == 1
    assert sdk.live_services.get(service.id).status == "live"


def test_delete_client(run_example, sdk, holder):
    run_example("delete_client.py", holder.id)

    assert sdk.clients.get(holder.id).client_status_id == 3


def test_list_client_live_services(run_example, holder, service):
    assert f"{service.id} outMail outmail-500 live ex.example" in run_example(
        "list_client_live_services.py", holder.id
    )


def test_create_outmail(run_example, sdk, holder):
    output = run_example("create_outmail.py", holder.id, "relay.example")

    [created] = sdk.outmails.list()
    assert f"SMTP user {created.smtp_username}" in output


def test_create_profilter(run_example, sdk, holder):
    run_example("create_profilter.py", holder.id, "filter.example")

    [created] = sdk.profilters.list()
    assert created.mailboxes == 20


def test_create_fakemx(run_example, sdk, holder):
    run_example("create_fakemx.py", holder.id, "decoy.example")

    assert [service.domain for service in sdk.fakemxs.list()] == ["decoy.example"]


def test_create_backupmx(run_example, sdk, holder):
    run_example("create_backupmx.py", holder.id, "queue.example", "mx.queue.example")

    assert [service.destination for service in sdk.backupmxs.list()] == ["mx.queue.example"]


def test_create_masterdns(run_example, sdk, holder):
    run_example("create_masterdns.py", holder.id, "zone.example")

    assert [service.domain for service in sdk.masterdns.list()] == ["zone.example"]


def test_create_backupdns(run_example, sdk, holder):
    run_example("create_backupdns.py", holder.id, "zone.example", "192.0.2.1", "192.0.2.2")

    assert [service.master_addresses for service in sdk.backupdns.list()] == [
        ["192.0.2.1", "192.0.2.2"]
    ]


def test_regrade_service(run_example, sdk, service):
    run_example("regrade_service.py", service.id)

    assert sdk.live_services.get(service.id).service_name == "outmail-5000"


def test_suspend_service(run_example, sdk, service):
    run_example("suspend_service.py", service.id)

    assert sdk.live_services.get(service.id).status == "suspended"


def test_unsuspend_service(run_example, sdk, service):
    sdk.live_services.suspend(service.id)

    run_example("unsuspend_service.py", service.id)

    assert sdk.live_services.get(service.id).status == "live"


def test_delete_service(run_example, sdk, service):
    run_example("delete_service.py", service.id)

    assert sdk.live_services.get(service.id).status == "deleted"


def test_read_tariff(run_example):
    output = run_example("read_tariff.py")

    assert "outmail-500" in output
    assert "Your balance: 1000 credits" in output
