"""Password hashing: argon2id (argon2-cffi), RFC 9106 "low memory" parameters.

``verify`` of an unknown user still runs one full argon2 verification (against a dummy hash), so
an unknown e-mail and a wrong password cost the same time and answer the same way.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from minbar.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing is costly; refuse megabyte "passwords"

#: RFC 9106 second recommended option: t=3, m=64 MiB, p=4 (argon2-cffi's default profile),
#: written out so a library upgrade cannot change it silently.
HASHER = PasswordHasher(
    time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16, type=Type.ID
)


def validate(password: str) -> None:
    """Raise :class:`InvalidInput` for a password under 12 characters (or absurdly long)."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id PHC string for ``password`` (validated first)."""
    validate(password)
    return HASHER.hash(password)


#: A hash of a random, forgotten password with the parameters above: what an unknown user's
#: sign-in is verified against (a constant, so even the first such sign-in costs the same).
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$/fxQQdOmpzY2X0UsX77rQA"
    "$pGoPNB2g5v6Z0W5ksdAYoBiPANCakIt1gju8eoGLnxI"
)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; ``stored=None`` (unknown user, no password set)
    verifies against a dummy hash and answers ``False`` after the same work."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        password = ""
    target = stored or DUMMY_HASH
    try:
        ok = HASHER.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than today's (rehash on sign-in)."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def generate() -> str:
    """A random password (24 URL-safe characters, 144 bits), shown once to the operator."""
    return secrets.token_urlsafe(18)


__all__ = ["MIN_LENGTH", "generate", "hash_password", "needs_rehash", "validate", "verify"]
