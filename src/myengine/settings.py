"""Deployment settings, read from ``MYENGINE_*`` environment variables."""

import enum
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(enum.StrEnum):
    SANDBOX = "sandbox"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MYENGINE_", extra="ignore")

    environment: Environment = Environment.SANDBOX
    database_url: str = "sqlite:///./var/myengine.sqlite3"
    # Pepper for the keyed hash of API keys. Changing it invalidates every issued key.
    secret_key: SecretStr | None = None
    # Where the sandbox keeps a generated secret key when none is configured.
    var_dir: Path = Path("./var")

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)
    retention_grace_days: int = Field(default=30, ge=0, le=3650)

    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|console)$")

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> "Settings":
        if self.environment is Environment.PRODUCTION and self.secret_key is None:
            raise ValueError(
                "MYENGINE_SECRET_KEY is required when MYENGINE_ENVIRONMENT=production; "
                "set it to a random string of at least 32 characters"
            )
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("MYENGINE_SECRET_KEY must be at least 32 characters long")
        return self

    def secret_key_bytes(self) -> bytes:
        """Return the API-key pepper, generating and keeping one under ``var_dir`` in the sandbox."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()

        path = self.var_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
