"""Fixtures: every test runs once on SQLite and once on PostgreSQL, against a live server.

PostgreSQL comes from ``MYENGINE_TEST_POSTGRES_URL`` (default: the local server with trust
auth). Each run creates its own database and drops it at the end. With ``CI=true`` an
unreachable PostgreSQL fails the run; elsewhere its half of the suite is skipped, loudly.
"""

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from myengine.api.app import create_app
from myengine.db.engine import Database, connect
from myengine.db.migrate import upgrade
from myengine.settings import Environment, Settings
from tests.factories import PartnerCredentials, create_partner

POSTGRES_ADMIN_URL = os.environ.get(
    "MYENGINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SECRET_KEY = "test-secret-key-" + "x" * 32


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    problem = _postgres_reachable()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and unreachable at {POSTGRES_ADMIN_URL}: {problem}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL} ({problem}); its half is skipped")

    name = f"myengine_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'myengine.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment=Environment.SANDBOX,
        database_url=database_url,
        secret_key=SECRET_KEY,
        var_dir=tmp_path_factory.mktemp("var"),
        retention_grace_days=30,
        log_format="json",
    )


@pytest.fixture(scope="session")
def database(settings: Settings) -> Iterator[Database]:
    upgrade(settings.database_url)
    db = connect(settings.database_url)
    yield db
    db.dispose()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The real application served by uvicorn on loopback in a background thread."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:  # type: ignore[no-untyped-def]
        self.host = host
        self.port = _free_port()
        config = uvicorn.Config(app, host=host, port=self.port, log_config=None, access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, database)


@pytest.fixture(scope="session")
def server(app) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    live = LiveServer(app)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def partner(database: Database, settings: Settings) -> PartnerCredentials:
    """A new partner with 1,000 credits; tests see only their own partner's data."""
    return create_partner(database, settings, credits=1000)


@pytest.fixture
def api(server: LiveServer, partner: PartnerCredentials) -> Iterator[httpx.Client]:
    """An HTTP client for /api-v1 authenticated as ``partner``."""
    with httpx.Client(
        base_url=f"{server.url}/api-v1", auth=(str(partner.partner_id), partner.api_key), timeout=30
    ) as client:
        yield client


@pytest.fixture
def anonymous(server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client with no credentials, rooted at the server."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture
def var_dir(settings: Settings) -> Path:
    return settings.var_dir
