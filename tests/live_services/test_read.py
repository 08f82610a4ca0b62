"""Reading live services: one service, lists with fields, search and paging, and the tariff."""

import pytest

from myengine.live_services.tariff import DEFAULT_TARIFF
from tests.factories import create_client, create_service
from tests.live_services.helpers import data, error


class TestGet:
    def test_get_returns_every_common_field(self, api, partner):
        service = create_service(api, whmcs_service_id="WH-1")
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["id"] == service["id"]
        assert fetched["client_id"] == partner.partner_id
        assert fetched["product"] == "masterDNS"
        assert fetched["service_name"] == "masterdns-100"
        assert fetched["status"] == "live"
        assert fetched["suspension_causes"] == []
        assert fetched["domain"] == "zone.example.com"
        assert fetched["whmcs_service_id"] == "WH-1"
        assert fetched["created"].endswith("Z")
        assert fetched["modified"].endswith("Z")
        assert fetched["deleted"] is None

    def test_regrade_servicenames_lists_other_packages_of_product(self, api):
        service = create_service(api, "profilters", service_name="profilter-25", mailboxes=5)
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["regrade_servicenames"] == ["profilter-5", "profilter-100"]

    def test_regarde_servicenames_carries_the_same_list(self, api):
        service = create_service(api, "profilters")
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["regarde_servicenames"] == fetched["regrade_servicenames"]

    def test_single_package_product_has_no_regrade_targets(self, api):
        service = create_service(api, "fakemxs")
        assert data(api.get(f"/live_services/{service['id']}"))["regrade_servicenames"] == []

    def test_create_response_carries_regrade_targets(self, api):
        service = create_service(api, "outmails")
        assert service["regrade_servicenames"] == ["outmail-5000"]
        assert service["regarde_servicenames"] == ["outmail-5000"]

    def test_product_fields_are_present(self, api):
        service = create_service(api, "backupdns", master_addresses=["198.51.100.1"])
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["master_addresses"] == ["198.51.100.1"]

    def test_unknown_id_is_404(self, api, partner):
        err = error(api.get("/live_services/999999999"), 404)
        assert err["code"] == "live_service_not_found"
        assert "999999999" in err["message"]
        assert err["url"] == "/api-v1/live_services/999999999"

    def test_id_beyond_integer_range_is_404(self, api):
        assert error(api.get("/live_services/99999999999999999999"), 404)["code"] == "live_service_not_found"

    def test_non_numeric_id_is_400(self, api):
        assert error(api.get("/live_services/abc"), 400)["code"] == "invalid_parameter"


class TestTariff:
    def test_service_names_is_not_taken_for_an_id(self, api):
        response = api.get("/live_services/service_names")
        assert response.status_code == 200

    def test_service_names_lists_every_package(self, api):
        items = data(api.get("/live_services/service_names"))
        assert [item["service_name"] for item in items] == [p["service_name"] for p in DEFAULT_TARIFF]

    def test_package_carries_product_description_credits_limits(self, api):
        items = data(api.get("/live_services/service_names"))
        profilter = next(item for item in items if item["service_name"] == "profilter-25")
        assert profilter == {
            "service_name": "profilter-25",
            "product": "proFilter",
            "description": "Inbound spam and virus filter, up to 25 mailboxes",
            "credits": 10,
            "limits": {"mailboxes": 25},
        }

    def test_meta_credit_is_the_balance(self, api):
        assert api.get("/live_services/service_names").json()["meta"]["credit"] == 1000

    def test_meta_credit_follows_charges(self, api):
        create_service(api, "outmails", service_name="outmail-5000")
        assert api.get("/live_services/service_names").json()["meta"]["credit"] == 994

    def test_meta_is_a_single_page(self, api):
        meta = api.get("/live_services/service_names").json()["meta"]
        assert meta["count"] == len(DEFAULT_TARIFF)
        assert meta["has_more"] is False
        assert meta["next_cursor"] is None


class TestList:
    def test_list_returns_services_oldest_first(self, api):
        ids = [create_service(api, collection)["id"] for collection in ("fakemxs", "outmails", "masterdns")]
        assert [item["id"] for item in data(api.get("/live_services"))] == ids

    def test_list_never_shows_regrade_targets(self, api):
        create_service(api)
        assert "regrade_servicenames" not in data(api.get("/live_services"))[0]

    def test_list_items_carry_every_product_field(self, api):
        create_service(api, "fakemxs")
        item = data(api.get("/live_services"))[0]
        assert item["smtp_username"] is None
        assert item["master_addresses"] is None

    def test_list_excludes_another_partners_services(self, api, other_api):
        create_service(other_api)
        mine = create_service(api)
        assert [item["id"] for item in data(api.get("/live_services"))] == [mine["id"]]

    def test_fields_limits_keys(self, api):
        create_service(api)
        items = data(api.get("/live_services", params={"fields": "!(id,service_name,status)"}))
        assert set(items[0]) == {"id", "service_name", "status"}

    def test_fields_may_name_a_product_field(self, api):
        create_service(api, "profilters", mailboxes=4)
        create_service(api, "fakemxs")
        items = data(api.get("/live_services", params={"fields": "!(product,mailboxes)"}))
        assert items == [
            {"product": "proFilter", "mailboxes": 4},
            {"product": "fakeMX", "mailboxes": None},
        ]

    def test_unknown_field_in_fields_is_400(self, api):
        err = error(api.get("/live_services", params={"fields": "!(id,colour)"}), 400)
        assert err["code"] == "invalid_fields"
        assert "colour" in err["message"]

    @pytest.mark.parametrize(
        ("search", "expected"),
        [
            ("(product:proFilter)", ["profilters"]),
            ("(service_name:fakemx)", ["fakemxs"]),
            ("('domain LIKE':'%.example.org')", ["masterdns"]),
            ("(status:suspended)", ["fakemxs"]),
            ("('product !=':fakeMX)", ["profilters", "masterdns"]),
        ],
    )
    def test_search_filters(self, api, search, expected):
        created = {
            "profilters": create_service(api, "profilters"),
            "fakemxs": create_service(api, "fakemxs"),
            "masterdns": create_service(api, "masterdns", domain="zone.example.org"),
        }
        data(api.patch(f"/live_services/{created['fakemxs']['id']}/suspension", json={"suspend": 1}))
        items = data(api.get("/live_services", params={"search": search}))
        assert [item["id"] for item in items] == [created[name]["id"] for name in expected]

    def test_search_on_client_id(self, api):
        client = create_client(api)
        create_service(api)
        client_service = create_service(api, client_id=client["id"])
        items = data(api.get("/live_services", params={"search": f"(client_id:{client['id']})"}))
        assert [item["id"] for item in items] == [client_service["id"]]

    def test_search_on_unsearchable_field_is_400(self, api):
        err = error(api.get("/live_services", params={"search": "(mailboxes:5)"}), 400)
        assert err["code"] == "invalid_search"
        assert "mailboxes" in err["message"]

    def test_paging_walks_every_service_once(self, api):
        ids = [create_service(api)["id"] for _ in range(5)]
        seen: list[int] = []
        cursor = None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            body = api.get("/live_services", params=params).json()
            seen.extend(item["id"] for item in body["data"])
            cursor = body["meta"]["next_cursor"]
            if not body["meta"]["has_more"]:
                break
        assert seen == ids

    def test_page_meta_counts_items(self, api):
        for _ in range(3):
            create_service(api)
        meta = api.get("/live_services", params={"limit": "2"}).json()["meta"]
        assert meta["count"] == 2
        assert meta["has_more"] is True
        assert meta["next_cursor"]

    def test_invalid_limit_is_400(self, api):
        assert error(api.get("/live_services", params={"limit": "0"}), 400)["code"] == "invalid_parameter"

    def test_invalid_cursor_is_400(self, api):
        assert error(api.get("/live_services", params={"cursor": "bogus"}), 400)["code"] == "invalid_cursor"

    def test_product_collection_accepts_fields_and_search(self, api):
        create_service(api, "profilters", mailboxes=2)
        create_service(api, "profilters", domain="other.example.com", mailboxes=3)
        items = data(
            api.get(
                "/profilters",
                params={"fields": "!(domain,mailboxes)", "search": "(domain:'other.example.com')"},
            )
        )
        assert items == [{"domain": "other.example.com", "mailboxes": 3}]
