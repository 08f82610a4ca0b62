"""Sign-up, email confirmation, login, logout and password reset, through the live server."""

import httpx
from sqlalchemy import select

from myengine.jobs.worker import Worker
from myengine.partners.models import Partner
from myengine.portal import accounts, sessions, throttle
from myengine.portal.models import PortalUser
from tests.mail_server import MailServer
from tests.portal.conftest import (
    PASSWORD,
    confirm_link,
    create_account,
    csrf_token,
    follow_mailed_link,
    form_token,
    log_in,
    sign_up,
    unique_email,
)


def session_cookie(client: httpx.Client) -> str | None:
    return client.cookies.get(sessions.COOKIE_NAME)


def signed_up(browser: httpx.Client, mail_server: MailServer, worker: Worker) -> tuple[str, str]:
    """Sign up a new address and return it with the confirmation link mailed to it."""
    email = unique_email()
    sign_up(browser, email)
    worker.run_once()
    return email, confirm_link(mail_server, email)


class TestSignUp:
    def test_sign_up_answers_check_your_mailbox(self, browser):
        response = sign_up(browser, unique_email())
        assert response.status_code == 200
        assert "Check your mailbox" in response.text

    def test_sign_up_creates_partner_with_api_access_off(self, browser, portal_database):
        email = unique_email()
        sign_up(browser, email, company="Fresh Reseller")
        with portal_database.read(operator=True) as session:
            user = session.scalar(select(PortalUser).where(PortalUser.email == email))
            partner = session.get(Partner, user.partner_id)
        assert partner.name == "Fresh Reseller"
        assert partner.api_enabled is False
        assert user.password_hash.startswith("$argon2id$")

    def test_confirmation_link_arrives_by_mail(self, browser, mail_server, worker):
        _, link = signed_up(browser, mail_server, worker)
        assert link.startswith(str(browser.base_url) + "/portal/confirm/")

    def test_confirmation_button_confirms(self, browser, mail_server, worker):
        email, link = signed_up(browser, mail_server, worker)
        confirmed = follow_mailed_link(link)
        assert confirmed.status_code == 200
        assert "Address confirmed" in confirmed.text
        assert log_in(browser, email).status_code == 303

    def test_opening_link_does_not_confirm(self, browser, mail_server, worker):
        email, link = signed_up(browser, mail_server, worker)
        page = httpx.get(link)
        assert page.status_code == 200
        assert 'id="confirm-address"' in page.text
        assert log_in(browser, email).status_code == 403

    def test_confirmed_link_reopens_as_confirmed(self, browser, mail_server, worker):
        _, link = signed_up(browser, mail_server, worker)
        follow_mailed_link(link)
        reopened = httpx.get(link)
        assert reopened.status_code == 200
        assert "Address confirmed" in reopened.text

    def test_confirmation_post_without_csrf_is_rejected(self, browser, mail_server, worker):
        email, link = signed_up(browser, mail_server, worker)
        response = httpx.post(link, data={})
        assert response.status_code == 403
        assert log_in(browser, email).status_code == 403

    def test_unknown_confirmation_link_is_400(self, browser):
        assert browser.get("/portal/confirm/not-a-token").status_code == 400

    def test_unknown_confirmation_post_is_400(self, browser):
        token = form_token(browser, "/portal/login")
        response = browser.post("/portal/confirm/not-a-token", data={"csrf_token": token})
        assert response.status_code == 400

    def test_invalid_fields_are_named(self, browser):
        token = form_token(browser, "/portal/signup")
        response = browser.post("/portal/signup", data={
            "csrf_token": token, "company": "", "contact_name": "Ada",
            "email": "not-an-address", "password": "short",
        })
        assert response.status_code == 422
        assert "Enter your company" in response.text
        assert "Enter an email address" in response.text
        assert "at least 12 characters" in response.text


class TestSignUpDoesNotRevealAccounts:
    def test_existing_address_gets_the_same_page(self, browser, portal_database):
        existing = create_account(portal_database)
        new = sign_up(browser, unique_email())
        repeated = sign_up(browser, existing.email)
        assert repeated.status_code == new.status_code
        assert _main(repeated.text) == _main(new.text)

    def test_existing_address_creates_no_second_partner(self, browser, portal_database):
        existing = create_account(portal_database)
        sign_up(browser, existing.email, company="Someone Else")
        with portal_database.read(operator=True) as session:
            names = list(session.scalars(select(Partner.name).where(Partner.email == existing.email)))
        assert names == ["Acme Hosting Ltd"]

    def test_existing_address_is_told_by_mail(self, browser, portal_database, mail_server, worker):
        existing = create_account(portal_database)
        sign_up(browser, existing.email)
        worker.run_once()
        notice = mail_server.last_to(existing.email, "portal_signup_existing")
        assert "/portal/reset" in notice.body


class TestLogin:
    def test_login_before_confirmation_is_refused(self, browser, portal_database, mail_server, worker):
        account = create_account(portal_database, confirmed=False)
        response = log_in(browser, account.email)
        assert response.status_code == 403
        worker.run_once()
        assert mail_server.messages_to(account.email, "portal_confirm_email")

    def test_wrong_password_is_401(self, browser, portal_database):
        account = create_account(portal_database)
        response = log_in(browser, account.email, "wrong password entirely")
        assert response.status_code == 401
        assert "email address or the password is wrong" in response.text

    def test_unknown_address_gets_the_same_answer(self, browser, portal_database):
        account = create_account(portal_database)
        wrong = log_in(browser, account.email, "wrong password entirely")
        unknown = log_in(browser, unique_email(), "wrong password entirely")
        assert unknown.status_code == wrong.status_code
        assert "email address or the password is wrong" in unknown.text

    def test_login_redirects_to_the_portal(self, browser, portal_database):
        account = create_account(portal_database)
        response = log_in(browser, account.email)
        assert response.headers["location"] == "/portal/"

    def test_pages_need_login(self, browser):
        response = browser.get("/portal/api")
        assert response.status_code == 303
        assert response.headers["location"] == "/portal/login?next=/portal/api"

    def test_cookie_is_http_only_and_same_site(self, browser, portal_database):
        account = create_account(portal_database)
        response = log_in(browser, account.email)
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie

    def test_cookie_not_secure_on_loopback_http(self, browser, portal_database):
        account = create_account(portal_database)
        response = log_in(browser, account.email)
        assert "secure" not in response.headers["set-cookie"].lower()

    def test_logout_ends_the_session(self, browser, account):
        old_cookie = session_cookie(browser)
        token = csrf_token(browser.get("/portal/").text)
        assert browser.post("/portal/logout", data={"csrf_token": token}).status_code == 303
        browser.cookies.set(sessions.COOKIE_NAME, old_cookie)
        assert browser.get("/portal/").status_code == 303


class TestSessionFixation:
    def test_login_issues_a_new_session_id(self, browser, portal_database):
        account = create_account(portal_database)
        token = form_token(browser, "/portal/login")
        before = session_cookie(browser)
        browser.post("/portal/login", data={"csrf_token": token, "email": account.email,
                                            "password": PASSWORD})
        assert session_cookie(browser) != before

    def test_planted_session_id_stays_logged_out(self, browser, portal_server, portal_database):
        account = create_account(portal_database)
        # The attacker fetches the login page and plants its session cookie in the victim's
        # browser; the victim then logs in with that cookie.
        with httpx.Client(base_url=portal_server.url) as attacker:
            form_token(attacker, "/portal/login")
            planted = session_cookie(attacker)
            browser.cookies.set(sessions.COOKIE_NAME, planted)
            token = form_token(browser, "/portal/login")
            assert log_in_with(browser, token, account.email).status_code == 303
            assert attacker.get("/portal/").status_code == 303

    def test_logged_in_session_works(self, browser, account):
        assert browser.get("/portal/").status_code == 200


def log_in_with(client: httpx.Client, token: str, email: str) -> httpx.Response:
    return client.post("/portal/login", data={"csrf_token": token, "email": email,
                                              "password": PASSWORD})


class TestCsrf:
    def test_login_without_token_is_403(self, browser, portal_database):
        account = create_account(portal_database)
        form_token(browser, "/portal/login")
        response = browser.post("/portal/login", data={"email": account.email,
                                                       "password": PASSWORD})
        assert response.status_code == 403
        assert session_cookie(browser) is not None

    def test_login_without_any_session_is_403(self, portal_server, portal_database):
        account = create_account(portal_database)
        with httpx.Client(base_url=portal_server.url) as fresh:
            response = fresh.post("/portal/login", data={"csrf_token": "x", "email": account.email,
                                                         "password": PASSWORD})
        assert response.status_code == 403

    def test_token_of_another_session_is_403(self, browser, portal_server, account):
        with httpx.Client(base_url=portal_server.url) as other:
            foreign = form_token(other, "/portal/login")
        response = browser.post("/portal/api/access", data={"csrf_token": foreign, "enabled": "1"})
        assert response.status_code == 403

    def test_rejected_change_is_not_made(self, browser, portal_database, account):
        browser.post("/portal/api/access", data={"csrf_token": "forged", "enabled": "1"})
        with portal_database.read(operator=True) as session:
            assert session.get(Partner, account.partner_id).api_enabled is False

    def test_signup_without_token_is_403(self, browser):
        form_token(browser, "/portal/signup")
        response = browser.post("/portal/signup", data={
            "company": "X", "contact_name": "Y", "email": unique_email(), "password": PASSWORD})
        assert response.status_code == 403


class TestLoginRateLimit:
    def test_account_locked_after_five_failures(self, browser, portal_database, clock_in_the_past):
        account = create_account(portal_database)
        for _ in range(throttle.LOGIN_PER_ACCOUNT.max_events):
            assert log_in(browser, account.email, "wrong password entirely").status_code == 401
        response = log_in(browser, account.email)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0

    def test_other_accounts_still_log_in(self, browser, portal_database, clock_in_the_past):
        locked = create_account(portal_database)
        other = create_account(portal_database)
        for _ in range(throttle.LOGIN_PER_ACCOUNT.max_events):
            log_in(browser, locked.email, "wrong password entirely")
        assert log_in(browser, other.email).status_code == 303

    def test_address_locked_after_many_failures(self, browser, portal_database, clock_in_the_past):
        account = create_account(portal_database)
        for _ in range(throttle.LOGIN_PER_ADDRESS.max_events):
            log_in(browser, unique_email(), "wrong password entirely")
        assert log_in(browser, account.email).status_code == 429

    def test_limit_is_shared_by_app_servers(self, browser, portal_server, portal_database,
                                            settings, database, clock_in_the_past):
        # The shared app fixture is a second app server on the same database.
        from tests.conftest import LiveServer
        from myengine.api.app import create_app

        account = create_account(portal_database)
        second = LiveServer(create_app(settings, database))
        second.start()
        try:
            with httpx.Client(base_url=second.url) as other:
                for _ in range(throttle.LOGIN_PER_ACCOUNT.max_events):
                    log_in(other, account.email, "wrong password entirely")
        finally:
            second.stop()
        assert log_in(browser, account.email).status_code == 429


class TestPasswordReset:
    def test_reset_answers_the_same_for_unknown_addresses(self, browser, portal_database):
        account = create_account(portal_database)
        known = _reset(browser, account.email)
        unknown = _reset(browser, unique_email())
        assert known.status_code == unknown.status_code == 200
        assert _main(known.text) == _main(unknown.text)

    def test_reset_mails_only_existing_accounts(self, browser, mail_server, worker):
        stranger = unique_email()
        _reset(browser, stranger)
        worker.run_once()
        assert mail_server.messages_to(stranger) == []

    def test_reset_link_sets_a_new_password(self, browser, portal_database, mail_server, worker):
        account = create_account(portal_database)
        _reset(browser, account.email)
        worker.run_once()
        path = _reset_path(mail_server, account.email, browser)
        token = form_token(browser, path)
        new_password = "a brand new passphrase"
        response = browser.post(path, data={"csrf_token": token, "password": new_password,
                                            "password_again": new_password})
        assert response.status_code == 200
        assert log_in(browser, account.email, new_password).status_code == 303

    def test_reset_link_works_once(self, browser, portal_database, mail_server, worker):
        account = create_account(portal_database)
        _reset(browser, account.email)
        worker.run_once()
        path = _reset_path(mail_server, account.email, browser)
        token = form_token(browser, path)
        data = {"csrf_token": token, "password": "another long passphrase",
                "password_again": "another long passphrase"}
        browser.post(path, data=data)
        assert browser.get(path).status_code == 400

    def test_reset_logs_out_other_sessions(self, browser, portal_server, portal_database,
                                           mail_server, worker):
        account = create_account(portal_database)
        with httpx.Client(base_url=portal_server.url) as elsewhere:
            assert log_in(elsewhere, account.email).status_code == 303
            _reset(browser, account.email)
            worker.run_once()
            path = _reset_path(mail_server, account.email, browser)
            token = form_token(browser, path)
            browser.post(path, data={"csrf_token": token, "password": "yet another passphrase",
                                     "password_again": "yet another passphrase"})
            assert elsewhere.get("/portal/").status_code == 303

    def test_reset_requests_are_rate_limited(self, browser, portal_database, clock_in_the_past):
        account = create_account(portal_database)
        for _ in range(throttle.RESET_PER_ACCOUNT.max_events):
            assert _reset(browser, account.email).status_code == 200
        assert _reset(browser, account.email).status_code == 429

    def test_unknown_address_is_limited_alike(self, browser, clock_in_the_past):
        stranger = unique_email()
        for _ in range(throttle.RESET_PER_ACCOUNT.max_events):
            _reset(browser, stranger)
        assert _reset(browser, stranger).status_code == 429


def _reset(client: httpx.Client, email: str) -> httpx.Response:
    token = form_token(client, "/portal/reset")
    return client.post("/portal/reset", data={"csrf_token": token, "email": email})


def _reset_path(mail_server, email: str, client: httpx.Client) -> str:  # type: ignore[no-untyped-def]
    message = mail_server.last_to(email, "portal_password_reset")
    link = next(link for link in message.links() if "/portal/reset/" in link)
    return link.removeprefix(str(client.base_url))


def _main(html: str) -> str:
    """The page's main content, without the per-session CSRF tokens."""
    main = html[html.index("<main>"):html.index("</main>")]
    return main


class TestLoginRedirect:
    def test_login_returns_to_the_requested_page(self, browser, portal_database):
        account = create_account(portal_database)
        page = browser.get("/portal/login", params={"next": "/portal/api"})
        response = browser.post("/portal/login", data={
            "csrf_token": csrf_token(page.text), "email": account.email, "password": PASSWORD,
            "next": "/portal/api"})
        assert response.headers["location"] == "/portal/api"

    def test_login_never_leaves_the_portal(self, browser, portal_database):
        account = create_account(portal_database)
        page = browser.get("/portal/login")
        response = browser.post("/portal/login", data={
            "csrf_token": csrf_token(page.text), "email": account.email, "password": PASSWORD,
            "next": "https://elsewhere.example/"})
        assert response.headers["location"] == "/portal/"


class TestEnsureLogin:
    def test_new_login_is_confirmed(self, browser, portal_database):
        owner = create_account(portal_database)
        email = unique_email("ensured")
        with portal_database.write(operator=True) as session:
            accounts.ensure_login(session, partner_id=owner.partner_id, email=email,
                                  contact_name="Demo User", password=PASSWORD)
        assert log_in(browser, email).status_code == 303

    def test_second_call_replaces_the_password(self, browser, portal_database):
        owner = create_account(portal_database)
        with portal_database.write(operator=True) as session:
            accounts.ensure_login(session, partner_id=owner.partner_id, email=owner.email,
                                  contact_name="Demo User", password="a different passphrase")
        assert log_in(browser, owner.email).status_code == 401
        assert log_in(browser, owner.email, "a different passphrase").status_code == 303

    def test_another_partners_address_is_left_alone(self, browser, portal_database):
        owner = create_account(portal_database)
        other = create_account(portal_database)
        with portal_database.write(operator=True) as session:
            ensured = accounts.ensure_login(session, partner_id=other.partner_id,
                                            email=owner.email, contact_name="Demo User",
                                            password="a different passphrase")
        assert ensured is None
        assert log_in(browser, owner.email).status_code == 303
