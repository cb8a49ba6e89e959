"""Polling registered sources: conditional GET, politeness, back-off on failure."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from minbar.config import Settings
from minbar.ingest.errors import IngestError
from minbar.ingest.pipeline import HostThrottle, load_url, store_articles
from minbar.ingest.safety import FetchPolicy
from minbar.models import IngestReport, InputError
from minbar.store.db import DatabaseError
from minbar.store.repository import Store, new_run_id
from minbar.store.sources import Source, due_sources, record_poll

log = logging.getLogger(__name__)


def poll_source(
    store: Store,
    source: Source,
    settings: Settings,
    *,
    throttle: HostThrottle | None = None,
    policy: FetchPolicy | None = None,
    run_id: str | None = None,
) -> IngestReport:
    """Fetch one source (If-None-Match / If-Modified-Since) and store what is new."""
    policy = policy or FetchPolicy(
        allow_hosts=settings.allow_hosts, max_bytes=settings.max_download_bytes
    )
    report = IngestReport()
    now = datetime.now(UTC)
    status, error, etag, modified = "ok", None, None, None
    try:
        loaded = load_url(
            source.url,
            policy,
            etag=source.etag,
            last_modified=source.last_modified,
            throttle=throttle,
        )
        if loaded.fetched is not None:
            etag = loaded.fetched.etag
            modified = loaded.fetched.last_modified
        if loaded.not_modified:
            status = "not_modified"
        else:
            report.errors.extend(loaded.errors)
            name = source.name if source.name != source.url else None
            store_articles(store, source.url, loaded.articles, settings, report, source=name)
    except IngestError as exc:
        status, error = "error", exc.reason
        report.errors.append(InputError(exc.input, exc.reason))
    except Exception as exc:  # a database or parser failure: record it, poll the next source
        if isinstance(exc, DatabaseError):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            error = f"database error, batch not stored: {reason}"
        else:
            log.exception("polling %s failed", source.url)
            error = f"unexpected {type(exc).__name__}: {exc}"
        status = "error"
        report.errors.append(InputError(source.url, error))
    record_poll(
        store.engine, source, now=now, status=status, error=error, etag=etag, last_modified=modified
    )
    store.log(
        run_id or new_run_id(),
        source.url,
        status if status != "ok" else "ok",
        error=error,
        report=report,
    )
    return report


def poll_due(
    store: Store, settings: Settings, throttle: HostThrottle | None = None
) -> IngestReport:
    """Poll every source that is due now; one failing source never stops the others."""
    throttle = throttle or HostThrottle(settings.politeness_delay)
    total = IngestReport()
    run_id = new_run_id()
    for source in due_sources(store.engine, datetime.now(UTC)):
        total.add(poll_source(store, source, settings, throttle=throttle, run_id=run_id))
    return total
