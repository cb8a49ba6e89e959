"""Parse the many ways inputs write a publication time into an aware UTC datetime."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 (with or without time/zone), RFC 2822, ``time.struct_time`` or epoch seconds.

    Returns ``None`` for empty values and raises ``ValueError`` for text that is not a date, so
    callers can report the bad record instead of silently storing no date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value).strip()
    if not text:
        return None
    try:
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return to_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(f"not a date: {text[:40]!r}")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """:func:`to_utc` that passes ``None`` through (SQLite hands back naive datetimes: every
    stored time is UTC)."""
    return None if value is None else to_utc(value)


def iso(value: datetime | None, timespec: str = "auto") -> str | None:
    """ISO 8601 in UTC, or ``None``."""
    value = aware(value)
    return value.isoformat(timespec=timespec) if value else None
