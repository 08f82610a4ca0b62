"""Temporary databases for one benchmark run: a SQLite file, or a PostgreSQL database."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_problem(admin_url: str) -> str | None:
    """Return why PostgreSQL at ``admin_url`` cannot be used, or None when it can."""
    engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means the backend is skipped
        return f"{type(exc).__name__}: {exc}"
    finally:
        engine.dispose()


def postgres_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    """Yield the URL of a new SQLite file under ``folder``. The caller removes the folder."""
    yield f"sqlite:///{folder / 'bench.sqlite3'}"


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """Create a database named ``myengine_bench_<random>``, yield its URL, and drop it."""
    name = f"myengine_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
