"""DELETE /live_services/{id}: terminating a service keeps its row and history."""

from tests.factories import create_service
from tests.live_services.helpers import balance, data, error, ledger, stored_service


class TestDelete:
    def test_delete_marks_the_service_deleted(self, api):
        service = create_service(api)
        deleted = data(api.delete(f"/live_services/{service['id']}"))
        assert deleted["status"] == "deleted"
        assert deleted["deleted"].endswith("Z")

    def test_deleted_service_has_no_regrade_targets(self, api):
        service = create_service(api, "outmails")
        deleted = data(api.delete(f"/live_services/{service['id']}"))
        assert deleted["regrade_servicenames"] == []

    def test_delete_twice_answers_200_with_same_representation(self, api):
        service = create_service(api)
        first = data(api.delete(f"/live_services/{service['id']}"))
        second = data(api.delete(f"/live_services/{service['id']}"))
        assert second == first

    def test_deleted_service_is_still_readable(self, api):
        service = create_service(api)
        deleted = data(api.delete(f"/live_services/{service['id']}"))
        assert data(api.get(f"/live_services/{service['id']}")) == deleted

    def test_deleted_service_stays_in_lists(self, api):
        service = create_service(api)
        data(api.delete(f"/live_services/{service['id']}"))
        items = data(api.get("/live_services", params={"search": "(status:deleted)"}))
        assert [item["id"] for item in items] == [service["id"]]

    def test_delete_refunds_nothing(self, api, database, partner):
        service = create_service(api, "profilters")
        data(api.delete(f"/live_services/{service['id']}"))
        assert balance(database, partner.partner_id) == 997
        assert len(ledger(database, partner.partner_id)) == 2

    def test_suspension_causes_stay_as_history(self, api):
        service = create_service(api)
        data(api.patch(f"/live_services/{service['id']}/suspension", json={"suspend": 1}))
        deleted = data(api.delete(f"/live_services/{service['id']}"))
        assert deleted["status"] == "deleted"
        assert deleted["suspension_causes"] == ["partner"]

    def test_delete_erases_smtp_password_hash(self, api, database):
        service = create_service(api, "outmails")
        data(api.delete(f"/live_services/{service['id']}"))
        stored = stored_service(database, service["id"])
        assert stored.smtp_password_hash is None
        assert stored.attributes["smtp_username"] == service["smtp_username"]

    def test_unknown_id_is_404(self, api):
        err = error(api.delete("/live_services/999999999"), 404)
        assert err["code"] == "live_service_not_found"

    def test_non_numeric_id_is_400(self, api):
        assert error(api.delete("/live_services/abc"), 400)["code"] == "invalid_parameter"
