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
    # Requests a partner may send per minute to one server process (0 turns the limit off).
    rate_limit_per_minute: int = Field(default=1200, ge=0)
    # Retention of the records kept after anonymisation (docs/data-retention.md).
    audit_retention_days: int = Field(default=730, ge=1, le=36500)
    ledger_retention_days: int = Field(default=3653, ge=1, le=36500)
    job_retention_days: int = Field(default=30, ge=1, le=3650)
    retention_sweep_minutes: int = Field(default=60, ge=1, le=10080)

    # Background jobs. The embedded worker runs on a thread of the API process (``make run``
    # turns it on); ``myengine-server worker`` runs a separate one.
    embedded_worker: bool = False
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    job_lease_seconds: int = Field(default=300, ge=1, le=86400)
    job_max_attempts: int = Field(default=8, ge=1, le=100)
    job_retry_base_seconds: float = Field(default=30, ge=0, le=86400)
    # Comma-separated modules imported by workers to register more job handlers.
    job_modules: str = ""

    # Base URL of this deployment as partners and their clients reach it; links sent by mail
    # start with it. It is never taken from a request's Host header.
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^/?#]+$")

    # Outgoing mail. With no SMTP host, messages are kept as files in the maildir
    # ``var_dir/mail`` instead of being sent.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    # PEM bundle of extra certificate authorities to trust for the relay's STARTTLS certificate.
    smtp_ca_file: Path | None = None
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    mail_from_address: str = "no-reply@localhost"
    mail_from_name: str = "my-engine"

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

    def job_module_names(self) -> list[str]:
        return [name.strip() for name in self.job_modules.split(",") if name.strip()]

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
