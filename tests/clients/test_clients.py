"""The /clients endpoints, on both backends, through a live server."""

import pytest

from tests.factories import client_body, create_client, create_partner


def data(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response.json()["data"]


def error(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["success"] is False
    return body["error"]


class TestCreate:
    def test_create_answers_200_with_location(self, api):
        response = api.post("/clients", json=client_body(username="fred"))
        assert response.status_code == 200
        client = response.json()["data"]
        assert response.headers["location"].endswith(f"/api-v1/clients/{client['id']}")

    def test_create_returns_every_field(self, api):
        client = create_client(api, username="fred", country="gb", phone="+44 20 7946 0000")
        assert client["username"] == "fred"
        assert client["country"] == "GB"
        assert client["active"] == 1
        assert client["verified"] == 0
        assert client["client_status_id"] == 1
        assert client["deleted"] is None
        assert client["created"].endswith("Z")

    def test_ids_are_seven_digit_integers(self, api):
        client = create_client(api)
        assert isinstance(client["id"], int)
        assert client["id"] >= 1_000_000

    def test_flags_accept_true_false_and_strings(self, api):
        client = create_client(api, verified="true")
        assert client["verified"] == 1

    def test_duplicate_username_is_409(self, api):
        create_client(api, username="dup")
        err = error(api.post("/clients", json=client_body(username="dup")), 409)
        assert err["code"] == "username_taken"
        assert "dup" in err["message"]

    def test_duplicate_external_userid_is_409(self, api):
        create_client(api, external_userid="X-1")
        err = error(api.post("/clients", json=client_body(external_userid="X-1")), 409)
        assert err["code"] == "external_userid_taken"

    def test_username_reusable_after_delete(self, api):
        first = create_client(api, username="reuse", external_userid="R-1")
        data(api.delete(f"/clients/{first['id']}"))
        second = create_client(api, username="reuse", external_userid="R-1")
        assert second["id"] != first["id"]

    def test_same_username_under_another_partner_is_allowed(self, api, server, database, settings):
        import httpx

        create_client(api, username="shared-name")
        other = create_partner(database, settings)
        with httpx.Client(base_url=f"{server.url}/api-v1", auth=(str(other.partner_id), other.api_key)) as other_api:
            assert create_client(other_api, username="shared-name")["username"] == "shared-name"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("email", "not-an-email"),
            ("country", "XX"),
            ("username", "bad name with spaces"),
            ("external_userid", "x" * 65),
            ("phone", "call me"),
            ("firstname", "x" * 129),
        ],
    )
    def test_invalid_field_is_422_naming_it(self, api, field, value):
        err = error(api.post("/clients", json=client_body(**{field: value})), 422)
        assert err["code"] == "validation_failed"
        assert err["field"] == field
        assert field in err["message"]

    def test_missing_username_is_422(self, api):
        body = client_body()
        del body["username"]
        err = error(api.post("/clients", json=body), 422)
        assert err["field"] == "username"

    def test_unknown_field_is_422(self, api):
        err = error(api.post("/clients", json=client_body(favourite_colour="blue")), 422)
        assert err["code"] == "unknown_field"
        assert err["field"] == "favourite_colour"


class TestGet:
    def test_get_returns_the_client(self, api):
        client = create_client(api)
        assert data(api.get(f"/clients/{client['id']}"))["username"] == client["username"]

    def test_unknown_id_is_404(self, api):
        err = error(api.get("/clients/999999999"), 404)
        assert err["code"] == "client_not_found"
        assert "999999999" in err["message"]
        assert err["url"] == "/api-v1/clients/999999999"

    def test_another_partners_client_is_404(self, api, server, database, settings):
        import httpx

        other = create_partner(database, settings)
        with httpx.Client(base_url=f"{server.url}/api-v1", auth=(str(other.partner_id), other.api_key)) as other_api:
            foreign = create_client(other_api)
        err = error(api.get(f"/clients/{foreign['id']}"), 404)
        assert err["code"] == "client_not_found"

    def test_non_numeric_id_is_400(self, api):
        err = error(api.get("/clients/abc"), 400)
        assert err["code"] == "invalid_parameter"

    def test_self_has_credit_balance(self, api, partner):
        record = data(api.get("/clients/self"))
        assert record["id"] == partner.partner_id
        assert record["credit"] == 1000

    def test_partner_id_answers_like_self(self, api, partner):
        assert data(api.get(f"/clients/{partner.partner_id}")) == data(api.get("/clients/self"))


class TestList:
    def test_list_returns_own_clients_oldest_first(self, api):
        ids = [create_client(api)["id"] for _ in range(3)]
        response = api.get("/clients")
        body = response.json()
        assert [item["id"] for item in body["data"]] == ids
        assert body["meta"]["count"] == 3
        assert body["meta"]["has_more"] is False
        assert body["meta"]["next_cursor"] is None

    def test_list_excludes_the_partner_record(self, api, partner):
        create_client(api)
        assert partner.partner_id not in [item["id"] for item in data(api.get("/clients"))]

    def test_fields_limits_keys(self, api):
        create_client(api)
        items = data(api.get("/clients", params={"fields": "!(id,username,client_status_id)"}))
        assert set(items[0]) == {"id", "username", "client_status_id"}

    def test_unknown_field_in_fields_is_400(self, api):
        err = error(api.get("/clients", params={"fields": "!(id,password)"}), 400)
        assert err["code"] == "invalid_fields"
        assert "password" in err["message"]

    def test_malformed_fields_is_400(self, api):
        err = error(api.get("/clients", params={"fields": "!(id,"}), 400)
        assert err["code"] == "invalid_fields"

    def test_search_like(self, api):
        create_client(api, username="fred1")
        create_client(api, username="fred2")
        create_client(api, username="wilma")
        items = data(api.get("/clients", params={"search": "('username LIKE':'fred%')"}))
        assert sorted(item["username"] for item in items) == ["fred1", "fred2"]

    def test_search_equality_default(self, api):
        create_client(api, external_userid="123456")
        create_client(api)
        items = data(api.get("/clients", params={"search": "('external_userid':'123456')"}))
        assert [item["external_userid"] for item in items] == ["123456"]

    def test_search_range_combines_with_and(self, api):
        ids = [create_client(api)["id"] for _ in range(5)]
        search = f"('id >':'{ids[0]}','id <':'{ids[4]}')"
        items = data(api.get("/clients", params={"search": search}))
        assert [item["id"] for item in items] == ids[1:4]

    @pytest.mark.parametrize("key", ["client_status_id !=", "client_status_id !!="])
    def test_search_not_equal_with_number(self, api, key):
        kept = create_client(api)
        gone = create_client(api)
        data(api.patch(f"/clients/{gone['id']}/enabled", json={"enable": 0}))
        items = data(api.get("/clients", params={"search": f"('{key}':2)"}))
        assert [item["id"] for item in items] == [kept["id"]]

    def test_search_value_is_bound_not_interpolated(self, api):
        create_client(api, username="safe")
        items = data(api.get("/clients", params={"search": "(username:'x!' OR 1=1 --')"}))
        assert items == []

    @pytest.mark.parametrize(
        "search",
        ["('password':'x')", "('username ~':'x')", "('username LIKE':'a'", "!(a,b)", "('id >':'abc')"],
    )
    def test_bad_search_is_400(self, api, search):
        err = error(api.get("/clients", params={"search": search}), 400)
        assert err["code"] == "invalid_search"

    def test_keyset_paging_walks_every_row_once(self, api):
        ids = [create_client(api)["id"] for _ in range(7)]
        seen, cursor = [], None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            body = api.get("/clients", params=params).json()
            seen += [item["id"] for item in body["data"]]
            if not body["meta"]["has_more"]:
                break
            cursor = body["meta"]["next_cursor"]
        assert seen == ids

    def test_rows_inserted_during_paging_are_not_skipped_or_repeated(self, api):
        ids = [create_client(api)["id"] for _ in range(4)]
        first = api.get("/clients", params={"limit": 2}).json()
        late = create_client(api)["id"]
        second = api.get("/clients", params={"limit": 10, "cursor": first["meta"]["next_cursor"]}).json()
        assert [i["id"] for i in first["data"] + second["data"]] == [*ids, late]

    @pytest.mark.parametrize("limit", ["0", "1001", "ten"])
    def test_bad_limit_is_400(self, api, limit):
        err = error(api.get("/clients", params={"limit": limit}), 400)
        assert err["code"] == "invalid_parameter"

    def test_bad_cursor_is_400(self, api):
        err = error(api.get("/clients", params={"cursor": "not-a-cursor"}), 400)
        assert err["code"] == "invalid_cursor"


class TestEdit:
    def test_patch_changes_only_sent_fields(self, api):
        client = create_client(api, firstname="Fred", surname="Bloggs")
        edited = data(api.patch(f"/clients/{client['id']}", json={"firstname": "Frederick"}))
        assert edited["firstname"] == "Frederick"
        assert edited["surname"] == "Bloggs"

    def test_put_means_the_same(self, api):
        client = create_client(api)
        edited = data(api.put(f"/clients/{client['id']}", json={"city": "Leeds"}))
        assert edited["city"] == "Leeds"
        assert edited["username"] == client["username"]

    def test_edit_deleted_client_is_409(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        err = error(api.patch(f"/clients/{client['id']}", json={"city": "Leeds"}), 409)
        assert err["code"] == "client_deleted"

    def test_edit_to_taken_username_is_409(self, api):
        create_client(api, username="taken")
        other = create_client(api)
        err = error(api.patch(f"/clients/{other['id']}", json={"username": "taken"}), 409)
        assert err["code"] == "username_taken"

    def test_null_username_is_422(self, api):
        client = create_client(api)
        err = error(api.patch(f"/clients/{client['id']}", json={"username": None}), 422)
        assert err["field"] == "username"

    def test_partner_record_cannot_be_edited(self, api, partner):
        err = error(api.patch(f"/clients/{partner.partner_id}", json={"city": "Leeds"}), 403)
        assert err["code"] == "partner_record_read_only"


class TestEnable:
    def test_suspend_sets_status_2(self, api):
        client = create_client(api)
        suspended = data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 0}))
        assert suspended["active"] == 0
        assert suspended["client_status_id"] == 2

    def test_reenable_sets_status_1(self, api):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": False}))
        enabled = data(api.patch(f"/clients/{client['id']}/enabled", json={"enable": "1"}))
        assert enabled["active"] == 1
        assert enabled["client_status_id"] == 1

    def test_reenable_deleted_client_is_409(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        err = error(api.patch(f"/clients/{client['id']}/enabled", json={"enable": 1}), 409)
        assert err["code"] == "client_deleted"

    def test_enable_must_be_a_flag(self, api):
        client = create_client(api)
        err = error(api.patch(f"/clients/{client['id']}/enabled", json={"enable": "maybe"}), 422)
        assert err["field"] == "enable"


class TestDelete:
    def test_delete_disables_and_schedules_anonymisation(self, api):
        client = create_client(api)
        deleted = data(api.delete(f"/clients/{client['id']}"))
        assert deleted["active"] == 0
        assert deleted["client_status_id"] == 3
        assert deleted["deleted"] is not None
        assert deleted["anonymise_after"] > deleted["deleted"]

    def test_delete_twice_answers_200_with_same_body(self, api):
        client = create_client(api)
        first = data(api.delete(f"/clients/{client['id']}"))
        second = data(api.delete(f"/clients/{client['id']}"))
        assert second == first

    def test_deleted_client_still_answers_get(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        assert data(api.get(f"/clients/{client['id']}"))["client_status_id"] == 3

    def test_delete_unknown_is_404(self, api):
        assert error(api.delete("/clients/999999999"), 404)["code"] == "client_not_found"

    def test_partner_record_cannot_be_deleted(self, api, partner):
        assert error(api.delete(f"/clients/{partner.partner_id}"), 403)["code"] == "partner_record_read_only"


def test_nul_character_in_a_field_is_422(api):
    response = api.post("/clients", json=client_body(firstname="Fr\x00ed"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "firstname"


def test_nul_character_in_a_search_value_is_400(api):
    response = api.get("/clients", params={"search": "(username:'a\x00b')"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_search"
