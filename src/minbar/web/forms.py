"""Query-string parsing shared by pages and the API, with clear messages (422)."""

from __future__ import annotations

from datetime import datetime

from minbar.errors import InvalidInput

#: Content languages a filter may name (the monitored languages).
CONTENT_LANGS = ("ar", "tr", "az", "en", "ru")
MAX_QUERY = 1000
MAX_PAGE = 1000


def content_lang(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().lower()
    if code not in CONTENT_LANGS:
        raise InvalidInput(
            f"unknown language {value[:20]!r}: choose one of {', '.join(CONTENT_LANGS)}"
        )
    return code


def page_number(value: str | None) -> int:
    if value is None or not value.strip():
        return 1
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"page {value[:20]!r}: give a whole number from 1") from None
    if not (1 <= number <= MAX_PAGE):
        raise InvalidInput(f"page must be between 1 and {MAX_PAGE}")
    return number


def query_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"the query is {len(text)} characters long; at most {MAX_QUERY}")
    return text


def date_param(value: str | None, name: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name}: not a date: {value[:40]!r} (use e.g. 2026-11-20)") from None
    return parsed
