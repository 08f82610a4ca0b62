"""Creating services through the six product collections, on both backends."""

import pytest

from myengine.credits.models import LedgerReason
from myengine.live_services.smtp_credentials import password_matches
from tests.factories import SERVICE_BODIES, create_client, create_service, service_body
from tests.live_services.helpers import (
    balance,
    data,
    error,
    ledger,
    service_count,
    stored_service,
)

PRODUCT_OF = {
    "outmails": "outMail",
    "profilters": "proFilter",
    "fakemxs": "fakeMX",
    "backupmxs": "backupMX",
    "masterdns": "masterDNS",
    "backupdns": "backupDNS",
}
PRICE = {
    "outmail-500": 2,
    "profilter-5": 3,
    "fakemx": 1,
    "backupmx-7": 2,
    "masterdns-100": 1,
    "backupdns": 1,
}
DOMAIN_PRODUCTS = ["profilters", "fakemxs", "backupmxs", "masterdns", "backupdns"]


class TestCreateEachProduct:
    @pytest.mark.parametrize("collection", list(SERVICE_BODIES))
    def test_create_answers_200_with_location(self, api, collection):
        response = api.post(f"/{collection}", json=service_body(collection))
        service = data(response)
        assert response.headers["location"] == f"/api-v1/live_services/{service['id']}"

    @pytest.mark.parametrize("collection", list(SERVICE_BODIES))
    def test_create_returns_live_service_of_product(self, api, collection):
        service = create_service(api, collection)
        assert service["product"] == PRODUCT_OF[collection]
        assert service["service_name"] == SERVICE_BODIES[collection]["service_name"]
        assert service["status"] == "live"
        assert service["suspension_causes"] == []
        assert service["live_service_id"] == service["id"]
        assert service["deleted"] is None

    @pytest.mark.parametrize("collection", list(SERVICE_BODIES))
    def test_created_service_is_readable(self, api, collection):
        service = create_service(api, collection)
        fetched = data(api.get(f"/live_services/{service['id']}"))
        assert fetched["product"] == PRODUCT_OF[collection]

    @pytest.mark.parametrize("collection", list(SERVICE_BODIES))
    def test_create_charges_package_credits(self, api, database, partner, collection):
        service = create_service(api, collection)
        assert balance(database, partner.partner_id) == 1000 - PRICE[service["service_name"]]

    @pytest.mark.parametrize("collection", list(SERVICE_BODIES))
    def test_product_collection_lists_only_its_product(self, api, collection):
        for other in SERVICE_BODIES:
            create_service(api, other)
        items = data(api.get(f"/{collection}"))
        assert [item["product"] for item in items] == [PRODUCT_OF[collection]]

    def test_ids_are_seven_digit_integers(self, api):
        service = create_service(api)
        assert isinstance(service["id"], int)
        assert service["id"] >= 1_234_001


class TestHolder:
    def test_client_id_omitted_means_the_partner(self, api, partner):
        assert create_service(api)["client_id"] == partner.partner_id

    def test_partner_id_as_client_id(self, api, partner):
        service = create_service(api, client_id=partner.partner_id)
        assert service["client_id"] == partner.partner_id

    def test_service_for_a_client(self, api):
        client = create_client(api)
        assert create_service(api, client_id=client["id"])["client_id"] == client["id"]

    def test_client_listing_shows_the_service(self, api):
        client = create_client(api)
        service = create_service(api, client_id=client["id"])
        items = data(api.get(f"/clients/{client['id']}/live_services"))
        assert [item["id"] for item in items] == [service["id"]]

    def test_unknown_client_is_404(self, api):
        err = error(api.post("/masterdns", json=service_body("masterdns", client_id=999999999)), 404)
        assert err["code"] == "client_not_found"
        assert err["field"] == "client_id"
        assert "999999999" in err["message"]

    def test_another_partners_client_is_404(self, api, other_api):
        foreign = create_client(other_api)
        err = error(api.post("/masterdns", json=service_body("masterdns", client_id=foreign["id"])), 404)
        assert err["code"] == "client_not_found"

    def test_another_partners_own_record_is_404(self, api, api_for):
        _, other = api_for()
        body = service_body("masterdns", client_id=other.partner_id)
        assert error(api.post("/masterdns", json=body), 404)["code"] == "client_not_found"

    def test_deleted_client_is_409(self, api, database, partner):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        err = error(api.post("/masterdns", json=service_body("masterdns", client_id=client["id"])), 409)
        assert err["code"] == "client_deleted"
        assert balance(database, partner.partner_id) == 1000

    def test_suspended_client_is_409(self, api, database, partner):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        err = error(api.post("/masterdns", json=service_body("masterdns", client_id=client["id"])), 409)
        assert err["code"] == "client_suspended"
        assert f"/clients/{client['id']}/enabled" in err["message"]
        assert service_count(database, partner.partner_id) == 0

    def test_re_enabled_client_can_hold_services(self, api):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 1}))
        assert create_service(api, client_id=client["id"])["status"] == "live"


class TestServiceName:
    def test_package_of_another_product_is_422_naming_it(self, api):
        err = error(api.post("/fakemxs", json=service_body("fakemxs", service_name="masterdns-100")), 422)
        assert err["code"] == "invalid_service_name"
        assert err["field"] == "service_name"
        assert "masterdns-100" in err["message"]
        assert "fakemx" in err["message"]

    def test_unknown_package_is_422(self, api):
        err = error(api.post("/masterdns", json=service_body("masterdns", service_name="gold")), 422)
        assert err["code"] == "invalid_service_name"
        assert "'gold'" in err["message"]

    def test_missing_service_name_is_422(self, api):
        body = service_body("masterdns")
        del body["service_name"]
        err = error(api.post("/masterdns", json=body), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == "service_name"


class TestCommonFields:
    def test_whmcs_service_id_is_stored(self, api):
        service = create_service(api, whmcs_service_id="WH-77")
        assert data(api.get(f"/live_services/{service['id']}"))["whmcs_service_id"] == "WH-77"

    def test_empty_whmcs_service_id_is_null(self, api):
        assert create_service(api, whmcs_service_id="")["whmcs_service_id"] is None

    def test_long_whmcs_service_id_is_422(self, api):
        body = service_body("masterdns", whmcs_service_id="x" * 65)
        assert error(api.post("/masterdns", json=body), 422)["field"] == "whmcs_service_id"

    def test_unknown_field_is_422_naming_it(self, api):
        err = error(api.post("/masterdns", json=service_body("masterdns", colour="blue")), 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "colour"

    def test_field_of_another_product_is_unknown(self, api):
        err = error(api.post("/fakemxs", json=service_body("fakemxs", mailboxes=5)), 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "mailboxes"

    def test_client_id_must_be_a_number(self, api):
        body = service_body("masterdns", client_id="fred")
        err = error(api.post("/masterdns", json=body), 422)
        assert err["field"] == "client_id"

    def test_body_must_be_json(self, api):
        response = api.post("/masterdns", content=b"{not json", headers={"Content-Type": "application/json"})
        assert error(response, 400)["code"] == "invalid_json"


class TestDomain:
    @pytest.mark.parametrize("collection", DOMAIN_PRODUCTS)
    def test_domain_is_required(self, api, collection):
        body = service_body(collection)
        del body["domain"]
        err = error(api.post(f"/{collection}", json=body), 422)
        assert err["field"] == "domain"

    @pytest.mark.parametrize(
        "value",
        [
            "exa mple.com",
            "-bad.example",
            "bad-.example",
            "localhost",
            "192.0.2.1",
            "2001:db8::1",
            "a..example",
            "x" * 64 + ".example",
            "under_score.example",
            "*.example.com",
            "example.123",
            "",
            ".",
            ("a" * 60 + ".") * 5 + "example",
        ],
    )
    @pytest.mark.parametrize("collection", DOMAIN_PRODUCTS)
    def test_invalid_domain_is_422(self, api, database, partner, collection, value):
        err = error(api.post(f"/{collection}", json=service_body(collection, domain=value)), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == "domain"
        assert service_count(database, partner.partner_id) == 0

    def test_invalid_domain_message_names_value(self, api):
        err = error(api.post("/masterdns", json=service_body("masterdns", domain="exa mple.com")), 422)
        assert "'exa mple.com'" in err["message"]

    def test_domain_is_lower_cased(self, api):
        assert create_service(api, domain="Zone.EXAMPLE.com")["domain"] == "zone.example.com"

    def test_trailing_dot_is_removed(self, api):
        assert create_service(api, domain="zone.example.com.")["domain"] == "zone.example.com"

    def test_internationalised_domain_becomes_a_labels(self, api):
        assert create_service(api, domain="Bücher.Example")["domain"] == "xn--bcher-kva.example"

    def test_domain_in_a_labels_is_kept(self, api):
        assert create_service(api, domain="xn--bcher-kva.example")["domain"] == "xn--bcher-kva.example"

    def test_search_finds_the_normalised_domain(self, api):
        service = create_service(api, domain="Bücher.Example")
        items = data(api.get("/live_services", params={"search": "(domain:'xn--bcher-kva.example')"}))
        assert [item["id"] for item in items] == [service["id"]]

    @pytest.mark.parametrize("search", [
        "(domain:'Mail.Bücher.Example')",
        "(domain:'MAIL.XN--BCHER-KVA.EXAMPLE.')",
        "('domain LIKE':'%.bücher.example')",
        "('domain LIKE':'MAIL.BÜCHER.%')",
    ])
    def test_search_finds_the_domain_as_written(self, api, search):
        service = create_service(api, domain="mail.bücher.example")
        items = data(api.get("/live_services", params={"search": search}))
        assert [item["id"] for item in items] == [service["id"]]

    def test_search_wildcard_inside_unicode_label_is_400(self, api):
        err = error(api.get("/live_services", params={"search": "('domain LIKE':'bü%.example')"}),
                    400)
        assert err["code"] == "invalid_search"
        assert "'bü%'" in err["message"]
        assert "xn--" in err["message"]


class TestOutMail:
    def test_create_issues_smtp_username(self, api):
        service = create_service(api, "outmails")
        assert service["smtp_username"] == f"outmail-{service['id']}"

    def test_create_returns_smtp_password_once(self, api):
        service = create_service(api, "outmails")
        assert len(service["smtp_password"]) >= 32
        assert "smtp_password" not in data(api.get(f"/live_services/{service['id']}"))

    def test_password_is_absent_from_lists(self, api):
        create_service(api, "outmails")
        assert "smtp_password" not in data(api.get("/outmails"))[0]

    def test_password_is_stored_only_as_hash(self, api, database):
        service = create_service(api, "outmails")
        stored = stored_service(database, service["id"])
        assert stored.smtp_password_hash.startswith("$argon2id$")
        assert service["smtp_password"] not in stored.smtp_password_hash
        assert service["smtp_password"] not in str(stored.attributes)

    def test_stored_hash_verifies_the_password(self, api, database):
        service = create_service(api, "outmails")
        stored = stored_service(database, service["id"])
        assert password_matches(stored.smtp_password_hash, service["smtp_password"])
        assert not password_matches(stored.smtp_password_hash, "wrong-password")

    def test_each_service_gets_its_own_password(self, api):
        first = create_service(api, "outmails")
        second = create_service(api, "outmails")
        assert first["smtp_password"] != second["smtp_password"]

    def test_domain_is_optional(self, api):
        assert create_service(api, "outmails")["domain"] is None

    def test_domain_is_normalised(self, api):
        assert create_service(api, "outmails", domain="Mail.Example.COM")["domain"] == "mail.example.com"

    def test_invalid_domain_is_422(self, api):
        err = error(api.post("/outmails", json=service_body("outmails", domain="not a domain")), 422)
        assert err["field"] == "domain"

    def test_smtp_username_cannot_be_chosen(self, api):
        err = error(api.post("/outmails", json=service_body("outmails", smtp_username="me")), 422)
        assert err["code"] == "unknown_field"


class TestProFilter:
    def test_mailboxes_are_stored(self, api):
        assert create_service(api, "profilters", mailboxes=3)["mailboxes"] == 3

    def test_mailboxes_default_to_package_limit(self, api):
        body = service_body("profilters", service_name="profilter-25")
        del body["mailboxes"]
        assert data(api.post("/profilters", json=body))["mailboxes"] == 25

    def test_mailboxes_over_package_limit_is_422(self, api, database, partner):
        err = error(api.post("/profilters", json=service_body("profilters", mailboxes=6)), 422)
        assert err["code"] == "mailbox_limit_exceeded"
        assert err["field"] == "mailboxes"
        assert "profilter-5" in err["message"]
        assert service_count(database, partner.partner_id) == 0

    def test_mailboxes_at_package_limit_is_accepted(self, api):
        body = service_body("profilters", service_name="profilter-25", mailboxes=25)
        assert data(api.post("/profilters", json=body))["mailboxes"] == 25

    @pytest.mark.parametrize("value", [0, -1, "many", True, 2.5])
    def test_invalid_mailboxes_is_422(self, api, value):
        err = error(api.post("/profilters", json=service_body("profilters", mailboxes=value)), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == "mailboxes"


class TestBackupMx:
    def test_destination_host_is_normalised(self, api):
        service = create_service(api, "backupmxs", destination="MX1.Example.COM.")
        assert service["destination"] == "mx1.example.com"

    def test_destination_may_be_an_address(self, api):
        service = create_service(api, "backupmxs", destination="2001:DB8:0:0::25")
        assert service["destination"] == "2001:db8::25"

    def test_destination_is_required(self, api):
        body = service_body("backupmxs")
        del body["destination"]
        assert error(api.post("/backupmxs", json=body), 422)["field"] == "destination"

    @pytest.mark.parametrize("value", ["not a host", "127.0.0.1", "localhost", ""])
    def test_invalid_destination_is_422(self, api, value):
        err = error(api.post("/backupmxs", json=service_body("backupmxs", destination=value)), 422)
        assert err["field"] == "destination"


class TestBackupDns:
    def test_master_addresses_are_normalised(self, api):
        service = create_service(
            api, "backupdns", master_addresses=["198.51.100.53", "2001:DB8:0::53"]
        )
        assert service["master_addresses"] == ["198.51.100.53", "2001:db8::53"]

    def test_four_master_addresses_are_accepted(self, api):
        addresses = [f"198.51.100.{n}" for n in range(1, 5)]
        assert create_service(api, "backupdns", master_addresses=addresses)["master_addresses"] == addresses

    def test_comma_separated_string_is_accepted(self, api):
        service = create_service(api, "backupdns", master_addresses="198.51.100.1, 198.51.100.2")
        assert service["master_addresses"] == ["198.51.100.1", "198.51.100.2"]

    def test_ipv4_mapped_address_becomes_ipv4(self, api):
        service = create_service(api, "backupdns", master_addresses=["::ffff:198.51.100.7"])
        assert service["master_addresses"] == ["198.51.100.7"]

    def test_master_addresses_are_required(self, api):
        body = service_body("backupdns")
        del body["master_addresses"]
        assert error(api.post("/backupdns", json=body), 422)["field"] == "master_addresses"

    @pytest.mark.parametrize(
        "value",
        [
            [],
            "",
            [f"198.51.100.{n}" for n in range(1, 6)],
            ["not-an-address"],
            ["198.51.100.300"],
            ["127.0.0.1"],
            ["0.0.0.0"],
            ["::1"],
            ["224.0.0.5"],
            ["169.254.1.1"],
            ["fe80::1"],
            ["198.51.100.1", "198.51.100.1"],
            ["198.51.100.1", "::ffff:198.51.100.1"],
            [53],
            "example.com",
        ],
    )
    def test_bad_master_addresses_are_422(self, api, database, partner, value):
        err = error(api.post("/backupdns", json=service_body("backupdns", master_addresses=value)), 422)
        assert err["code"] == "validation_failed"
        assert err["field"].startswith("master_addresses")
        assert service_count(database, partner.partner_id) == 0

    def test_too_many_addresses_message_says_the_limit(self, api):
        addresses = [f"198.51.100.{n}" for n in range(1, 6)]
        err = error(api.post("/backupdns", json=service_body("backupdns", master_addresses=addresses)), 422)
        assert "1 to 4" in err["message"]


class TestCredits:
    def test_create_writes_one_ledger_row(self, api, database, partner):
        response = api.post(
            "/outmails", json=service_body("outmails"), headers={"X-Request-Id": "req-create-0001"}
        )
        service = data(response)
        rows = ledger(database, partner.partner_id)
        assert [row.reason for row in rows] == ["grant", LedgerReason.SERVICE_CREATED]
        charge = rows[-1]
        assert charge.amount == -2
        assert charge.balance_after == 998
        assert charge.live_service_id == service["id"]
        assert charge.service_name == "outmail-500"
        assert charge.request_id == "req-create-0001"

    def test_insufficient_credits_is_405(self, api_for):
        poor_api, _ = api_for(credits=5)
        body = service_body("profilters", service_name="profilter-25", mailboxes=10)
        err = error(poor_api.post("/profilters", json=body), 405)
        assert err["code"] == "insufficient_credits"
        assert err["credits_required"] == 10
        assert err["credit"] == 5
        assert "10" in err["message"]

    def test_insufficient_credits_creates_nothing(self, api_for, database):
        poor_api, poor = api_for(credits=5)
        body = service_body("profilters", service_name="profilter-25", mailboxes=10)
        error(poor_api.post("/profilters", json=body), 405)
        assert service_count(database, poor.partner_id) == 0
        assert balance(database, poor.partner_id) == 5
        assert [row.reason for row in ledger(database, poor.partner_id)] == ["grant"]

    def test_insufficient_credits_leaves_lists_empty(self, api_for):
        poor_api, _ = api_for(credits=0)
        error(poor_api.post("/masterdns", json=service_body("masterdns")), 405)
        assert data(poor_api.get("/live_services")) == []

    def test_exact_balance_is_enough(self, api_for, database):
        poor_api, poor = api_for(credits=3)
        create_service(poor_api, "profilters")
        assert balance(database, poor.partner_id) == 0

    def test_failed_validation_charges_nothing(self, api, database, partner):
        error(api.post("/masterdns", json=service_body("masterdns", domain="bad domain")), 422)
        assert balance(database, partner.partner_id) == 1000
        assert len(ledger(database, partner.partner_id)) == 1
