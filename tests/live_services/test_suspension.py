"""PATCH /live_services/{id}/suspension: causes added by the partner, the client and the platform."""

import pytest

from myengine.live_services.models import SuspensionCause
from tests.factories import create_client, create_service
from tests.live_services.helpers import add_platform_cause, data, error


def set_suspended(api, service_id: int, value):  # type: ignore[no-untyped-def]
    return api.patch(f"/live_services/{service_id}/suspension", json={"suspend": value})


class TestSuspend:
    def test_suspend_adds_partner_cause(self, api):
        service = create_service(api)
        suspended = data(set_suspended(api, service["id"], 1))
        assert suspended["status"] == "suspended"
        assert suspended["suspension_causes"] == ["partner"]

    def test_suspend_twice_keeps_one_cause(self, api):
        service = create_service(api)
        data(set_suspended(api, service["id"], 1))
        again = data(set_suspended(api, service["id"], 1))
        assert again["suspension_causes"] == ["partner"]

    def test_suspension_is_visible_on_get(self, api):
        service = create_service(api)
        data(set_suspended(api, service["id"], 1))
        assert data(api.get(f"/live_services/{service['id']}"))["status"] == "suspended"

    @pytest.mark.parametrize(("value", "status"), [(True, "suspended"), ("1", "suspended"),
                                                   ("true", "suspended"), (False, "live"),
                                                   ("0", "live"), ("false", "live")])
    def test_flag_accepts_numbers_strings_and_booleans(self, api, value, status):
        service = create_service(api)
        assert data(set_suspended(api, service["id"], value))["status"] == status

    @pytest.mark.parametrize("value", ["maybe", 2, None])
    def test_invalid_flag_is_422(self, api, value):
        service = create_service(api)
        err = error(set_suspended(api, service["id"], value), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == "suspend"

    def test_missing_suspend_is_422(self, api):
        service = create_service(api)
        err = error(api.patch(f"/live_services/{service['id']}/suspension", json={}), 422)
        assert err["field"] == "suspend"

    def test_unknown_field_is_422(self, api):
        service = create_service(api)
        response = api.patch(
            f"/live_services/{service['id']}/suspension", json={"suspend": 1, "reason": "late"}
        )
        err = error(response, 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "reason"


class TestUnsuspend:
    def test_unsuspend_lifts_partner_cause(self, api):
        service = create_service(api)
        data(set_suspended(api, service["id"], 1))
        live = data(set_suspended(api, service["id"], 0))
        assert live["status"] == "live"
        assert live["suspension_causes"] == []

    def test_unsuspend_of_live_service_changes_nothing(self, api):
        service = create_service(api)
        assert data(set_suspended(api, service["id"], 0))["status"] == "live"

    def test_unsuspend_lifts_client_cause_after_re_enable(self, api):
        client = create_client(api)
        service = create_service(api, client_id=client["id"])
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 1}))
        still = data(api.get(f"/live_services/{service['id']}"))
        assert still["suspension_causes"] == ["client_suspended"]
        assert data(set_suspended(api, service["id"], 0))["status"] == "live"

    def test_unsuspend_lifts_partner_and_client_causes_together(self, api):
        client = create_client(api)
        service = create_service(api, client_id=client["id"])
        data(set_suspended(api, service["id"], 1))
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 1}))
        assert data(set_suspended(api, service["id"], 0))["suspension_causes"] == []

    def test_unsuspend_while_client_suspended_is_409(self, api):
        client = create_client(api)
        service = create_service(api, client_id=client["id"])
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        err = error(set_suspended(api, service["id"], 0), 409)
        assert err["code"] == "client_suspended"
        assert data(api.get(f"/live_services/{service['id']}"))["status"] == "suspended"

    def test_unsuspend_of_deleted_clients_service_is_409(self, api):
        client = create_client(api)
        service = create_service(api, client_id=client["id"])
        data(api.delete(f"/clients/{client['id']}"))
        err = error(set_suspended(api, service["id"], 0), 409)
        assert err["code"] == "client_deleted"
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["suspension_causes"] == ["client_deleted"]


class TestPlatformCause:
    @pytest.mark.parametrize("cause", [SuspensionCause.PLATFORM_ABUSE, SuspensionCause.PLATFORM_BILLING])
    def test_unsuspend_under_platform_cause_is_403(self, api, database, cause):
        service = create_service(api)
        add_platform_cause(database, service["id"], cause)
        err = error(set_suspended(api, service["id"], 0), 403)
        assert err["code"] == "platform_suspension"
        assert cause.value in err["message"]

    def test_refused_unsuspend_changes_nothing(self, api, database):
        service = create_service(api)
        data(set_suspended(api, service["id"], 1))
        add_platform_cause(database, service["id"], SuspensionCause.PLATFORM_ABUSE)
        error(set_suspended(api, service["id"], 0), 403)
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["status"] == "suspended"
        assert fetched["suspension_causes"] == ["partner", "platform_abuse"]

    def test_platform_cause_shows_in_representation(self, api, database):
        service = create_service(api)
        add_platform_cause(database, service["id"], SuspensionCause.PLATFORM_BILLING)
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["status"] == "suspended"
        assert fetched["suspension_causes"] == ["platform_billing"]

    def test_partner_may_add_its_own_cause(self, api, database):
        service = create_service(api)
        add_platform_cause(database, service["id"], SuspensionCause.PLATFORM_ABUSE)
        suspended = data(set_suspended(api, service["id"], 1))
        assert suspended["suspension_causes"] == ["platform_abuse", "partner"]


class TestDeletedService:
    @pytest.mark.parametrize("value", [1, 0])
    def test_deleted_service_is_409(self, api, value):
        service = create_service(api)
        data(api.delete(f"/live_services/{service['id']}"))
        err = error(set_suspended(api, service["id"], value), 409)
        assert err["code"] == "live_service_deleted"

    def test_unknown_id_is_404(self, api):
        assert error(set_suspended(api, 999999999, 1), 404)["code"] == "live_service_not_found"
