"""Password hashing with Argon2id, and the password policy of portal accounts."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's defaults (checked with version 25.1) are Argon2id with the RFC 9106
# low-memory profile: 64 MiB of memory, 3 passes, 4 lanes.
_hasher = PasswordHasher()

MIN_LENGTH = 12
# Bounds the input each hash reads; no passphrase needs more.
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with parameters older than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("a password that no account has")


def burn_verification_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown address costs as long as a wrong password."""
    verify_password(_dummy_hash(), password)


def password_problem(password: str, *, email: str) -> str | None:
    """Describe why ``password`` is not acceptable, or return None when it is."""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters long."
    if password.strip().lower() == email.strip().lower():
        return "The password must not be your email address."
    if len(set(password)) < 4:
        return "The password repeats too few different characters; choose a longer phrase."
    return None
