"""The sandbox's testing tools and the sandbox notice on every page."""

import httpx
import pytest
from sqlalchemy import func, select

from myengine.clients.models import Client
from myengine.live_services.models import LiveService
from myengine.settings import Environment
from tests.portal.conftest import PortalServer, csrf_token
from tests.portal.test_api_settings import create_key, post
from tests.portal.test_clients_pages import create_client
from tests.mail_server import free_port


def sandbox_post(browser: httpx.Client, path: str, **data: str) -> httpx.Response:
    token = csrf_token(browser.get("/portal/sandbox").text)
    return browser.post(path, data={"csrf_token": token, **data})


def balance(browser: httpx.Client) -> int:
    page = browser.get("/portal/sandbox").text
    marker = 'id="credit-balance">'
    start = page.index(marker) + len(marker)
    return int(page[start:page.index("<", start)])


def create_service(browser: httpx.Client, server_url: str, partner_id: int) -> int:
    """Give the partner credits, a key and API access, then create a masterDNS zone."""
    sandbox_post(browser, "/portal/sandbox/credits", amount="50")
    secret = create_key(browser)
    post(browser, "/portal/api/access", enabled="1")
    client_id = create_client(browser, username="zoneowner", email="zone@client.example")
    response = httpx.post(f"{server_url}/api-v1/masterdns", auth=(str(partner_id), secret),
                          json={"client_id": client_id, "service_name": "masterdns-100",
                                "domain": "zone.example"})
    assert response.status_code == 200, response.text
    return response.json()["data"]["id"]


class TestTestCredits:
    def test_credits_are_added(self, browser, account):
        assert sandbox_post(browser, "/portal/sandbox/credits", amount="250").status_code == 303
        assert balance(browser) == 250

    def test_credits_appear_in_the_ledger(self, browser, account):
        sandbox_post(browser, "/portal/sandbox/credits", amount="40")
        assert "+40" in browser.get("/portal/credits").text

    @pytest.mark.parametrize("amount", ["0", "-5", "abc", "100001"])
    def test_invalid_amount_is_422(self, browser, account, amount):
        assert sandbox_post(browser, "/portal/sandbox/credits", amount=amount).status_code == 422


class TestPlatformSuspension:
    def test_platform_suspension_blocks_the_partners_unsuspend(self, browser, portal_server, account):
        service_id = create_service(browser, portal_server.url, account.partner_id)
        response = sandbox_post(browser, "/portal/sandbox/suspensions",
                                live_service_id=str(service_id), cause="platform_abuse",
                                action="suspend")
        assert response.status_code == 303
        secret = create_key(browser)
        unsuspend = httpx.patch(f"{portal_server.url}/api-v1/live_services/{service_id}/suspension",
                                auth=(str(account.partner_id), secret), json={"suspend": 0})
        assert unsuspend.status_code == 403
        assert unsuspend.json()["error"]["code"] == "platform_suspension"

    def test_lifting_it_restores_the_service(self, browser, portal_database, portal_server, account):
        service_id = create_service(browser, portal_server.url, account.partner_id)
        for action in ("suspend", "lift"):
            sandbox_post(browser, "/portal/sandbox/suspensions", live_service_id=str(service_id),
                         cause="platform_billing", action=action)
        with portal_database.read(partner_id=account.partner_id) as session:
            status = session.scalar(select(LiveService.status).where(LiveService.id == service_id))
        assert status == "live"

    def test_partner_cause_is_not_offered(self, browser, portal_server, account):
        service_id = create_service(browser, portal_server.url, account.partner_id)
        response = sandbox_post(browser, "/portal/sandbox/suspensions",
                                live_service_id=str(service_id), cause="partner", action="suspend")
        assert response.status_code == 422


class TestReset:
    def test_reset_needs_the_confirmation_word(self, browser, account):
        assert sandbox_post(browser, "/portal/sandbox/reset", confirm="yes").status_code == 422

    def test_reset_deletes_clients_services_and_credits(self, browser, portal_database,
                                                         portal_server, account):
        create_service(browser, portal_server.url, account.partner_id)
        assert sandbox_post(browser, "/portal/sandbox/reset", confirm="RESET").status_code == 303
        with portal_database.read(partner_id=account.partner_id) as session:
            clients = session.scalar(select(func.count(Client.id)).where(Client.is_partner.is_(False)))
            services = session.scalar(select(func.count(LiveService.id)))
        assert clients == 0
        assert services == 0
        assert balance(browser) == 0

    def test_reset_keeps_api_keys_working(self, browser, portal_server, account):
        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        sandbox_post(browser, "/portal/sandbox/reset", confirm="RESET")
        response = httpx.get(f"{portal_server.url}/api-v1/clients/self",
                             auth=(str(account.partner_id), secret))
        assert response.status_code == 200


class TestSandboxNotice:
    @pytest.mark.parametrize("path", ["/portal/login", "/portal/signup", "/portal/reset",
                                      "/portal/verify/unknown", "/portal/no-such-page"])
    def test_public_pages_say_sandbox(self, browser, path):
        assert "sandbox-banner" in browser.get(path).text

    @pytest.mark.parametrize("path", ["/portal/", "/portal/api", "/portal/clients",
                                      "/portal/credits", "/portal/audit", "/portal/sandbox"])
    def test_account_pages_say_sandbox(self, browser, account, path):
        assert "sandbox-banner" in browser.get(path).text


@pytest.fixture(scope="module")
def production_server(portal_settings, database):  # type: ignore[no-untyped-def]
    from myengine.api.app import create_app
    from myengine.db.engine import connect

    port = free_port()
    settings = portal_settings.model_copy(update={
        "environment": Environment.PRODUCTION, "public_url": f"http://127.0.0.1:{port}"})
    db = connect(settings.database_url)
    server = PortalServer(create_app(settings, db), port)
    server.start()
    yield server
    server.stop()
    db.dispose()


class TestProduction:
    def test_production_pages_have_no_sandbox_notice(self, production_server):
        page = httpx.get(f"{production_server.url}/portal/login")
        assert "sandbox-banner" not in page.text

    def test_production_has_no_sandbox_tools(self, production_server):
        response = httpx.get(f"{production_server.url}/portal/sandbox")
        assert response.status_code == 404

    def test_sandbox_tools_exist_in_the_sandbox(self, browser):
        response = browser.get("/portal/sandbox")
        assert response.status_code == 303

    def test_production_cookie_is_secure(self, production_server):
        response = httpx.get(f"{production_server.url}/portal/login")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-myengine_portal=")
        assert "secure" in cookie.lower()
