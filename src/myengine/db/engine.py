"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions start
with ``BEGIN IMMEDIATE``, so a writer takes the write lock before its first statement and
either runs to the end or waits. It never fails half-way on a lock upgrade. Reads use plain
deferred transactions and never block writers.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from myengine.db.tenancy import scope_session


@dataclass(frozen=True)
class Database:
    url: str
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    engines: tuple[Engine, ...]

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def write(self, *, partner_id: int | None = None, operator: bool = False) -> Iterator[Session]:
        """Open a write transaction, committed on success and rolled back on error.

        The session reads and writes only ``partner_id``'s rows unless ``operator`` is true.
        """
        with self.writer() as session:
            scope_session(session, partner_id=partner_id, operator=operator)
            with session.begin():
                yield session

    @contextmanager
    def read(self, *, partner_id: int | None = None, operator: bool = False) -> Iterator[Session]:
        """Open a read-only session scoped like ``write``."""
        with self.reader() as session:
            scope_session(session, partner_id=partner_id, operator=operator)
            yield session

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


def _sqlite_engine(url: str, busy_timeout_ms: int, begin: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Hand transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql(begin)

    return engine


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh clone needs no set-up."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def connect(url: str, *, busy_timeout_ms: int = 10_000) -> Database:
    """Create the engines for ``url``: two on SQLite (reader, writer), one elsewhere.

    Statement parameters are left out of error messages, because they can hold personal data
    and error messages reach the logs.
    """
    # Every model must be mapped before the first query resolves foreign keys between domains.
    import myengine.db.models  # noqa: F401
    if make_url(url).get_backend_name() == "sqlite":
        ensure_sqlite_directory(url)
        reader = _sqlite_engine(url, busy_timeout_ms, "BEGIN")
        writer = _sqlite_engine(url, busy_timeout_ms, "BEGIN IMMEDIATE")
        engines: tuple[Engine, ...] = (reader, writer)
    else:
        reader = writer = create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
        )
        engines = (reader,)

    return Database(
        url=url,
        reader=sessionmaker(reader, expire_on_commit=False),
        writer=sessionmaker(writer, expire_on_commit=False),
        engines=engines,
    )
