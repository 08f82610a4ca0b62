"""PATCH /live_services/{id}: moving a service to another package of its product."""

import pytest

from myengine.credits.models import LedgerReason
from tests.factories import create_service
from tests.live_services.helpers import balance, data, error, ledger, stored_service


def regrade(api, service_id: int, **body):  # type: ignore[no-untyped-def]
    return api.patch(f"/live_services/{service_id}", json=body)


class TestUpgrade:
    def test_upgrade_changes_the_package(self, api):
        service = create_service(api, "outmails")
        regraded = data(regrade(api, service["id"], service_name="outmail-5000"))
        assert regraded["service_name"] == "outmail-5000"
        assert regraded["regrade_servicenames"] == ["outmail-500"]

    def test_upgrade_charges_the_price_difference(self, api, database, partner):
        service = create_service(api, "outmails")
        data(regrade(api, service["id"], service_name="outmail-5000"))
        assert balance(database, partner.partner_id) == 1000 - 2 - 4

    def test_upgrade_writes_one_ledger_row(self, api, database, partner):
        service = create_service(api, "outmails")
        response = api.patch(
            f"/live_services/{service['id']}",
            json={"service_name": "outmail-5000"},
            headers={"X-Request-Id": "req-regrade-0001"},
        )
        data(response)
        rows = ledger(database, partner.partner_id)
        assert [row.reason for row in rows] == [
            "grant", LedgerReason.SERVICE_CREATED, LedgerReason.SERVICE_REGRADED
        ]
        charge = rows[-1]
        assert charge.amount == -4
        assert charge.balance_after == 994
        assert charge.live_service_id == service["id"]
        assert charge.service_name == "outmail-5000"
        assert charge.request_id == "req-regrade-0001"

    def test_upgrade_keeps_smtp_credentials(self, api, database):
        service = create_service(api, "outmails")
        before = stored_service(database, service["id"]).smtp_password_hash
        regraded = data(regrade(api, service["id"], service_name="outmail-5000"))
        assert regraded["smtp_username"] == service["smtp_username"]
        assert "smtp_password" not in regraded
        assert stored_service(database, service["id"]).smtp_password_hash == before

    def test_upgrade_is_visible_on_get(self, api):
        service = create_service(api, "masterdns")
        data(regrade(api, service["id"], service_name="masterdns-1000"))
        assert data(api.get(f"/live_services/{service['id']}"))["service_name"] == "masterdns-1000"

    def test_suspended_service_may_be_regraded(self, api):
        service = create_service(api, "masterdns")
        data(api.patch(f"/live_services/{service['id']}/suspension", json={"suspend": 1}))
        regraded = data(regrade(api, service["id"], service_name="masterdns-1000"))
        assert regraded["status"] == "suspended"


class TestDowngrade:
    def test_downgrade_charges_nothing(self, api, database, partner):
        service = create_service(api, "outmails", service_name="outmail-5000")
        data(regrade(api, service["id"], service_name="outmail-500"))
        assert balance(database, partner.partner_id) == 994

    def test_downgrade_writes_no_ledger_row(self, api, database, partner):
        service = create_service(api, "outmails", service_name="outmail-5000")
        data(regrade(api, service["id"], service_name="outmail-500"))
        assert [row.reason for row in ledger(database, partner.partner_id)] == [
            "grant", LedgerReason.SERVICE_CREATED
        ]

    def test_downgrade_works_with_no_credits_left(self, api_for):
        poor_api, _ = api_for(credits=6)
        service = create_service(poor_api, "outmails", service_name="outmail-5000")
        regraded = data(regrade(poor_api, service["id"], service_name="outmail-500"))
        assert regraded["service_name"] == "outmail-500"


class TestInsufficientCredits:
    def test_upgrade_without_enough_credits_is_405(self, api_for):
        poor_api, _ = api_for(credits=5)
        service = create_service(poor_api, "profilters")
        err = error(regrade(poor_api, service["id"], service_name="profilter-25"), 405)
        assert err["code"] == "insufficient_credits"
        assert err["credits_required"] == 7
        assert err["credit"] == 2

    def test_failed_upgrade_changes_nothing(self, api_for, database):
        poor_api, poor = api_for(credits=5)
        service = create_service(poor_api, "profilters")
        error(regrade(poor_api, service["id"], service_name="profilter-25"), 405)
        assert data(poor_api.get(f"/live_services/{service['id']}"))["service_name"] == "profilter-5"
        assert balance(database, poor.partner_id) == 2
        assert len(ledger(database, poor.partner_id)) == 2


class TestRejected:
    def test_same_package_is_409(self, api):
        service = create_service(api, "outmails")
        err = error(regrade(api, service["id"], service_name="outmail-500"), 409)
        assert err["code"] == "same_package"
        assert "outmail-5000" in err["message"]

    def test_package_of_another_product_is_422(self, api):
        service = create_service(api, "outmails")
        err = error(regrade(api, service["id"], service_name="masterdns-1000"), 422)
        assert err["code"] == "invalid_service_name"
        assert err["field"] == "service_name"
        assert "masterdns-1000" in err["message"]

    def test_unknown_package_is_422(self, api):
        service = create_service(api, "outmails")
        assert error(regrade(api, service["id"], service_name="gold"), 422)["code"] == "invalid_service_name"

    def test_deleted_service_is_409(self, api, database, partner):
        service = create_service(api, "outmails")
        data(api.delete(f"/live_services/{service['id']}"))
        err = error(regrade(api, service["id"], service_name="outmail-5000"), 409)
        assert err["code"] == "live_service_deleted"
        assert balance(database, partner.partner_id) == 998

    def test_missing_service_name_is_422(self, api):
        service = create_service(api, "outmails")
        err = error(regrade(api, service["id"]), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == "service_name"

    def test_unknown_field_is_422(self, api):
        service = create_service(api, "outmails")
        err = error(regrade(api, service["id"], service_name="outmail-5000", domain="x.example"), 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "domain"

    def test_unknown_id_is_404(self, api):
        err = error(regrade(api, 999999999, service_name="outmail-5000"), 404)
        assert err["code"] == "live_service_not_found"


class TestProFilterMailboxes:
    def test_upgrade_keeps_mailboxes(self, api):
        service = create_service(api, "profilters", mailboxes=4)
        assert data(regrade(api, service["id"], service_name="profilter-25"))["mailboxes"] == 4

    def test_upgrade_may_raise_mailboxes(self, api):
        service = create_service(api, "profilters", mailboxes=4)
        regraded = data(regrade(api, service["id"], service_name="profilter-25", mailboxes=20))
        assert regraded["mailboxes"] == 20

    def test_downgrade_below_current_mailboxes_is_422(self, api):
        service = create_service(api, "profilters", service_name="profilter-25", mailboxes=20)
        err = error(regrade(api, service["id"], service_name="profilter-5"), 422)
        assert err["code"] == "mailbox_limit_exceeded"
        assert err["field"] == "mailboxes"
        assert "at most 5" in err["message"]

    def test_downgrade_with_fitting_mailboxes_succeeds(self, api):
        service = create_service(api, "profilters", service_name="profilter-25", mailboxes=20)
        regraded = data(regrade(api, service["id"], service_name="profilter-5", mailboxes=5))
        assert regraded["mailboxes"] == 5

    def test_mailboxes_over_new_limit_is_422(self, api):
        service = create_service(api, "profilters")
        err = error(regrade(api, service["id"], service_name="profilter-25", mailboxes=26), 422)
        assert err["code"] == "mailbox_limit_exceeded"

    @pytest.mark.parametrize("collection", ["outmails", "masterdns"])
    def test_mailboxes_on_another_product_is_unknown(self, api, collection):
        service = create_service(api, collection)
        target = {"outmails": "outmail-5000", "masterdns": "masterdns-1000"}[collection]
        err = error(regrade(api, service["id"], service_name=target, mailboxes=5), 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "mailboxes"
