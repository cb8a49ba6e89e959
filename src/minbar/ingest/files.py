"""Records from files: JSONL, JSON arrays and CSV with ``url,title,text,published,source[,lang]``.

Field aliases (``content``/``body`` for text, ``date``/``date_extracted`` for published, …) let
common dumps such as SaudiNewsNet load without conversion. A bad record is reported by position
and skipped; the rest of the file goes on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from minbar.ingest.encoding import decode_bytes
from minbar.ingest.errors import ParseError
from minbar.ingest.html_text import title_text
from minbar.models import ArticleIn
from minbar.text.dates import parse_datetime

ALIASES = {
    "url": ("url", "link", "href", "canonical_url"),
    "title": ("title", "headline"),
    "text": ("text", "content", "body", "article", "description"),
    "published": (
        "published",
        "date_published",
        "datePublished",
        "date",
        "pubdate",
        "published_at",
        "date_extracted",
    ),
    "source": ("source", "outlet", "site", "publisher"),
    "lang": ("lang", "language", "inLanguage"),
}
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class RecordError:
    position: str  # "line 12" / "row 3" / "item 7"
    error: str


def _pick(record: dict, field: str):
    for key in ALIASES[field]:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def record_to_article(record: object) -> ArticleIn:
    """Validate one record; ``ValueError`` says what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError("record is not an object")
    url = _pick(record, "url")
    text = _pick(record, "text")
    if not url or not isinstance(url, str):
        raise ValueError("missing 'url'")
    if not text or not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    lang = _pick(record, "lang")
    source = _pick(record, "source")
    return ArticleIn(
        url=url.strip(),
        title=title_text(str(_pick(record, "title") or "")),
        text=text.strip(),
        published=parse_datetime(_pick(record, "published")),
        source=str(source).strip() if source else None,
        lang=str(lang).strip().lower().split("-")[0] if lang else None,
    )


def _jsonl(text: str) -> Iterator[tuple[str, object]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield f"line {n}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {n}", ValueError(f"invalid JSON: {exc.msg}")


def _json(text: str, input_name: str) -> Iterator[tuple[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(input_name, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict):
        data = data.get("articles") or data.get("items") or [data]
    if not isinstance(data, list):
        raise ParseError(input_name, "JSON is neither an object nor an array of records")
    for n, item in enumerate(data, start=1):
        yield f"item {n}", item


def _csv(text: str) -> Iterator[tuple[str, object]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for n, row in enumerate(reader, start=2):  # row 1 is the header
        yield f"row {n}", {k.strip().lower(): v for k, v in row.items() if k}


def read_records(data: bytes, *, input_name: str, suffix: str) -> Iterator[ArticleIn | RecordError]:
    """Articles and per-record errors of a JSONL/JSON/CSV file, in file order."""
    text, _enc = decode_bytes(data, kind="text", source=input_name)
    if suffix == ".csv":
        rows = _csv(text)
    elif suffix == ".json":
        rows = _json(text, input_name)
    else:
        rows = _jsonl(text)
    for position, record in rows:
        if isinstance(record, Exception):
            yield RecordError(position, str(record))
            continue
        try:
            yield record_to_article(record)
        except ValueError as exc:
            yield RecordError(position, str(exc))
