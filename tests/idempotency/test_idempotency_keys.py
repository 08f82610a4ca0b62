"""A write carrying ``Idempotency-Key`` runs once, and each repeat returns its stored response."""

import datetime as dt
import json
import threading
import uuid

import pytest
from sqlalchemy import select

from myengine.clock import set_clock, utcnow
from myengine.idempotency import operations
from myengine.idempotency.models import IdempotencyKey, KeyState
from tests.factories import client_body, create_client


def key() -> str:
    return str(uuid.uuid4())


def count_clients(api, username: str) -> int:  # type: ignore[no-untyped-def]
    response = api.get("/clients", params={"search": f"(username:'{username}')"})
    assert response.status_code == 200, response.text
    return response.json()["meta"]["count"]


def stored_keys(database, partner_id: int) -> list[IdempotencyKey]:  # type: ignore[no-untyped-def]
    with database.read(partner_id=partner_id) as session:
        return list(session.scalars(select(IdempotencyKey)))


@pytest.fixture
def frozen_clock():  # type: ignore[no-untyped-def]
    """Lets a test move the server's clock; restores the system clock afterwards."""
    now = [utcnow()]
    set_clock(lambda: now[0])
    yield now
    set_clock(None)


class TestReplay:
    def test_repeated_create_returns_stored_response(self, api):
        body, idempotency_key = client_body(), key()

        first = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        second = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert first.status_code == 200, first.text
        assert second.status_code == 200, second.text
        assert second.json()["data"] == first.json()["data"]
        assert second.headers["location"] == first.headers["location"]

    def test_repeated_create_makes_one_client(self, api):
        body, idempotency_key = client_body(), key()

        for _ in range(3):
            api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert count_clients(api, body["username"]) == 1

    def test_replay_differs_only_in_request_id(self, api):
        body, idempotency_key = client_body(), key()

        first = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        second = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        original, replayed = first.json(), second.json()
        original["meta"].pop("request_id")
        replayed["meta"].pop("request_id")
        assert replayed == original

    def test_replay_is_marked(self, api):
        body, idempotency_key = client_body(), key()

        first = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        second = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert "idempotent-replayed" not in first.headers
        assert second.headers["idempotent-replayed"] == "true"

    def test_replay_has_its_own_request_id(self, api):
        body, idempotency_key = client_body(), key()

        first = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        second = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert second.headers["x-request-id"] != first.headers["x-request-id"]
        assert second.json()["meta"]["request_id"] == second.headers["x-request-id"]
        assert second.headers["original-request-id"] == first.headers["x-request-id"]

    def test_reformatted_json_body_still_matches(self, api):
        idempotency_key = key()
        body = client_body()
        fields = {"username": body["username"], "email": body["email"]}
        compact = json.dumps(fields, separators=(",", ":"))
        spaced = json.dumps(dict(reversed(fields.items())), indent=4)

        first = api.post("/clients", content=compact, headers={"Idempotency-Key": idempotency_key})
        second = api.post("/clients", content=spaced, headers={"Idempotency-Key": idempotency_key})

        assert second.headers.get("idempotent-replayed") == "true"
        assert second.json()["data"] == first.json()["data"]

    def test_repeated_delete_returns_first_response(self, api):
        client = create_client(api)
        idempotency_key = key()

        first = api.delete(f"/clients/{client['id']}", headers={"Idempotency-Key": idempotency_key})
        second = api.delete(
            f"/clients/{client['id']}", headers={"Idempotency-Key": idempotency_key}
        )

        assert second.json()["data"] == first.json()["data"]

    def test_repeated_edit_runs_once(self, api):
        client = create_client(api)
        idempotency_key = key()
        path = f"/clients/{client['id']}"

        first = api.patch(
            path, json={"city": "Leeds"}, headers={"Idempotency-Key": idempotency_key}
        )
        api.patch(path, json={"city": "York"})
        replay = api.patch(
            path, json={"city": "Leeds"}, headers={"Idempotency-Key": idempotency_key}
        )

        assert replay.json()["data"] == first.json()["data"]
        assert api.get(path).json()["data"]["city"] == "York"

    def test_request_without_key_runs_every_time(self, api):
        body = client_body()

        api.post("/clients", json=body)
        second = api.post("/clients", json=body)

        assert second.status_code == 409
        assert second.json()["error"]["code"] == "username_taken"

    def test_key_on_a_read_is_ignored(self, api, database, partner):
        response = api.get("/clients", headers={"Idempotency-Key": key()})

        assert response.status_code == 200
        assert stored_keys(database, partner.partner_id) == []


class TestConflicts:
    def test_same_key_with_other_body_is_409(self, api):
        idempotency_key = key()
        api.post("/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key})

        response = api.post(
            "/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key}
        )

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_reused"

    def test_same_key_on_other_path_is_409(self, api):
        first, second = create_client(api), create_client(api)
        idempotency_key = key()
        api.delete(f"/clients/{first['id']}", headers={"Idempotency-Key": idempotency_key})

        response = api.delete(
            f"/clients/{second['id']}", headers={"Idempotency-Key": idempotency_key}
        )

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_reused"

    def test_reuse_message_names_the_first_request(self, api):
        idempotency_key = key()
        api.post("/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key})

        response = api.post(
            "/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key}
        )

        assert "POST /api-v1/clients" in response.json()["error"]["message"]

    def test_key_in_use_is_409_in_progress(self, api, database, partner):
        body, idempotency_key = client_body(), key()
        hold_claim(database, partner.partner_id, idempotency_key, "POST", "/api-v1/clients", body)

        response = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_in_progress"
        assert response.headers["retry-after"] == "1"

    def test_in_progress_request_does_not_run(self, api, database, partner):
        body, idempotency_key = client_body(), key()
        hold_claim(database, partner.partner_id, idempotency_key, "POST", "/api-v1/clients", body)

        api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert count_clients(api, body["username"]) == 0

    def test_stale_claim_is_taken_over(self, api, database, partner, frozen_clock):
        body, idempotency_key = client_body(), key()
        hold_claim(database, partner.partner_id, idempotency_key, "POST", "/api-v1/clients", body)
        frozen_clock[0] += operations.STALE_CLAIM_AFTER + dt.timedelta(seconds=1)

        response = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert response.status_code == 200, response.text
        assert count_clients(api, body["username"]) == 1

    def test_concurrent_duplicates_create_one_client(self, api):
        body, idempotency_key = client_body(), key()
        responses = []
        lock = threading.Lock()

        def send() -> None:
            response = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
            with lock:
                responses.append(response)

        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        outcomes = {(r.status_code, r.json().get("error", {}).get("code")) for r in responses}
        assert outcomes <= {(200, None), (409, "idempotency_key_in_progress")}
        assert count_clients(api, body["username"]) == 1

    def test_keys_of_other_partners_do_not_meet(self, api, server, database, settings):
        import httpx

        from tests.factories import create_partner

        other = create_partner(database, settings)
        idempotency_key = key()
        api.post("/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key})

        with httpx.Client(
            base_url=f"{server.url}/api-v1", auth=(str(other.partner_id), other.api_key)
        ) as other_api:
            response = other_api.post(
                "/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key}
            )

        assert response.status_code == 200, response.text
        assert "idempotent-replayed" not in response.headers


class TestFailures:
    def test_failed_write_is_not_stored(self, api, database, partner):
        existing = create_client(api)

        response = api.post(
            "/clients",
            json=client_body(username=existing["username"]),
            headers={"Idempotency-Key": key()},
        )

        assert response.status_code == 409
        assert stored_keys(database, partner.partner_id) == []

    def test_retry_after_failure_runs_again(self, api):
        existing = create_client(api)
        idempotency_key = key()
        body = client_body(username=existing["username"])
        api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        api.delete(f"/clients/{existing['id']}")

        response = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert response.status_code == 200, response.text
        assert "idempotent-replayed" not in response.headers

    def test_invalid_body_releases_key(self, api, database, partner):
        response = api.post("/clients", json={"username": "x"}, headers={"Idempotency-Key": key()})

        assert response.status_code == 422
        assert stored_keys(database, partner.partner_id) == []

    @pytest.mark.parametrize("bad", ["k" * 256, "naïve-key", "", "tab\there"])
    def test_invalid_key_is_400(self, api, bad):
        response = api.post(
            "/clients",
            json=client_body(),
            headers={"Idempotency-Key": bad.encode("utf-8")},
        )

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_idempotency_key"

    def test_key_of_255_characters_is_accepted(self, api):
        response = api.post("/clients", json=client_body(), headers={"Idempotency-Key": "k" * 255})

        assert response.status_code == 200, response.text


class TestStorage:
    def test_success_stores_status_headers_and_body(self, api, database, partner):
        idempotency_key = key()
        response = api.post(
            "/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key}
        )

        [row] = stored_keys(database, partner.partner_id)

        assert row.state == KeyState.COMPLETED
        assert row.response_status == 200
        assert row.response_body == response.content
        assert ["location", response.headers["location"]] in row.response_headers

    def test_key_expires_after_24_hours(self, api, database, partner, frozen_clock):
        idempotency_key = key()
        api.post("/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key})
        frozen_clock[0] += operations.KEY_LIFETIME + dt.timedelta(seconds=1)

        response = api.post(
            "/clients", json=client_body(), headers={"Idempotency-Key": idempotency_key}
        )

        assert response.status_code == 200, response.text
        assert "idempotent-replayed" not in response.headers

    def test_expired_keys_are_purged(self, api, database, partner, frozen_clock):
        for _ in range(3):
            api.post("/clients", json=client_body(), headers={"Idempotency-Key": key()})
        frozen_clock[0] += operations.KEY_LIFETIME + dt.timedelta(seconds=1)

        api.post("/clients", json=client_body(), headers={"Idempotency-Key": key()})

        assert len(stored_keys(database, partner.partner_id)) == 1

    def test_key_replays_just_before_expiry(self, api, frozen_clock):
        body, idempotency_key = client_body(), key()
        api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})
        frozen_clock[0] += operations.KEY_LIFETIME - dt.timedelta(seconds=1)

        response = api.post("/clients", json=body, headers={"Idempotency-Key": idempotency_key})

        assert response.headers.get("idempotent-replayed") == "true"


class TestReference:
    def test_write_operations_document_the_header(self, anonymous):
        document = anonymous.get("/apidocs/openapi.json").json()
        operation = document["paths"]["/api-v1/clients"]["post"]

        names = [parameter["name"] for parameter in operation.get("parameters", [])]

        assert "Idempotency-Key" in names

    def test_write_operations_list_idempotency_errors(self, anonymous):
        document = anonymous.get("/apidocs/openapi.json").json()
        responses = document["paths"]["/api-v1/clients/{client_id}"]["delete"]["responses"]

        assert "`idempotency_key_reused`" in responses["409"]["description"]
        assert "`idempotency_key_in_progress`" in responses["409"]["description"]
        assert "`invalid_idempotency_key`" in responses["400"]["description"]

    def test_reads_do_not_take_the_header(self, anonymous):
        document = anonymous.get("/apidocs/openapi.json").json()
        operation = document["paths"]["/api-v1/clients"]["get"]

        names = [parameter["name"] for parameter in operation.get("parameters", [])]

        assert "Idempotency-Key" not in names


def hold_claim(
    database, partner_id: int, idempotency_key: str, method: str, url: str, body: dict
) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Claim a key as a request that is still running would hold it."""
    fingerprint = operations.fingerprint(method, url, json.dumps(body).encode())
    with database.write(partner_id=partner_id) as session:
        result = operations.claim(
            session,
            key=idempotency_key,
            method=method,
            url=url,
            fingerprint=fingerprint,
            now=utcnow(),
        )
    assert isinstance(result, operations.Claim)
