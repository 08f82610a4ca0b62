"""SMTP credentials of outMail services.

Each outMail service gets the SMTP username ``outmail-<service id>`` and a generated password.
The password is returned once, in the create response, and stored only as an Argon2id hash
in the PHC string format (``$argon2id$v=19$m=...``), which any Argon2 library verifies.
"""

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# The password is 192 random bits, so its hash needs no high cost to resist guessing. These
# parameters keep one hash at tens of milliseconds and 19 MiB of memory.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
PASSWORD_BYTES = 24


@dataclass(frozen=True)
class SmtpPassword:
    password: str  # returned once, never stored
    password_hash: str


def smtp_username(service_id: int) -> str:
    return f"outmail-{service_id}"


def new_password() -> SmtpPassword:
    """Generate an SMTP password and its Argon2id hash."""
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    return SmtpPassword(password=password, password_hash=_HASHER.hash(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against a stored hash; a missing or malformed hash never matches."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
