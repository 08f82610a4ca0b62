"""Apply Alembic migrations programmatically (``myengine-server db upgrade``, tests)."""

from alembic import command
from alembic.config import Config

from myengine.db.engine import ensure_sqlite_directory


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "myengine:migrations")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)
