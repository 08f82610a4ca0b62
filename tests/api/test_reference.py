"""The OpenAPI document and the offline reference page."""

import re

from myengine.errors import ERROR_CATALOGUE


def test_reference_page_uses_only_local_assets(anonymous):
    response = anonymous.get("/apidocs/index.html")
    assert response.status_code == 200
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", response.text)
    assert external == []


def test_reference_script_is_served(anonymous):
    response = anonymous.get("/apidocs/static/redoc.standalone.js")
    assert response.status_code == 200
    assert len(response.content) > 100_000


def test_openapi_declares_basic_auth(anonymous):
    document = anonymous.get("/apidocs/openapi.json").json()
    assert document["components"]["securitySchemes"]["partnerBasic"]["scheme"] == "basic"
    assert document["security"] == [{"partnerBasic": []}]


def test_every_error_code_is_documented(anonymous):
    document = anonymous.get("/apidocs/openapi.json").json()
    for code in ERROR_CATALOGUE:
        assert f"`{code}`" in document["info"]["description"], code


def test_every_operation_lists_its_error_responses(anonymous):
    document = anonymous.get("/apidocs/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"401", "403"} <= statuses, f"{method.upper()} {path}"


def test_every_operation_has_a_summary_line(anonymous):
    document = anonymous.get("/apidocs/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), f"{method.upper()} {path}"


def test_reference_page_keeps_the_browser_on_this_server(anonymous):
    policy = anonymous.get("/apidocs/index.html").headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy
