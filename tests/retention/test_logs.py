"""Log output carries ids and event names, never a personal value that was sent."""

import sys

from myengine.logs import configure_logging
from tests.retention.support import (
    data,
    error,
    personal_client_body,
    run_anonymisations,
    scanned_values,
    set_grace_days,
)


def test_client_lifecycle_logs_no_personal_value(api, database, partner, settings, capfd):
    configure_logging("DEBUG", "json", stream=sys.stdout)
    try:
        set_grace_days(database, partner.partner_id, 0)
        body = personal_client_body()
        client = data(api.post("/clients", json=body))
        edited = personal_client_body()
        del edited["username"], edited["external_userid"]
        data(api.patch(f"/clients/{client['id']}", json=edited))

        # Failures whose messages quote the values sent: the caller sees them, the log must not.
        error(api.post("/clients", json={**personal_client_body(), "username": body["username"]}), 409)
        bad_email = personal_client_body()
        bad_email["email"] = f"not-an-email-{bad_email['surname']}"
        error(api.post("/clients", json=bad_email), 422)

        domain = f"zlog-{client['id']}.example"
        data(api.post("/fakemxs", json={"client_id": client["id"], "service_name": "fakemx",
                                        "domain": domain}))
        data(api.delete(f"/clients/{client['id']}"))
        run_anonymisations(database, settings)
        assert data(api.get(f"/clients/{client['id']}"))["client_status_id"] == 4
        data(api.get(f"/clients/{client['id']}/erasure"))
    finally:
        configure_logging(settings.log_level, settings.log_format, stream=sys.__stdout__)

    captured = capfd.readouterr()
    output = (captured.out + captured.err).lower()
    assert "client.anonymised" in output
    sent = scanned_values(body) + scanned_values(edited) + [bad_email["email"], domain]
    for value in sent:
        assert value.lower() not in output, value


def test_unexpected_error_logs_stack_without_message(api, settings, capfd, monkeypatch):
    from myengine.clients import operations

    body = personal_client_body()

    def fail_quoting(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError(f"cannot store {body['email']} for {body['surname']}")

    monkeypatch.setattr(operations, "create_client", fail_quoting)
    configure_logging("DEBUG", "json", stream=sys.stdout)
    try:
        error(api.post("/clients", json=body), 500)
    finally:
        configure_logging(settings.log_level, settings.log_format, stream=sys.__stdout__)

    output = capfd.readouterr().out
    assert "request.unhandled_error" in output
    assert "builtins.ValueError: (message withheld from the log)" in output
    assert "in fail_quoting" in output
    assert body["email"] not in output
    assert body["surname"] not in output
