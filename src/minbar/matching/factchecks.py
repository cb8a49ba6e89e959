"""``minbar factchecks import|export``: the fact-check knowledge base as ClaimReview."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from minbar.analysis.embeddings import Embedder, get_embedder
from minbar.config import Settings
from minbar.ingest.claimreview import FactCheckIn, ReviewError, read_claimreviews
from minbar.ingest.errors import IngestError, ParseError
from minbar.ingest.pipeline import is_url
from minbar.ingest.safety import FetchPolicy, fetch
from minbar.matching.match import Matcher
from minbar.models import InputError
from minbar.store.factchecks import (
    add_factchecks,
    dedup_key,
    existing_keys,
    export_claimreviews,
    missing_vectors,
    set_sparse,
    set_vectors,
)
from minbar.store.repository import Store
from minbar.store.vectors import FACTCHECKS, is_stale

SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".csv", ".html", ".htm")
MAX_FILE = 512 * 1024 * 1024


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    errors: list[InputError] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "errors": [e.to_dict() for e in self.errors],
        }


def _units(inputs: list[str]):
    for raw in inputs:
        path = Path(raw).expanduser()
        if not is_url(raw) and path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."):
                    yield str(p), p
        else:
            yield raw, None if is_url(raw) else path


def _read(name: str, path: Path | None, policy: FetchPolicy):
    if path is None:
        fetched = fetch(name, policy)
        suffix = Path(urlsplit(fetched.final_url).path).suffix.lower()
        if "csv" in fetched.content_type:
            suffix = ".csv"
        return read_claimreviews(fetched.content, input_name=name, suffix=suffix)
    if not path.exists():
        raise ParseError(name, "no such file or directory")
    if path.stat().st_size > MAX_FILE:
        raise ParseError(name, f"file is over the cap of {MAX_FILE:,} bytes")
    return read_claimreviews(path.read_bytes(), input_name=name, suffix=path.suffix.lower())


def import_factchecks(
    store: Store,
    inputs: list[str],
    settings: Settings | None = None,
    *,
    embedder: Embedder | None = None,
) -> ImportReport:
    """Import ClaimReview files/URLs; duplicates (url + claim) skipped; bad records reported by
    position while the rest is imported."""
    settings = settings or Settings.from_env()
    policy = FetchPolicy(allow_hosts=settings.allow_hosts, max_bytes=settings.max_download_bytes)
    report = ImportReport()
    for name, path in _units(inputs):
        records: list[FactCheckIn] = []
        try:
            for item in _read(name, path, policy):
                if isinstance(item, ReviewError):
                    report.errors.append(InputError(f"{name} ({item.position})", item.error))
                else:
                    records.append(item)
        except IngestError as exc:
            report.errors.append(InputError(exc.input, exc.reason))
        except OSError as exc:
            report.errors.append(InputError(name, f"cannot read: {exc.strerror or exc}"))
        if not records:
            continue
        # Skip what is stored (or repeated in this file) before paying for embeddings.
        known = existing_keys(store.engine, records)
        fresh: list[FactCheckIn] = []
        for rec in records:
            key = dedup_key(rec.url, rec.claim)
            if key in known:
                report.duplicates += 1
            else:
                known.add(key)
                fresh.append(rec)
        if not fresh:
            continue
        model = embedder or get_embedder()
        claims = [r.claim for r in fresh]
        ids, dups = add_factchecks(
            store.engine, fresh, model.passages(claims), model.sparse(claims)
        )
        report.imported += len(ids)
        report.duplicates += dups
        report.ids.extend(ids)
    return report


def embed_missing(store: Store, embedder: Embedder | None = None) -> int:
    """Compute vectors for fact-checks stored without one (e.g. after a model change)."""
    todo = missing_vectors(store.engine)
    if todo:
        model = embedder or get_embedder()
        claims = [claim for _, claim in todo]
        ids = [fid for fid, _ in todo]
        set_vectors(store.engine, ids, model.passages(claims))
        set_sparse(store.engine, dict(zip(ids, model.sparse(claims), strict=True)))
        # old rows got vectors in place, below what the freshness check looks at: this
        # process's matcher reloads now (other processes on their next restart)
        with _MATCHERS_LOCK:
            _MATCHERS.pop(store.engine.url.render_as_string(hide_password=False), None)
    return len(todo)


def export_feed(store: Store) -> dict:
    """All fact-checks as a schema.org DataFeed of ClaimReview objects."""
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dateModified": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataFeedElement": export_claimreviews(store.engine),
    }


_MATCHERS: dict[str, Matcher] = {}
_MATCHERS_LOCK = threading.Lock()


def current_matcher(store: Store) -> Matcher:
    """The process's matcher for ``store``, its fact-check index brought up to date first: the
    stored fact-check vectors are checked on every call (:func:`minbar.store.vectors.is_stale`)
    and the index reloads when any process (an import in the CLI, a worker) changed them."""
    key = store.engine.url.render_as_string(hide_password=False)
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(key)
        if matcher is None:
            matcher = _MATCHERS[key] = Matcher(store.engine)
        else:
            matcher.engine = store.engine  # the same database, maybe another Store object
            if is_stale(store.engine, FACTCHECKS, matcher.index.ids):
                matcher.refresh()
        return matcher
