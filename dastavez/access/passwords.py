"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dastavez.exc import InvalidInput

_hasher = PasswordHasher()
MIN_LENGTH = 10

_dummy: tuple[PasswordHasher, str] | None = None


def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so a login for an unknown name
    takes as long as one for a known name (no user enumeration by timing). Made on first use,
    not at import, so commands that never log anyone in do not pay for it."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash("not-a-real-password-only-for-timing"))
    return _dummy[1]


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters", field="password")
    if len(password) > 1024:
        raise InvalidInput("password must be at most 1024 characters", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
