"""Changes made with the operator command line are audit events of the operator."""

from tests.jobs.cli import run_server_command
from tests.retention.support import data


def test_cli_change_is_an_operator_event(api, partner, settings):
    result = run_server_command(settings, "partners", "networks", "add", str(partner.partner_id),
                                "127.0.0.0/8")
    assert result.returncode == 0, result.stderr
    [event] = data(api.get("/audit_events", params={"search": "(action:'partner.network_added')"}))
    assert event["actor_type"] == "operator"
    assert event["api_key_id"] is None
    assert event["request_id"] is None
    assert event["subject_type"] == "allowed_network"


def test_each_command_has_its_own_correlation_id(api, partner, settings):
    result = run_server_command(settings, "partners", "keys", "issue", str(partner.partner_id))
    assert result.returncode == 0, result.stderr
    run_server_command(settings, "partners", "keys", "issue", str(partner.partner_id))
    issued = data(api.get("/audit_events", params={"search": "(action:'api_key.issued')"}))
    by_operator = [event for event in issued if event["actor_type"] == "operator"]
    assert len(by_operator) == 2
    assert by_operator[0]["correlation_id"] != by_operator[1]["correlation_id"]


def test_issued_key_is_not_in_audit_trail(api, partner, settings):
    result = run_server_command(settings, "partners", "keys", "issue", str(partner.partner_id),
                                "--json")
    import json

    secret = json.loads(result.stdout)["api_key"]
    assert secret not in api.get("/audit_events").text
