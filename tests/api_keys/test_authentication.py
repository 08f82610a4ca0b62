"""HTTP Basic authentication, API access and allowed source networks."""

import httpx
import pytest

from myengine.api_keys.operations import issue_key, revoke_key
from myengine.clock import utcnow
from myengine.partners.operations import add_network, set_api_access
from myengine.settings import Environment


def get_self(server, partner_id, key, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(f"{server.url}/api-v1/clients/self", auth=(str(partner_id), key), **kwargs)


def error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_valid_key_authenticates(server, partner):
    assert get_self(server, partner.partner_id, partner.api_key).status_code == 200


def test_missing_credentials_is_401_with_challenge(anonymous):
    response = anonymous.get("/api-v1/clients")
    assert error(response, 401)["code"] == "authentication_required"
    assert response.headers["www-authenticate"] == 'Basic realm="my-engine"'


def test_wrong_key_is_401(server, partner):
    wrong = partner.api_key[:-4] + "0000"
    response = get_self(server, partner.partner_id, wrong)
    assert error(response, 401)["code"] == "invalid_credentials"
    assert response.headers["www-authenticate"] == 'Basic realm="my-engine"'


def test_key_of_another_partner_is_401(server, partner, database, settings):
    from tests.factories import create_partner

    other = create_partner(database, settings)
    assert error(get_self(server, partner.partner_id, other.api_key), 401)["code"] == "invalid_credentials"


def test_non_numeric_partner_id_is_401(server, partner):
    response = get_self(server, "fred", partner.api_key)
    assert error(response, 401)["code"] == "invalid_credentials"


def test_garbage_authorization_header_is_401(anonymous):
    response = anonymous.get("/api-v1/clients", headers={"Authorization": "Basic %%%"})
    assert error(response, 401)["code"] == "authentication_required"


def test_production_key_on_sandbox_is_401_saying_so(server, partner, database, settings):
    with database.write(operator=True) as session:
        key = issue_key(session, partner_id=partner.partner_id, environment=Environment.PRODUCTION,
                        pepper=settings.secret_key_bytes())
    err = error(get_self(server, partner.partner_id, key.secret), 401)
    assert err["code"] == "api_key_wrong_environment"
    assert "production key" in err["message"]
    assert "sandbox" in err["message"]


def test_revoked_key_is_401(server, partner, database):
    with database.write(operator=True) as session:
        revoke_key(session, partner_id=partner.partner_id, prefix=partner.key_prefix)
    assert error(get_self(server, partner.partner_id, partner.api_key), 401)["code"] == "api_key_revoked"


def test_expired_key_is_401(server, partner, database, settings):
    with database.write(operator=True) as session:
        key = issue_key(session, partner_id=partner.partner_id, environment=Environment.SANDBOX,
                        pepper=settings.secret_key_bytes(), expires=utcnow())
    assert error(get_self(server, partner.partner_id, key.secret), 401)["code"] == "api_key_expired"


def test_disabled_api_is_403(server, partner, database):
    with database.write(operator=True) as session:
        set_api_access(session, partner.partner_id, enabled=False)
    err = error(get_self(server, partner.partner_id, partner.api_key), 403)
    assert err["code"] == "api_access_disabled"


def test_address_outside_networks_is_403(server, partner, database):
    with database.write(operator=True) as session:
        add_network(session, partner.partner_id, "192.0.2.0/24")
    err = error(get_self(server, partner.partner_id, partner.api_key), 403)
    assert err["code"] == "source_address_not_allowed"
    assert "127.0.0.1" in err["message"]


@pytest.mark.parametrize("cidr", ["127.0.0.0/8", "127.0.0.1/32", "127.0.0.1"])
def test_address_inside_networks_is_allowed(server, partner, database, cidr):
    with database.write(operator=True) as session:
        add_network(session, partner.partner_id, "2001:db8::/32")
        add_network(session, partner.partner_id, cidr)
    assert get_self(server, partner.partner_id, partner.api_key).status_code == 200


def test_last_used_is_recorded(server, partner, database):
    from sqlalchemy import select

    from myengine.api_keys.models import ApiKey

    get_self(server, partner.partner_id, partner.api_key)
    with database.read(operator=True) as session:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == partner.key_prefix))
        assert key is not None
        assert key.last_used is not None


def test_stored_hash_is_not_the_key(database, partner):
    from sqlalchemy import select

    from myengine.api_keys.models import ApiKey

    with database.read(operator=True) as session:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == partner.key_prefix))
        assert key is not None
        secret = partner.api_key.rsplit("_", 1)[1]
        assert secret not in key.secret_hash
        assert partner.api_key not in (key.prefix, key.secret_hash)
