"""API settings in the portal: access, source networks and keys, checked against the live API."""

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from myengine.audit.models import AuditEvent
from myengine.clock import set_clock
from myengine.portal.accounts import find_user
from tests.conftest import LiveServer
from tests.portal.conftest import csrf_token

NEW_KEY = 'id="new-key-secret">'


def token_of(browser: httpx.Client) -> str:
    return csrf_token(browser.get("/portal/api").text)


def post(browser: httpx.Client, path: str, **data: str) -> httpx.Response:
    return browser.post(path, data={"csrf_token": token_of(browser), **data})


def create_key(browser: httpx.Client, note: str = "billing") -> str:
    response = post(browser, "/portal/api/keys", note=note)
    assert response.status_code == 200, response.text
    start = response.text.index(NEW_KEY) + len(NEW_KEY)
    return response.text[start:response.text.index("<", start)]


def key_id(browser: httpx.Client, secret: str) -> str:
    prefix = secret.rsplit("_", 1)[0]
    page = browser.get("/portal/api").text
    row = page[page.index(f'data-prefix="{prefix}"'):]
    marker = "/portal/api/keys/"
    start = row.index(marker) + len(marker)
    return row[start:row.index("/", start)]


def call_api(server_url: str, partner_id: int, secret: str) -> httpx.Response:
    return httpx.get(f"{server_url}/api-v1/clients/self", auth=(str(partner_id), secret))


def events(database, partner_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with database.read(partner_id=partner_id) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def event_details(database, account, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with database.read(partner_id=account.partner_id) as session:
        return list(session.scalars(select(AuditEvent.details)
                                    .where(AuditEvent.action == action).order_by(AuditEvent.id)))


def network_id_of(browser: httpx.Client, cidr: str) -> str:
    page = browser.get("/portal/api").text
    row = page[page.index(f'data-network="{cidr}"'):]
    marker = "/portal/api/networks/"
    start = row.index(marker) + len(marker)
    return row[start:row.index("/", start)]


def portal_user_id(database, account) -> int:  # type: ignore[no-untyped-def]
    with database.read(operator=True) as session:
        return find_user(session, account.email).id


class TestApiAccess:
    def test_new_partner_api_is_off(self, browser, portal_server, account):
        secret = create_key(browser)
        response = call_api(portal_server.url, account.partner_id, secret)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "api_access_disabled"

    def test_turning_access_on_lets_the_key_in(self, browser, portal_server, account):
        secret = create_key(browser)
        assert post(browser, "/portal/api/access", enabled="1").status_code == 303
        assert call_api(portal_server.url, account.partner_id, secret).status_code == 200

    def test_turning_access_off_is_audited(self, browser, portal_database, account):
        post(browser, "/portal/api/access", enabled="1")
        post(browser, "/portal/api/access", enabled="0")
        recorded = events(portal_database, account.partner_id)
        assert recorded.count("partner.api_access_enabled") == 1
        assert recorded.count("partner.api_access_disabled") == 1

    def test_access_event_names_the_portal_user(self, browser, portal_database, account):
        post(browser, "/portal/api/access", enabled="1")
        [details] = event_details(portal_database, account, "partner.api_access_enabled")
        assert details["portal_user_id"] == portal_user_id(portal_database, account)


class TestNetworks:
    def test_valid_networks_are_normalised(self, browser, account):
        post(browser, "/portal/api/networks", cidr="192.0.2.77/24", note="office")
        post(browser, "/portal/api/networks", cidr="2001:DB8::/48", note="billing")
        page = browser.get("/portal/api").text
        assert "192.0.2.0/24" in page
        assert "2001:db8::/48" in page

    @pytest.mark.parametrize("cidr", ["192.0.2.0/33", "not a network", "2001:db8::/129", ""])
    def test_invalid_network_is_422(self, browser, account, cidr):
        response = post(browser, "/portal/api/networks", cidr=cidr, note="")
        assert response.status_code == 422
        assert 'class="error"' in response.text

    def test_duplicate_network_is_422(self, browser, account):
        post(browser, "/portal/api/networks", cidr="198.51.100.0/24", note="")
        response = post(browser, "/portal/api/networks", cidr="198.51.100.0/24", note="")
        assert response.status_code == 422
        assert "already in the list" in response.text

    def test_note_is_kept(self, browser, account):
        post(browser, "/portal/api/networks", cidr="203.0.113.0/24", note="Backup office")
        assert "Backup office" in browser.get("/portal/api").text

    def test_changes_are_audited(self, browser, portal_database, account):
        post(browser, "/portal/api/networks", cidr="203.0.113.0/24", note="")
        page = browser.get("/portal/api").text
        marker = "/portal/api/networks/"
        start = page.index(marker) + len(marker)
        network_id = page[start:page.index("/", start)]
        post(browser, f"/portal/api/networks/{network_id}/delete")
        recorded = events(portal_database, account.partner_id)
        assert recorded.count("partner.network_added") == 1
        assert recorded.count("partner.network_removed") == 1

    def test_note_can_be_changed(self, browser, portal_database, account):
        post(browser, "/portal/api/networks", cidr="198.51.100.0/24", note="Old office")
        network_id = network_id_of(browser, "198.51.100.0/24")
        response = post(browser, f"/portal/api/networks/{network_id}/note", note="New office")
        assert response.status_code == 303
        page = browser.get("/portal/api").text
        assert 'value="New office"' in page
        assert "Old office" not in page

    def test_note_change_is_audited_once(self, browser, portal_database, account):
        post(browser, "/portal/api/networks", cidr="198.51.100.0/24", note="")
        network_id = network_id_of(browser, "198.51.100.0/24")
        post(browser, f"/portal/api/networks/{network_id}/note", note="Billing server")
        [details] = event_details(portal_database, account, "partner.network_note_changed")
        assert details["network_address"] == "198.51.100.0"
        assert "Billing server" not in str(details)

    def test_too_long_note_on_add_is_422(self, browser, account):
        response = post(browser, "/portal/api/networks", cidr="192.0.2.0/24", note="n" * 256)
        assert response.status_code == 422
        assert "at most 255 characters" in response.text
        assert 'data-network="192.0.2.0/24"' not in browser.get("/portal/api").text

    def test_too_long_note_is_422(self, browser, account):
        post(browser, "/portal/api/networks", cidr="198.51.100.0/24", note="kept")
        network_id = network_id_of(browser, "198.51.100.0/24")
        response = post(browser, f"/portal/api/networks/{network_id}/note", note="x" * 256)
        assert response.status_code == 422
        assert "at most 255 characters" in response.text
        assert 'value="kept"' in browser.get("/portal/api").text

    def test_note_of_unknown_network_is_404(self, browser, account):
        response = post(browser, "/portal/api/networks/999999/note", note="anything")
        assert response.status_code == 404
        assert "No allowed network 999999" in response.text

    def test_network_event_names_network_and_user(self, browser, portal_database, account):
        post(browser, "/portal/api/networks", cidr="2001:db8:5::/48", note="")
        [details] = event_details(portal_database, account, "partner.network_added")
        assert details["network_address"] == "2001:db8:5::"
        assert details["prefix_length"] == 48
        assert details["portal_user_id"] == portal_user_id(portal_database, account)


class TestKeyFromOutsideItsNetworks:
    def test_key_outside_the_networks_is_403(self, browser, portal_server, account):
        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        post(browser, "/portal/api/networks", cidr="192.0.2.0/24", note="office")
        response = call_api(portal_server.url, account.partner_id, secret)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "source_address_not_allowed"

    def test_adding_the_callers_network_lets_it_in(self, browser, portal_server, account):
        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        post(browser, "/portal/api/networks", cidr="192.0.2.0/24", note="office")
        post(browser, "/portal/api/networks", cidr="127.0.0.0/8", note="this machine")
        assert call_api(portal_server.url, account.partner_id, secret).status_code == 200

    def test_ipv6_caller_needs_an_ipv6_network(self, browser, portal_settings, portal_database,
                                               account):
        from myengine.api.app import create_app

        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        post(browser, "/portal/api/networks", cidr="127.0.0.0/8", note="IPv4 loopback")
        ipv6 = LiveServer(create_app(portal_settings, portal_database), host="::1")
        ipv6.start()
        try:
            refused = call_api(ipv6.url, account.partner_id, secret)
            post(browser, "/portal/api/networks", cidr="::1/128", note="IPv6 loopback")
            allowed = call_api(ipv6.url, account.partner_id, secret)
        finally:
            ipv6.stop()
        assert refused.status_code == 403
        assert allowed.status_code == 200


class TestKeys:
    def test_secret_is_shown_once(self, browser, account):
        secret = create_key(browser)
        assert secret.startswith("mek_sandbox_")
        assert secret not in browser.get("/portal/api").text

    def test_key_row_shows_prefix_and_last_use(self, browser, portal_server, account):
        secret = create_key(browser, note="crm sync")
        post(browser, "/portal/api/access", enabled="1")
        call_api(portal_server.url, account.partner_id, secret)
        page = browser.get("/portal/api").text
        row = page[page.index(f'data-prefix="{secret.rsplit("_", 1)[0]}"'):]
        row = row[:row.index("</tr>")]
        assert "crm sync" in row
        assert row.count("UTC") == 2  # created and last used; no expiry

    def test_revoked_key_fails_at_once(self, browser, portal_server, account):
        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        post(browser, f"/portal/api/keys/{key_id(browser, secret)}/revoke")
        response = call_api(portal_server.url, account.partner_id, secret)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "api_key_revoked"

    def test_rotated_key_works_until_the_window_ends(self, browser, portal_server, account):
        old = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        response = post(browser, f"/portal/api/keys/{key_id(browser, old)}/rotate", overlap="1h")
        start = response.text.index(NEW_KEY) + len(NEW_KEY)
        new = response.text[start:response.text.index("<", start)]
        assert call_api(portal_server.url, account.partner_id, old).status_code == 200
        assert call_api(portal_server.url, account.partner_id, new).status_code == 200

        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
        set_clock(lambda: later)
        try:
            expired = call_api(portal_server.url, account.partner_id, old)
            replacement = call_api(portal_server.url, account.partner_id, new)
        finally:
            set_clock(None)
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "api_key_expired"
        assert replacement.status_code == 200

    def test_too_long_key_note_is_422(self, browser, account):
        response = post(browser, "/portal/api/keys", note="k" * 256)
        assert response.status_code == 422
        assert "256 characters long" in response.text
        assert NEW_KEY not in response.text

    def test_unknown_overlap_is_422(self, browser, account):
        secret = create_key(browser)
        response = post(browser, f"/portal/api/keys/{key_id(browser, secret)}/rotate",
                        overlap="forever")
        assert response.status_code == 422

    def test_key_changes_are_audited(self, browser, portal_database, account):
        secret = create_key(browser)
        post(browser, f"/portal/api/keys/{key_id(browser, secret)}/rotate", overlap="24h")
        post(browser, f"/portal/api/keys/{key_id(browser, secret)}/revoke")
        recorded = events(portal_database, account.partner_id)
        # Issued twice: the created key and its replacement.
        assert recorded.count("api_key.issued") == 2
        assert recorded.count("api_key.rotated") == 1
        assert recorded.count("api_key.revoked") == 1

    def test_key_event_names_prefix_and_user(self, browser, portal_database, account):
        secret = create_key(browser)
        [details] = event_details(portal_database, account, "api_key.issued")
        assert details["key_prefix"] == secret.rsplit("_", 1)[0]
        assert details["portal_user_id"] == portal_user_id(portal_database, account)

    def test_another_partners_key_is_not_found(self, browser, portal_server, portal_database,
                                               account):
        from tests.portal.conftest import create_account, log_in

        with httpx.Client(base_url=portal_server.url) as other:
            other_account = create_account(portal_database)
            log_in(other, other_account.email)
            foreign = create_key(other)
            foreign_id = key_id(other, foreign)
        response = post(browser, f"/portal/api/keys/{foreign_id}/revoke")
        assert response.status_code == 404
