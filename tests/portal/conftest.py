"""Fixtures for the portal: its own app and server wired to a real SMTP server.

The portal's app has its own ``Database`` object, so the mail settings it registers (SMTP
relay, public URL) do not clash with the shared ``app`` fixture's.
"""

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from myengine.api.app import create_app
from myengine.clock import set_clock, utcnow
from myengine.db.engine import Database, connect
from myengine.jobs.worker import Worker
from myengine.portal import accounts
from myengine.settings import Settings
from tests.mail_server import MailServer, free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery staple"


class PortalServer:
    def __init__(self, app, port: int) -> None:  # type: ignore[no-untyped-def]
        self.port = port
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the portal test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def portal_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def portal_settings(settings: Settings, mail_server: MailServer, portal_port: int) -> Settings:
    return settings.model_copy(update={
        "smtp_host": "127.0.0.1",
        "smtp_port": mail_server.port,
        "smtp_starttls": False,
        "public_url": f"http://127.0.0.1:{portal_port}",
        "mail_from_address": "no-reply@platform.example",
    })


@pytest.fixture(scope="session")
def portal_database(database: Database, portal_settings: Settings) -> Iterator[Database]:
    """A second connection pool to the migrated test database, owned by the portal's app."""
    db = connect(portal_settings.database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def portal_server(portal_settings: Settings, portal_database: Database,
                  portal_port: int) -> Iterator[PortalServer]:
    live = PortalServer(create_app(portal_settings, portal_database), portal_port)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def worker(portal_database: Database, portal_settings: Settings) -> Worker:
    """Runs queued jobs (the mail) when a test calls ``worker.run_once()``."""
    return Worker(portal_database, portal_settings, name="portal-tests")


@pytest.fixture
def browser(portal_server: PortalServer) -> Iterator[httpx.Client]:
    """An HTTP client that keeps cookies like a browser and does not follow redirects."""
    with httpx.Client(base_url=portal_server.url, timeout=30) as client:
        yield client


_counter = iter(range(1, 10**9))


def unique_email(label: str = "partner") -> str:
    return f"{label}{next(_counter)}.{time.monotonic_ns()}@reseller.example"


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def form_token(client: httpx.Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_token(response.text)


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    partner_id: int


def sign_up(client: httpx.Client, email: str, *, password: str = PASSWORD,
            company: str = "Acme Hosting Ltd", contact_name: str = "Ada Lovelace") -> httpx.Response:
    token = form_token(client, "/portal/signup")
    return client.post("/portal/signup", data={
        "csrf_token": token, "company": company, "contact_name": contact_name,
        "email": email, "password": password,
    })


def log_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    token = form_token(client, "/portal/login")
    return client.post("/portal/login", data={"csrf_token": token, "email": email,
                                              "password": password})


def confirm_link(mail_server: MailServer, email: str) -> str:
    message = mail_server.last_to(email, "portal_confirm_email")
    return next(link for link in message.links() if "/portal/confirm/" in link)


def follow_mailed_link(link: str) -> httpx.Response:
    """Open ``link`` in a new cookie jar, as the person reading the mail would, and press the
    page's confirmation button."""
    with httpx.Client(timeout=30) as person:
        page = person.get(link)
        assert page.status_code == 200, page.text
        return person.post(link, data={"csrf_token": csrf_token(page.text)})


def partner_id_of(client: httpx.Client) -> int:
    page = client.get("/portal/")
    match = re.search(r'id="partner-id">(\d+)<', page.text)
    assert match, page.text
    return int(match.group(1))


def create_account(database: Database, *, email: str | None = None,
                   company: str = "Acme Hosting Ltd", confirmed: bool = True) -> Account:
    """Create a partner and its portal user through the sign-up operation, without mail."""
    email = email or unique_email()
    with database.write(operator=True) as session:
        accounts.sign_up(session, accounts.SignUpForm(
            company=company, contact_name="Ada Lovelace", email=email, password=PASSWORD))
        user = accounts.find_user(session, email)
        assert user is not None
        if confirmed:
            user.email_confirmed = utcnow()
        partner_id = user.partner_id
    return Account(email=email, password=PASSWORD, partner_id=partner_id)


@pytest.fixture
def account(browser: httpx.Client, portal_database: Database) -> Account:
    """A confirmed partner account, logged in on ``browser``."""
    created = create_account(portal_database)
    assert log_in(browser, created.email).status_code == 303
    return created


_pasts = iter(range(10**6))


@pytest.fixture
def clock_in_the_past() -> Iterator[None]:
    """Run the test a day in the past, so the attempts it counts against the rate limits are
    out of every window for the tests after it."""
    # Each test gets its own past, three hours from the previous one, which is more than the
    # longest window, so tests do not count each other's attempts either.
    offset = dt.timedelta(days=1) + next(_pasts) * dt.timedelta(hours=3)
    set_clock(lambda: dt.datetime.now(dt.UTC) - offset)
    yield
    set_clock(None)
