"""The API reference documents each live-service route, its body and its error codes."""

import httpx
import pytest

COLLECTIONS = ["outmails", "profilters", "fakemxs", "backupmxs", "masterdns", "backupdns"]


@pytest.fixture(scope="module")
def document(server):  # type: ignore[no-untyped-def]
    return httpx.get(f"{server.url}/apidocs/openapi.json", timeout=30).json()


def error_codes(operation: dict, status: str) -> str:
    return operation["responses"][status]["description"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_create_documents_credit_and_validation_errors(document, collection):
    operation = document["paths"][f"/api-v1/{collection}"]["post"]
    assert "`insufficient_credits`" in error_codes(operation, "405")
    assert "`invalid_service_name`" in error_codes(operation, "422")
    assert "`unknown_field`" in error_codes(operation, "422")
    assert "`client_suspended`" in error_codes(operation, "409")


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_create_has_a_description(document, collection):
    operation = document["paths"][f"/api-v1/{collection}"]["post"]
    assert "Location" in operation["description"]


def test_backupdns_body_documents_master_addresses(document):
    operation = document["paths"]["/api-v1/backupdns"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert "master_addresses" in schema["required"]


def test_regrade_documents_its_errors(document):
    operation = document["paths"]["/api-v1/live_services/{service_id}"]["patch"]
    assert "`same_package`" in error_codes(operation, "409")
    assert "`live_service_deleted`" in error_codes(operation, "409")
    assert "`insufficient_credits`" in error_codes(operation, "405")


def test_suspension_documents_platform_cause(document):
    operation = document["paths"]["/api-v1/live_services/{service_id}/suspension"]["patch"]
    assert "`platform_suspension`" in error_codes(operation, "403")


def test_get_documents_regarde_servicenames(document):
    operation = document["paths"]["/api-v1/live_services/{service_id}"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    detail = envelope["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
    assert "regarde_servicenames" in document["components"]["schemas"][detail]["properties"]


def test_tariff_documents_meta_credit(document):
    operation = document["paths"]["/api-v1/live_services/service_names"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    meta = envelope["properties"]["meta"]["$ref"].rsplit("/", 1)[-1]
    assert "credit" in document["components"]["schemas"][meta]["properties"]
