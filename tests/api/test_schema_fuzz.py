"""Generated requests for every documented operation never cause a server error.

Schemathesis derives requests from the OpenAPI document (valid and invalid alike) and sends
them to the live server as an authenticated partner. Every response must be an envelope, and
no response may be a 5xx.
"""

import schemathesis
from hypothesis import HealthCheck, settings

from myengine.api.app import create_app
from myengine.api.openapi import build_openapi
from myengine.settings import Settings

MAX_EXAMPLES = 25

# The document depends on the routes only, so an app that never touches its database is enough.
_document_app = create_app(Settings(database_url="sqlite://", secret_key="d" * 32))
schema = schemathesis.openapi.from_dict(build_openapi(_document_app))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_get_envelopes(case, server, partner):  # type: ignore[no-untyped-def]
    response = case.call(base_url=server.url, auth=(str(partner.partner_id), partner.api_key), timeout=30)

    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    body = response.json()
    assert set(body) in ({"meta", "data"}, {"meta", "error"}), body
    # Schemathesis keeps every header as a list of values.
    assert [body["meta"]["request_id"]] == response.headers["x-request-id"]
    if response.status_code >= 400:
        assert body["error"]["status"] == response.status_code
        assert body["error"]["code"]
