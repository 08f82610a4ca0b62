"""The data-retention policy: the page, and agreement of the document, the code and receipts."""

import re
from pathlib import Path

import pytest

from myengine.retention.anonymise import (
    CLIENT_FIELD_REPLACEMENTS,
    LIVE_SERVICE_FIELD_REPLACEMENTS,
    NULL,
    PLACEHOLDER,
    TEXT_REMOVED,
    anonymise_client,
)
from myengine.retention.endpoints import policy_markdown
from myengine.retention.policy import DataClass
from tests.factories import create_client
from tests.retention.support import data

POLICY = Path(__file__).resolve().parents[2] / "docs" / "data-retention.md"

# How each replacement is written in the policy document and in the docstring.
WRITTEN = {PLACEHOLDER: "`anonymised-<client id>`", NULL: "NULL", TEXT_REMOVED: TEXT_REMOVED}


def policy_section(title: str) -> str:
    text = POLICY.read_text()
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def policy_table(title: str) -> dict[str, str]:
    """The `| field | replaced with |` rows of one section of the policy."""
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|$", policy_section(title), flags=re.MULTILINE)
    return dict(rows)


def docstring_fields() -> dict[str, str]:
    """The ``- ``field``: replacement`` bullets of the anonymising function's docstring."""
    doc = anonymise_client.__doc__ or ""
    return dict(re.findall(r"^\s*- ``(\w+)``: (.+)$", doc, flags=re.MULTILINE))


def test_policy_lists_every_client_field_with_its_replacement():
    expected = {field: WRITTEN[replacement] for field, replacement in CLIENT_FIELD_REPLACEMENTS.items()}
    assert policy_table("Client personal fields") == expected


def test_policy_lists_every_service_field_with_its_replacement():
    expected = {
        field: WRITTEN[replacement] for field, replacement in LIVE_SERVICE_FIELD_REPLACEMENTS.items()
    }
    assert policy_table("Live-service records") == expected


def test_docstring_explains_every_field_the_code_replaces():
    documented = docstring_fields()
    assert set(documented) == set(CLIENT_FIELD_REPLACEMENTS) | set(LIVE_SERVICE_FIELD_REPLACEMENTS)
    for field, replacement in {**CLIENT_FIELD_REPLACEMENTS, **LIVE_SERVICE_FIELD_REPLACEMENTS}.items():
        written = WRITTEN[replacement].replace("`", "``")
        assert written in documented[field], field


@pytest.mark.parametrize("data_class", list(DataClass))
def test_policy_has_a_section_for_each_data_class(data_class):
    text = POLICY.read_text()
    assert re.search(rf"^## .+ \(`{data_class.value}`\)$", text, flags=re.MULTILINE), data_class
    assert f"| `{data_class.value}` |" in policy_section("Summary")


def test_packaged_policy_is_the_document():
    assert policy_markdown() == POLICY.read_text()


def test_receipt_erases_the_fields_the_policy_lists(api):
    client = create_client(api)
    body = {"client_id": client["id"], "service_name": "fakemx", "domain": f"p-{client['id']}.example"}
    service = data(api.post("/fakemxs", json=body))
    data(api.delete(f"/clients/{client['id']}"))
    erased = data(api.get(f"/clients/{client['id']}/erasure"))["erased"]

    client_rows = {e["field"]: e["replacement"] for e in erased if e["record"] == "client"}
    service_rows = {e["field"]: e["replacement"] for e in erased
                    if e["record"] == "live_service" and e["record_id"] == service["id"]}
    placeholder = f"anonymised-{client['id']}"
    written = {placeholder: "`anonymised-<client id>`", "null": "NULL", TEXT_REMOVED: TEXT_REMOVED}
    assert {f: written[r] for f, r in client_rows.items()} == policy_table("Client personal fields")
    assert {f: written[r] for f, r in service_rows.items()} == policy_table("Live-service records")


class TestPolicyPage:
    def test_page_is_html_without_credentials(self, anonymous):
        response = anonymous.get("/policy/data-retention")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<table>" in response.text

    def test_page_names_every_personal_field(self, anonymous):
        page = anonymous.get("/policy/data-retention").text
        for field in CLIENT_FIELD_REPLACEMENTS:
            assert f"<code>{field}</code>" in page, field

    def test_page_loads_nothing_from_other_hosts(self, anonymous):
        page = anonymous.get("/policy/data-retention").text
        assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", page) == []

    def test_page_shows_this_deployments_periods(self, anonymous, settings):
        page = anonymous.get("/policy/data-retention").text
        assert f"{settings.audit_retention_days} days" in page
        assert "MYENGINE_RETENTION_GRACE_DAYS" in page
