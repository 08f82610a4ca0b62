"""DELETE /clients/{id}?dry_run=1 and GET /clients/{id}/erasure."""

import datetime as dt

from myengine.api.fields import render_timestamp
from myengine.retention.anonymise import CLIENT_FIELD_REPLACEMENTS, LIVE_SERVICE_FIELD_REPLACEMENTS
from myengine.retention.operations import anonymisation_key
from myengine.retention.policy import DataClass
from tests.factories import create_client
from tests.jobs.support import jobs_with_key
from tests.retention.support import data, error, run_anonymisations, set_grace_days

KEPT_CLASSES = {
    DataClass.CLIENT_RECORD, DataClass.LIVE_SERVICE_RECORDS, DataClass.CREDIT_LEDGER,
    DataClass.AUDIT_TRAIL, DataClass.JOB_QUEUE, DataClass.REQUEST_LOGS,
}


def create_fakemx(api, client_id: int) -> dict:  # type: ignore[no-untyped-def]
    body = {"client_id": client_id, "service_name": "fakemx", "domain": f"decoy-{client_id}.example"}
    return data(api.post("/fakemxs", json=body))


class TestDryRun:
    def test_dry_run_changes_nothing(self, api, database):
        client = create_client(api)
        service = create_fakemx(api, client["id"])
        data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert data(api.get(f"/clients/{client['id']}")) == client
        assert data(api.get(f"/live_services/{service['id']}"))["status"] == "live"
        assert jobs_with_key(database, anonymisation_key(client["id"])) == []

    def test_dry_run_lists_services_to_suspend(self, api):
        client = create_client(api)
        service = create_fakemx(api, client["id"])
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert preview["dry_run"] is True
        assert preview["would_change"] is True
        assert preview["client_status_id_after"] == 3
        assert preview["suspend_live_service_ids"] == [service["id"]]
        assert preview["terminate_live_service_ids_at_anonymisation"] == [service["id"]]

    def test_dry_run_says_when_anonymisation_would_run(self, api, settings, clock):
        client = create_client(api)
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "true"}))
        expected = clock.now + dt.timedelta(days=settings.retention_grace_days)
        assert preview["anonymise_after"] == render_timestamp(expected)

    def test_dry_run_uses_the_partners_grace_period(self, api, database, partner, clock):
        set_grace_days(database, partner.partner_id, 3)
        client = create_client(api)
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert preview["anonymise_after"] == render_timestamp(clock.now + dt.timedelta(days=3))

    def test_dry_run_lists_every_field_to_anonymise(self, api):
        client = create_client(api)
        service = create_fakemx(api, client["id"])
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        client_fields = [e["field"] for e in preview["anonymise"] if e["record"] == "client"]
        service_fields = [e["field"] for e in preview["anonymise"]
                          if e["record"] == "live_service" and e["record_id"] == service["id"]]
        assert client_fields == list(CLIENT_FIELD_REPLACEMENTS)
        assert service_fields == list(LIVE_SERVICE_FIELD_REPLACEMENTS)

    def test_dry_run_lists_kept_records_and_why(self, api):
        client = create_client(api)
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert {kept["class"] for kept in preview["kept"]} == KEPT_CLASSES
        for kept in preview["kept"]:
            assert kept["reason"], kept["class"]
            assert kept["retention"], kept["class"]

    def test_dry_run_of_deleted_client_changes_nothing(self, api):
        client = create_client(api)
        deleted = data(api.delete(f"/clients/{client['id']}"))
        preview = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert preview["would_change"] is False
        assert preview["suspend_live_service_ids"] == []
        assert preview["anonymise_after"] == deleted["anonymise_after"]

    def test_dry_run_zero_deletes(self, api):
        client = create_client(api)
        deleted = data(api.delete(f"/clients/{client['id']}", params={"dry_run": "0"}))
        assert deleted["client_status_id"] == 3

    def test_invalid_dry_run_is_400(self, api):
        client = create_client(api)
        err = error(api.delete(f"/clients/{client['id']}", params={"dry_run": "maybe"}), 400)
        assert err["code"] == "invalid_parameter"
        assert "maybe" in err["message"]
        assert data(api.get(f"/clients/{client['id']}"))["deleted"] is None

    def test_dry_run_of_partner_record_is_403(self, api, partner):
        err = error(api.delete(f"/clients/{partner.partner_id}", params={"dry_run": "1"}), 403)
        assert err["code"] == "partner_record_read_only"


class TestErasureReceipt:
    def test_client_that_is_not_deleted_is_409(self, api):
        client = create_client(api)
        err = error(api.get(f"/clients/{client['id']}/erasure"), 409)
        assert err["code"] == "client_not_deleted"
        assert str(client["id"]) in err["message"]

    def test_unknown_client_is_404(self, api):
        assert error(api.get("/clients/999999999/erasure"), 404)["code"] == "client_not_found"

    def test_partner_record_is_403(self, api, partner):
        err = error(api.get(f"/clients/{partner.partner_id}/erasure"), 403)
        assert err["code"] == "partner_record_read_only"

    def test_deleted_client_receipt_shows_the_scheduled_erasure(self, api):
        client = create_client(api)
        deleted = data(api.delete(f"/clients/{client['id']}"))
        receipt = data(api.get(f"/clients/{client['id']}/erasure"))
        assert receipt["client_status_id"] == 3
        assert receipt["anonymised"] is None
        for erasure in receipt["erased"]:
            assert erasure["erased"] is None
            assert erasure["scheduled"] == deleted["anonymise_after"]

    def test_receipt_lists_erased_fields_and_times(
        self, api, database, partner, settings, clock
    ):
        set_grace_days(database, partner.partner_id, 0)
        client = create_client(api)
        service = create_fakemx(api, client["id"])
        data(api.delete(f"/clients/{client['id']}"))
        clock.advance(minutes=5)
        run_anonymisations(database, settings)
        receipt = data(api.get(f"/clients/{client['id']}/erasure"))

        assert receipt["client_status_id"] == 4
        assert receipt["anonymised"] == render_timestamp(clock.now)
        erased = {(e["record"], e["record_id"], e["field"]): e for e in receipt["erased"]}
        assert erased[("client", client["id"], "username")]["replacement"] == (
            f"anonymised-{client['id']}"
        )
        assert erased[("client", client["id"], "email")]["replacement"] == "null"
        assert erased[("live_service", service["id"], "domain")]["erased"] == render_timestamp(clock.now)

    def test_receipt_gives_purge_dates(
        self, api, database, partner, settings, clock
    ):
        set_grace_days(database, partner.partner_id, 0)
        client = create_client(api)
        create_fakemx(api, client["id"])
        created = clock.now
        data(api.delete(f"/clients/{client['id']}"))
        clock.advance(minutes=5)
        run_anonymisations(database, settings)
        kept = {k["class"]: k for k in data(api.get(f"/clients/{client['id']}/erasure"))["kept"]}

        assert kept["credit_ledger"]["purge_after"] == render_timestamp(
            created + dt.timedelta(days=settings.ledger_retention_days)
        )
        assert kept["audit_trail"]["purge_after"] == render_timestamp(
            clock.now + dt.timedelta(days=settings.audit_retention_days)
        )
        assert kept["job_queue"]["purge_after"] == render_timestamp(
            clock.now + dt.timedelta(days=settings.job_retention_days)
        )
        assert kept["client_record"]["purge_after"] is None
        assert kept["client_record"]["retention"] == "while the partner account exists"
