"""Configuration: arguments, the MYENGINE_* environment variables and their errors."""

import pytest
from myengine_client import Client, ConfigurationError


@pytest.fixture
def environment(monkeypatch):  # type: ignore[no-untyped-def]
    for name in ("MYENGINE_URL", "MYENGINE_PARTNER_ID", "MYENGINE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_reads_environment(environment, server, partner):
    environment.setenv("MYENGINE_URL", server.url)
    environment.setenv("MYENGINE_PARTNER_ID", str(partner.partner_id))
    environment.setenv("MYENGINE_API_KEY", partner.api_key)

    with Client() as client:
        assert client.clients.self().id == partner.partner_id


def test_arguments_win_over_environment(environment, server, partner):
    environment.setenv("MYENGINE_URL", "http://127.0.0.1:1")
    environment.setenv("MYENGINE_PARTNER_ID", "1")
    environment.setenv("MYENGINE_API_KEY", "wrong")

    with Client(server.url, partner.partner_id, partner.api_key) as client:
        assert client.clients.self().id == partner.partner_id


def test_api_path_is_added_once(environment):
    with Client("https://sandbox.my-engine.example/", 1, "key") as client:
        assert client.base_url == "https://sandbox.my-engine.example/api-v1"
    with Client("https://sandbox.my-engine.example/api-v1", 1, "key") as client:
        assert client.base_url == "https://sandbox.my-engine.example/api-v1"


@pytest.mark.parametrize(
    ("arguments", "variable"),
    [
        ({"partner_id": 1, "api_key": "k"}, "MYENGINE_URL"),
        ({"base_url": "http://127.0.0.1:1", "api_key": "k"}, "MYENGINE_PARTNER_ID"),
        ({"base_url": "http://127.0.0.1:1", "partner_id": 1}, "MYENGINE_API_KEY"),
    ],
)
def test_missing_setting_names_its_variable(environment, arguments, variable):
    with pytest.raises(ConfigurationError) as caught:
        Client(**arguments)

    assert variable in caught.value.message


def test_partner_id_must_be_numeric(environment):
    with pytest.raises(ConfigurationError):
        Client("http://127.0.0.1:1", "reseller", "key")


def test_url_needs_a_scheme(environment):
    with pytest.raises(ConfigurationError):
        Client("sandbox.my-engine.example", 1, "key")


def test_repr_hides_the_api_key(environment):
    with Client("http://127.0.0.1:1", 7, "mek_sandbox_secret") as client:
        assert "mek_sandbox_secret" not in repr(client)
