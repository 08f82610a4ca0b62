"""Every response, including framework-level failures, is an envelope with a request id."""

import json

import pytest


def envelope_error(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["success"] is False
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    assert set(body["error"]) >= {"name", "code", "message", "url", "status"}
    assert body["error"]["status"] == status
    return body["error"]


def test_success_has_meta_and_request_id_header(api):
    response = api.get("/clients")
    body = response.json()
    assert body["meta"]["success"] is True
    assert body["meta"]["request_id"] == response.headers["x-request-id"]


def test_incoming_request_id_is_kept(api):
    response = api.get("/clients", headers={"X-Request-Id": "partner-trace-0001"})
    assert response.headers["x-request-id"] == "partner-trace-0001"


def test_unknown_route_is_404_envelope(api):
    err = envelope_error(api.get("/no-such-thing"), 404)
    assert err["code"] == "route_not_found"
    assert err["name"] == "Not Found"


def test_unknown_route_without_credentials_is_envelope(anonymous):
    assert envelope_error(anonymous.get("/nowhere"), 404)["code"] == "route_not_found"


def test_wrong_method_is_405_with_allow(api):
    response = api.post("/clients/self", json={})
    err = envelope_error(response, 405)
    assert err["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_malformed_json_is_400(api):
    response = api.post("/clients", content=b'{"username": "fred",', headers={"Content-Type": "application/json"})
    assert envelope_error(response, 400)["code"] == "invalid_json"


def test_body_that_is_not_an_object_is_422(api):
    err = envelope_error(api.post("/clients", json=["a"]), 422)
    assert err["code"] == "validation_failed"


def test_oversized_body_is_413(api, settings):
    body = json.dumps({"username": "x" * (settings.max_body_bytes + 10)})
    err = envelope_error(api.post("/clients", content=body, headers={"Content-Type": "application/json"}), 413)
    assert err["code"] == "request_too_large"


def test_oversized_chunked_body_is_413(api, settings):
    chunk = b"x" * 65536

    def stream():  # type: ignore[no-untyped-def]
        for _ in range(settings.max_body_bytes // len(chunk) + 2):
            yield chunk

    err = envelope_error(api.post("/clients", content=stream()), 413)
    assert err["code"] == "request_too_large"


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},
        {"ContentType": "application/json", "cache-control": "no-cache"},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ],
)
def test_body_is_json_whatever_the_content_type(api, headers):
    body = json.dumps({"username": f"ct{abs(hash(str(headers)))}", "email": "ct@example.com"})
    response = api.post("/clients", content=body, headers=headers)
    assert response.status_code == 200, response.text


def test_error_url_includes_query(api):
    err = envelope_error(api.get("/clients", params={"limit": "0"}), 400)
    assert err["url"] == "/api-v1/clients?limit=0"


def test_unexpected_exception_is_500_envelope_without_trace(app, server, api, monkeypatch):
    from myengine.clients import operations

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(operations, "list_clients", explode)
    response = api.get("/clients")
    err = envelope_error(response, 500)
    assert err["code"] == "internal_error"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_store_unavailable_is_503_with_retry_after(api, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from myengine.clients import operations

    def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(operations, "list_clients", locked)
    response = api.get("/clients")
    assert envelope_error(response, 503)["code"] == "store_unavailable"
    assert response.headers["retry-after"] == "5"
    assert "SELECT" not in response.text
