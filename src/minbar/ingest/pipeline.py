"""``minbar ingest``: turn paths and URLs into stored articles.

One *unit* is one file or one URL. A unit that cannot be read is recorded in the ingest log with
an error naming it and the run goes on; a bad record inside a unit is reported by position and the
rest of the unit is stored. Each batch is written in one transaction, and every write is keyed by
canonical URL, so re-running an ingest adds nothing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from minbar.config import Settings
from minbar.ingest.errors import IngestError, ParseError, TooLargeError
from minbar.ingest.feeds import looks_like_feed, parse_feed
from minbar.ingest.files import RECORD_SUFFIXES, RecordError, read_records
from minbar.ingest.pages import parse_page
from minbar.ingest.prepare import check_article, prepare_batch
from minbar.ingest.safety import Fetched, FetchPolicy, fetch
from minbar.models import ArticleIn, IngestReport, InputError
from minbar.store.db import DatabaseError, database_error_reason
from minbar.store.repository import Store, new_run_id

BATCH = 500
FEED_SUFFIXES = (".xml", ".rss", ".atom")
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_RECORD_FILE = 2 * 1024**3
#: PostgreSQL cannot index (unique canonical URL) much more than 2,700 bytes; SQLite could, so
#: without a cap one long URL fails a whole batch on PostgreSQL only.
MAX_URL_BYTES = 2000
MAX_SOURCE_CHARS = 300  # sources.name is VARCHAR(300)

Progress = Callable[[int], None]


@dataclass
class Loaded:
    """What one unit yielded: articles and per-record errors."""

    articles: list[ArticleIn] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    not_modified: bool = False
    fetched: Fetched | None = None


def is_url(value: str) -> bool:
    return urlsplit(value).scheme.lower() in ("http", "https")


class HostThrottle:
    """Per-host politeness: at least ``delay`` seconds between two requests to one host."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            pause = 0.0 if last is None else max(0.0, last + self.delay - now)
            self._last[host] = now + pause
        if pause:
            time.sleep(pause)


def _records(data: bytes, name: str, suffix: str) -> Loaded:
    loaded = Loaded()
    for item in read_records(data, input_name=name, suffix=suffix):
        if isinstance(item, RecordError):
            loaded.errors.append(InputError(f"{name} ({item.position})", item.error))
        else:
            loaded.articles.append(item)
    return loaded


def _document(data: bytes, name: str, url: str, charset: str | None, kind: str | None) -> Loaded:
    """A feed or a page, told apart by ``kind`` or by sniffing the first bytes."""
    if kind is None:
        head = data[:4096].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
        if head.startswith("{") or head.startswith("["):
            return _records(data, name, ".json")
        kind = "feed" if looks_like_feed(head) else "page"
    if kind == "feed":
        _title, arts = parse_feed(data, input_name=name, declared_charset=charset)
        return Loaded(articles=arts)
    return Loaded(articles=[parse_page(data, url=url, input_name=name, declared_charset=charset)])


def load_file(path: Path, settings: Settings) -> Loaded:
    name = str(path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    cap = MAX_RECORD_FILE if suffix in RECORD_SUFFIXES else settings.max_download_bytes
    if size > cap:
        raise TooLargeError(name, f"file is {size:,} bytes, over the cap of {cap:,}")
    data = path.read_bytes()
    if suffix in RECORD_SUFFIXES:
        return _records(data, name, suffix)
    kind = "feed" if suffix in FEED_SUFFIXES else "page" if suffix in PAGE_SUFFIXES else None
    return _document(data, name, path.resolve().as_uri(), None, kind)


def _kind_of(fetched: Fetched) -> str | None:
    ctype = fetched.content_type
    if any(t in ctype for t in ("rss", "atom", "rdf")):
        return "feed"
    if "html" in ctype:
        return "page"
    return None  # text/xml, application/xml, json, octet-stream: sniff


def load_url(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    throttle: HostThrottle | None = None,
) -> Loaded:
    if throttle:
        throttle.wait(url)
    try:
        fetched = fetch(url, policy, etag=etag, last_modified=last_modified)
    except IngestError as exc:
        if exc.input == url:
            raise
        # A refused or failing redirect hop: the error must name the input, not only the hop.
        raise type(exc)(url, f"redirected to {exc.input}: {exc.reason}") from None
    if fetched.not_modified:
        return Loaded(not_modified=True, fetched=fetched)
    path = urlsplit(fetched.final_url).path.lower()
    suffix = os.path.splitext(path)[1]
    if suffix in RECORD_SUFFIXES or "json" in fetched.content_type or "csv" in fetched.content_type:
        suffix = (
            suffix
            if suffix in RECORD_SUFFIXES
            else (".csv" if "csv" in fetched.content_type else ".json")
        )
        loaded = _records(fetched.content, url, suffix)
    else:
        loaded = _document(
            fetched.content, url, fetched.final_url, fetched.charset, _kind_of(fetched)
        )
    loaded.fetched = fetched
    return loaded


def iter_units(inputs: list[str]) -> Iterator[tuple[str, Path | None]]:
    """(name, path or None for URLs); directories are walked recursively, hidden files skipped."""
    for raw in inputs:
        if is_url(raw):
            yield raw, None
            continue
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for fname in sorted(files):
                    fpath = Path(root) / fname
                    if fname.startswith(".") or fpath.suffix.lower() not in (
                        RECORD_SUFFIXES + FEED_SUFFIXES + PAGE_SUFFIXES
                    ):
                        continue
                    yield str(fpath), fpath
        else:
            yield raw, path


def _check_fields(art: ArticleIn, name: str) -> None:
    """What the database would refuse (on PostgreSQL only), refused here per article."""
    where = f"{name} [{art.url[:200]}]" if art.url != name else name
    for value in (art.canonical_url or "", art.url):
        if len(value.encode("utf-8")) > MAX_URL_BYTES:
            raise ParseError(where, f"URL is over the cap of {MAX_URL_BYTES} bytes")
    if any("\x00" in (v or "") for v in (art.url, art.title, art.source, art.lang)):
        raise ParseError(where, "NUL bytes in the URL, title, source or language")
    if art.lang and len(art.lang) > 8:
        raise ParseError(where, f"lang {art.lang[:40]!r} is not a language code")
    if art.source and len(art.source) > MAX_SOURCE_CHARS:
        art.source = art.source[:MAX_SOURCE_CHARS].rstrip()


def store_articles(
    store: Store,
    name: str,
    arts: list[ArticleIn],
    settings: Settings,
    report: IngestReport,
    progress: Progress | None = None,
    source: str | None = None,
) -> None:
    """Validate, prepare and store ``arts`` in batches; bad articles become errors."""
    for start in range(0, len(arts), BATCH):
        valid = []
        for art in arts[start : start + BATCH]:
            if source and not art.source:
                art.source = source
            try:
                check_article(art, settings.max_text_chars, name)
                _check_fields(art, name)
            except IngestError as exc:
                report.errors.append(InputError(exc.input, exc.reason))
                continue
            valid.append(art)
        if valid:
            store.add_articles(prepare_batch(valid), report)
        if progress:
            progress(len(arts[start : start + BATCH]))


def ingest(
    store: Store,
    inputs: list[str],
    settings: Settings | None = None,
    *,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    source: str | None = None,
) -> IngestReport:
    """Ingest files, directories and URLs; returns the contract's counts and errors."""
    settings = settings or Settings.from_env()
    policy = policy or FetchPolicy(
        allow_hosts=settings.allow_hosts, max_bytes=settings.max_download_bytes
    )
    run_id = new_run_id()
    total = IngestReport()
    for name, path in iter_units(inputs):
        unit = IngestReport()
        try:
            if path is None:
                loaded = load_url(name, policy)
            elif not path.exists():
                raise ParseError(name, "no such file or directory")
            else:
                loaded = load_file(path, settings)
            unit.errors.extend(loaded.errors)
            store_articles(store, name, loaded.articles, settings, unit, progress, source)
        except IngestError as exc:
            unit.errors.append(InputError(exc.input, exc.reason))
        except OSError as exc:
            unit.errors.append(InputError(name, f"cannot read: {exc.strerror or exc}"))
        except DatabaseError as exc:
            # The failing batch was rolled back whole; earlier batches of the unit stay.
            reason = database_error_reason(exc)
            unit.errors.append(InputError(name, f"database error, batch not stored: {reason}"))
        outcome = "error" if unit.errors and not (unit.ingested or unit.duplicates) else "ok"
        store.log(
            run_id,
            name,
            outcome,
            report=unit,
            error="; ".join(f"{e.input}: {e.error}" for e in unit.errors[:20]) or None,
        )
        total.add(unit)
    return total
