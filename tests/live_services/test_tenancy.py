"""Another partner's service ids behave exactly like ids that do not exist."""

import pytest

from tests.factories import create_service
from tests.live_services.helpers import data, error, stored_service

UNKNOWN_ID = 999_999_999

# Each request is (method, path template, JSON body).
REQUESTS = [
    ("GET", "/live_services/{id}", None),
    ("PATCH", "/live_services/{id}", {"service_name": "masterdns-1000"}),
    ("PATCH", "/live_services/{id}/suspension", {"suspend": 1}),
    ("DELETE", "/live_services/{id}", None),
]


def send(api, method: str, template: str, body, service_id: int):  # type: ignore[no-untyped-def]
    return api.request(method, template.format(id=service_id), json=body)


@pytest.mark.parametrize(("method", "template", "body"), REQUESTS)
def test_another_partners_id_is_404(api, other_api, method, template, body):
    foreign = create_service(other_api)
    err = error(send(api, method, template, body, foreign["id"]), 404)
    assert err["code"] == "live_service_not_found"


@pytest.mark.parametrize(("method", "template", "body"), REQUESTS)
def test_another_partners_id_reads_like_an_unknown_id(api, other_api, method, template, body):
    foreign = create_service(other_api)
    foreign_error = error(send(api, method, template, body, foreign["id"]), 404)
    unknown_error = error(send(api, method, template, body, UNKNOWN_ID), 404)
    assert foreign_error["name"] == unknown_error["name"]
    assert foreign_error["message"].replace(str(foreign["id"]), "ID") == unknown_error[
        "message"
    ].replace(str(UNKNOWN_ID), "ID")


@pytest.mark.parametrize(("method", "template", "body"), REQUESTS[1:])
def test_another_partners_service_is_unchanged(api, other_api, database, method, template, body):
    foreign = create_service(other_api)
    error(send(api, method, template, body, foreign["id"]), 404)
    stored = stored_service(database, foreign["id"])
    assert stored.status == "live"
    assert stored.service_name == "masterdns-100"


def test_owner_still_sees_its_service(api, other_api):
    foreign = create_service(other_api)
    error(api.delete(f"/live_services/{foreign['id']}"), 404)
    assert data(other_api.get(f"/live_services/{foreign['id']}"))["status"] == "live"


def test_product_collections_list_only_own_services(api, other_api):
    create_service(other_api, "fakemxs")
    assert data(api.get("/fakemxs")) == []
