"""The sources registry: feeds and pages polled on a schedule."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, or_, select, update

from minbar.store.schema import sources
from minbar.text.dates import to_utc
from minbar.text.dedup import canonical_url

_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 60


def parse_every(value: str) -> int:
    """'15m', '1h30m', '2d', '90s' → seconds (at least one minute, to stay polite)."""
    text = value.strip().lower()
    if text.isdigit():
        seconds = int(text) * 60
    else:
        parts = _DURATION.findall(text)
        if not parts or _DURATION.sub("", text).strip():
            raise ValueError(f"not a duration: {value!r} (use e.g. 15m, 1h, 1h30m, 1d)")
        seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval {value!r} is under the 1 minute minimum")
    return seconds


@dataclass
class Source:
    id: int
    name: str
    url: str | None
    kind: str
    every_seconds: int | None
    last_polled_at: datetime | None
    next_due_at: datetime | None
    last_status: str | None
    last_error: str | None
    etag: str | None
    last_modified: str | None
    active: bool

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("last_polled_at", "next_due_at"):
            d[key] = d[key].isoformat() if d[key] else None
        d["every"] = d.pop("every_seconds")
        return d


def _row(r) -> Source:
    return Source(
        id=r.id,
        name=r.name,
        url=r.url,
        kind=r.kind,
        every_seconds=r.every_seconds,
        last_polled_at=to_utc(r.last_polled_at) if r.last_polled_at else None,
        next_due_at=to_utc(r.next_due_at) if r.next_due_at else None,
        last_status=r.last_status,
        last_error=r.last_error,
        etag=r.etag,
        last_modified=r.last_modified,
        active=bool(r.active),
    )


def add_source(
    engine: Engine,
    url: str,
    *,
    name: str | None,
    every_seconds: int,
    kind: str = "feed",
    now: datetime,
) -> Source:
    """Register (or update the schedule of) a polled source; due at once.

    The URL is stored and polled as given (a feed may live on plain http, on ``www.``, or need
    its query); its canonical form only decides whether it is already registered. Raises
    ``ValueError`` when ``name`` already belongs to another polled source; an outlet of that
    name (created by ingest, no URL) is adopted.
    """
    url = url.strip()
    key = canonical_url(url)
    with engine.begin() as conn:
        existing = next(
            (
                r
                for r in conn.execute(select(sources).where(sources.c.url.is_not(None)))
                if canonical_url(r.url) == key
            ),
            None,
        )
        named = None
        if name:
            named = conn.execute(select(sources).where(sources.c.name == name)).first()
        if named is not None and existing is not None and named.id != existing.id:
            raise ValueError(f"the name {name!r} is taken by another source")
        if named is not None and existing is None and named.url is not None:
            raise ValueError(f"the name {name!r} is taken by the source {named.url}")
        values = {
            "url": url,
            "every_seconds": every_seconds,
            "kind": kind,
            "active": True,
            "next_due_at": now,
        }
        if existing is None and named is not None:
            existing = named  # an outlet known from ingested articles gets its feed
        if existing is not None:
            if name:
                values["name"] = name
            conn.execute(update(sources).where(sources.c.id == existing.id).values(**values))
            sid = existing.id
        else:
            sid = conn.execute(
                insert(sources).values(name=name or url, created_at=now, **values)
            ).inserted_primary_key[0]
        return _row(conn.execute(select(sources).where(sources.c.id == sid)).one())


def list_sources(engine: Engine, polled_only: bool = False) -> list[Source]:
    stmt = select(sources).order_by(sources.c.id)
    if polled_only:
        stmt = stmt.where(sources.c.url.is_not(None))
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(stmt).all()]


def due_sources(engine: Engine, now: datetime) -> list[Source]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(sources)
            .where(sources.c.url.is_not(None), sources.c.active.is_(True))
            .where(or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= now))
            .order_by(sources.c.next_due_at, sources.c.id)
        ).all()
    return [_row(r) for r in rows]


def record_poll(
    engine: Engine,
    source: Source,
    *,
    now: datetime,
    status: str,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Store a poll's outcome and the next due time.

    Failures back off exponentially (x2 per failure in a row, up to a day); an answer (200 or
    304) replaces the stored validators, a failure keeps those of the last good answer.
    """
    every = source.every_seconds or 900
    if error:
        previous = every
        if source.last_status == "error" and source.last_polled_at and source.next_due_at:
            previous = max(every, (source.next_due_at - source.last_polled_at).total_seconds())
        every = min(86400, previous * 2)
    values = {
        "last_polled_at": now,
        "next_due_at": now + timedelta(seconds=every),
        "last_status": status,
        "last_error": error,
    }
    if not error:
        values["etag"] = etag
        values["last_modified"] = last_modified
    with engine.begin() as conn:
        conn.execute(update(sources).where(sources.c.id == source.id).values(**values))
