"""Client pages: search and paging, detail, lifecycle actions and the verification mail."""

import httpx
from sqlalchemy import select

from myengine.audit.models import AuditEvent
from myengine.clients.models import Client
from myengine.portal.accounts import find_user
from tests.portal.conftest import csrf_token, follow_mailed_link

NEW_CLIENT = {"username": "fred", "email": "fred@client.example", "firstname": "Fred",
              "surname": "Bloggs", "country": "GB"}


def create_client(browser: httpx.Client, **fields: str) -> int:
    token = csrf_token(browser.get("/portal/clients/new").text)
    response = browser.post("/portal/clients", data={"csrf_token": token, **NEW_CLIENT, **fields})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[-1].split("?")[0])


def confirm(browser: httpx.Client, client_id: int, action: str) -> httpx.Response:
    page = browser.get(f"/portal/clients/{client_id}/{action}")
    return browser.post(f"/portal/clients/{client_id}/{action}",
                        data={"csrf_token": csrf_token(page.text)})


def stored(database, partner_id: int, client_id: int) -> Client:  # type: ignore[no-untyped-def]
    with database.read(partner_id=partner_id) as session:
        return session.scalar(select(Client).where(Client.id == client_id))


class TestList:
    def test_search_finds_by_part_of_a_field(self, browser, account):
        create_client(browser, username="alpha-one", email="a1@client.example")
        create_client(browser, username="beta-two", email="b2@client.example")
        page = browser.get("/portal/clients", params={"field": "username", "q": "pha"}).text
        assert "alpha-one" in page
        assert "beta-two" not in page

    def test_status_filter(self, browser, account):
        kept = create_client(browser, username="kept", email="k@client.example")
        gone = create_client(browser, username="gone", email="g@client.example")
        confirm(browser, gone, "delete")
        page = browser.get("/portal/clients", params={"status": "deleted"}).text
        assert f"/portal/clients/{gone}" in page
        assert f"/portal/clients/{kept}\"" not in page

    def test_pages_hold_25_clients(self, browser, account):
        for n in range(26):
            create_client(browser, username=f"pager{n}", email=f"p{n}@client.example")
        first = browser.get("/portal/clients").text
        assert first.count("/portal/clients/1") == 25
        assert "Next page" in first

    def test_other_partners_clients_are_invisible(self, browser, portal_server, portal_database,
                                                 account):
        from tests.portal.conftest import create_account, log_in

        with httpx.Client(base_url=portal_server.url) as other:
            other_account = create_account(portal_database)
            log_in(other, other_account.email)
            foreign = create_client(other, username="foreign", email="f@client.example")
        assert browser.get(f"/portal/clients/{foreign}").status_code == 404


class TestCreate:
    def test_invalid_fields_are_named(self, browser, account):
        token = csrf_token(browser.get("/portal/clients/new").text)
        response = browser.post("/portal/clients", data={
            "csrf_token": token, "username": "bad name", "email": "nope", "country": "XX"})
        assert response.status_code == 422
        assert "not a valid username" in response.text
        assert "ISO 3166-1" in response.text

    def test_duplicate_username_is_409(self, browser, account):
        create_client(browser, username="twice", email="t1@client.example")
        token = csrf_token(browser.get("/portal/clients/new").text)
        response = browser.post("/portal/clients", data={
            "csrf_token": token, "username": "twice", "email": "t2@client.example"})
        assert response.status_code == 409

    def test_detail_shows_the_client(self, browser, account):
        client_id = create_client(browser)
        page = browser.get(f"/portal/clients/{client_id}").text
        assert "fred@client.example" in page
        assert "No live services." in page


class TestVerificationMail:
    def test_portal_create_mails_the_client(self, browser, account, mail_server, worker):
        create_client(browser, email="verify-me@client.example")
        worker.run_once()
        message = mail_server.last_to("verify-me@client.example", "client_verification")
        assert message.message["From"].addresses[0].display_name == "Acme Hosting Ltd"
        assert "my-engine" not in message.body

    def test_api_create_mails_the_client(self, browser, portal_server, account, mail_server, worker):
        from tests.portal.test_api_settings import create_key, post

        secret = create_key(browser)
        post(browser, "/portal/api/access", enabled="1")
        response = httpx.post(f"{portal_server.url}/api-v1/clients",
                              auth=(str(account.partner_id), secret),
                              json={"username": "apiclient", "email": "api-made@client.example"})
        assert response.status_code == 200
        worker.run_once()
        assert mail_server.messages_to("api-made@client.example", "client_verification")

    def test_link_page_shows_partner_name(self, browser, account, mail_server, worker):
        create_client(browser, email="link@client.example")
        worker.run_once()
        link = mail_server.last_to("link@client.example", "client_verification").links()[0]
        page = httpx.get(link)
        assert page.status_code == 200
        assert "Acme Hosting Ltd" in page.text
        assert "my-engine" not in page.text

    def test_opening_link_does_not_verify(self, browser, portal_database, account, mail_server,
                                          worker):
        client_id = create_client(browser, email="scanned@client.example")
        worker.run_once()
        link = mail_server.last_to("scanned@client.example", "client_verification").links()[0]
        httpx.get(link)
        assert stored(portal_database, account.partner_id, client_id).verified is False

    def test_button_sets_verified(self, browser, portal_database, account, mail_server, worker):
        client_id = create_client(browser, email="button@client.example")
        worker.run_once()
        link = mail_server.last_to("button@client.example", "client_verification").links()[0]
        confirmed = follow_mailed_link(link)
        assert confirmed.status_code == 200
        assert "Email address confirmed" in confirmed.text
        assert "my-engine" not in confirmed.text
        assert stored(portal_database, account.partner_id, client_id).verified is True

    def test_verified_link_reopens_as_confirmed(self, browser, account, mail_server, worker):
        create_client(browser, email="twice@client.example")
        worker.run_once()
        link = mail_server.last_to("twice@client.example", "client_verification").links()[0]
        follow_mailed_link(link)
        reopened = httpx.get(link)
        assert reopened.status_code == 200
        assert "Email address confirmed" in reopened.text

    def test_link_for_a_changed_address_is_refused(self, browser, portal_server, portal_database,
                                                   account, mail_server, worker):
        from myengine.clients import operations
        from myengine.clients.schemas import ClientUpdate

        client_id = create_client(browser, email="old@client.example")
        worker.run_once()
        link = mail_server.last_to("old@client.example", "client_verification").links()[0]
        with portal_database.write(partner_id=account.partner_id) as session:
            operations.update_client(session, client_id, ClientUpdate(email="new@client.example"))
        assert httpx.get(link).status_code == 400
        assert stored(portal_database, account.partner_id, client_id).verified is False

    def test_link_of_a_deleted_client_is_refused(self, browser, portal_database, account,
                                                  mail_server, worker, capfd):
        client_id = create_client(browser, email="gone@client.example")
        worker.run_once()
        link = mail_server.last_to("gone@client.example", "client_verification").links()[0]
        confirm(browser, client_id, "delete")
        page = httpx.get(link)
        assert page.status_code == 400
        assert "closed" in page.text
        assert "client_deleted" in capfd.readouterr().out

    def test_unknown_link_is_400(self, portal_server):
        assert httpx.get(f"{portal_server.url}/portal/verify/unknown").status_code == 400


class TestLifecycle:
    def test_suspend_confirmation_says_what_happens(self, browser, account):
        client_id = create_client(browser)
        page = browser.get(f"/portal/clients/{client_id}/suspend").text
        assert "can no longer log in" in page
        assert "no live services to suspend" in page

    def test_suspend_then_enable(self, browser, portal_database, account):
        client_id = create_client(browser)
        assert confirm(browser, client_id, "suspend").status_code == 303
        assert stored(portal_database, account.partner_id, client_id).client_status_id == 2
        assert confirm(browser, client_id, "enable").status_code == 303
        assert stored(portal_database, account.partner_id, client_id).client_status_id == 1

    def test_delete_confirmation_names_the_anonymisation(self, browser, account):
        client_id = create_client(browser)
        page = browser.get(f"/portal/clients/{client_id}/delete").text
        assert "irreversibly anonymised after" in page
        assert "email" in page

    def test_delete_schedules_anonymisation(self, browser, portal_database, account):
        client_id = create_client(browser)
        assert confirm(browser, client_id, "delete").status_code == 303
        client = stored(portal_database, account.partner_id, client_id)
        assert client.client_status_id == 3
        assert client.anonymise_after is not None

    def test_enabling_a_deleted_client_is_409(self, browser, account):
        client_id = create_client(browser)
        confirm(browser, client_id, "delete")
        assert confirm(browser, client_id, "enable").status_code == 409

    def test_actions_are_audited_as_the_portal_user(self, browser, portal_database, account):
        client_id = create_client(browser)
        confirm(browser, client_id, "suspend")
        with portal_database.read(partner_id=account.partner_id) as session:
            event = session.scalar(select(AuditEvent).where(
                AuditEvent.action == "client.suspended", AuditEvent.subject_id == client_id))
        assert event is not None
        assert event.actor_type == "portal_user"
        with portal_database.read(operator=True) as session:
            user_id = find_user(session, account.email).id
        assert event.details["portal_user_id"] == user_id

    def test_action_without_csrf_token_is_403(self, browser, portal_database, account):
        client_id = create_client(browser)
        response = browser.post(f"/portal/clients/{client_id}/delete", data={})
        assert response.status_code == 403
        assert stored(portal_database, account.partner_id, client_id).deleted is None
