"""Input checks for accounts: each raises :class:`~minbar.errors.InvalidInput` naming what is
valid, so the CLI, the API and the forms all answer the same clear error."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from minbar.auth.permissions import ROLES
from minbar.errors import InvalidInput
from minbar.text.language import WORKING_LANGUAGES as LANGS

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def token_hash(token: str) -> str:
    """SHA-256 hex of an API token: tokens are 256-bit random, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def slug(value: str, what: str) -> str:
    s = (value or "").strip().lower()
    if not _SLUG.match(s) or len(s) > 64 or s.isdigit():  # digits alone would read as an id
        raise InvalidInput(
            f"bad {what} slug {value!r}: use lower-case letters, digits and hyphens (max 64),"
            " not only digits"
        )
    return s


def email(value: str) -> str:
    e = (value or "").strip().lower()
    if not _EMAIL.match(e) or len(e) > 320:
        raise InvalidInput(f"not an e-mail address: {value!r}")
    return e


def lang(value: str) -> str:
    code = (value or "").strip().lower()
    if code not in LANGS:
        raise InvalidInput(f"unknown language {value!r}; valid: {', '.join(LANGS)}")
    return code


def role(value: str) -> str:
    r = (value or "").strip().lower()
    if r not in ROLES:
        raise InvalidInput(f"unknown role {value!r}; valid: {', '.join(ROLES)}")
    return r


def choices(items: list[str]) -> str:
    return ", ".join(items) if items else "none yet"


def when(value, what: str) -> datetime | None:
    from minbar.text.dates import parse_datetime

    try:
        return parse_datetime(value)
    except (ValueError, TypeError):
        raise InvalidInput(f"bad {what} date {value!r}: use ISO 8601, e.g. 2026-12-01") from None


def country(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().upper()
    if not _COUNTRY.match(code):
        raise InvalidInput(f"country must be a two-letter ISO code, not {value!r}")
    return code
