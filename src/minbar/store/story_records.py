"""Reads behind story listings and story records (SQLAlchemy Core; the same SQL on SQLite and
PostgreSQL): the stream clock, a story's members, the active-story counts of the corpus, the
listing page and one story's record. The story stage's own reads and writes are in
:mod:`minbar.store.stories`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from minbar.store.repository import Store
from minbar.store.schema import (
    article_entities,
    articles,
    quotes,
    sources,
    stories,
    story_articles,
)
from minbar.store.stories import _when
from minbar.text.dates import to_utc


def stream_now(conn: Connection) -> datetime:
    """The stream's clock: the newest publication time stored, never later than the wall
    clock."""
    newest = conn.execute(select(func.max(articles.c.published))).scalar()
    wall = datetime.now(UTC)
    return min(to_utc(newest), wall) if newest is not None else wall


def members(conn: Connection, story_ids: list[int]) -> dict[int, list]:
    """Member rows per story, oldest first (``at`` = publication or fetch time, aware UTC)."""
    rows = conn.execute(
        select(
            story_articles.c.story_id,
            story_articles.c.similarity,
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.lang,
            articles.c.duplicate_of,
            articles.c.dup_kind,
            articles.c.dup_similarity,
            _when().label("at"),
            sources.c.name.label("source"),
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .outerjoin(sources, sources.c.id == articles.c.source_id)
        .where(story_articles.c.story_id.in_(story_ids))
    ).all()
    out: dict[int, list] = defaultdict(list)
    for r in rows:
        out[r.story_id].append(r)
    for mem in out.values():
        mem.sort(key=lambda r: (to_utc(r.at), r.id))
    return out


#: ``active_counts`` results reused for a minute: the corpus baseline of story velocity spans a
#: day or more, and on a million articles its join costs ~40 ms per story page.
_ACTIVE_TTL = 60.0
_ACTIVE: dict[tuple, tuple[float, tuple[int, int]]] = {}


def active_counts(conn: Connection, start: datetime, end: datetime) -> tuple[int, int]:
    """(articles, distinct stories) of the story members published in ``(start, end]``."""
    key = (str(conn.engine.url), start, end)
    hit = _ACTIVE.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = _active_counts(conn, start, end)
    if len(_ACTIVE) > 256:
        _ACTIVE.clear()
    _ACTIVE[key] = (time.monotonic() + _ACTIVE_TTL, value)
    return value


def _active_counts(conn: Connection, start: datetime, end: datetime) -> tuple[int, int]:
    n_articles, n_stories = conn.execute(
        select(func.count(), func.count(func.distinct(story_articles.c.story_id)))
        .select_from(story_articles.join(articles, articles.c.id == story_articles.c.article_id))
        .where(articles.c.published > start, articles.c.published <= end)
    ).one()
    return n_articles, n_stories


@dataclass
class Listing:
    now: datetime
    rows: list
    members: dict[int, list]
    active: tuple[int, int]  # active_counts over the baseline window


def story_listing(
    store: Store,
    *,
    since: datetime | None,
    sort: str,
    limit: int,
    min_articles: int,
    window_hours: float,
    baseline_hours: float,
) -> Listing:
    """Stories (not merged) active since ``since``, ordered by ``sort``: ``recent`` (last
    publication), ``size`` (articles), ``velocity`` (members published in the last
    ``window_hours`` of stream time); with their members and the corpus's activity over the
    last ``baseline_hours``."""
    with store.engine.connect() as conn:
        now = stream_now(conn)
        stmt = select(stories).where(
            stories.c.status != "merged", stories.c.article_count >= min_articles
        )
        if since is not None:
            stmt = stmt.where(stories.c.last_published >= to_utc(since))
        if sort == "velocity":
            start = now - timedelta(hours=window_hours)
            recent = (
                select(story_articles.c.story_id, func.count().label("n"))
                .join(articles, articles.c.id == story_articles.c.article_id)
                .where(articles.c.published > start, articles.c.published <= now)
                .group_by(story_articles.c.story_id)
                .subquery()
            )
            stmt = stmt.outerjoin(recent, recent.c.story_id == stories.c.id).order_by(
                func.coalesce(recent.c.n, 0).desc(),
                stories.c.last_published.desc(),
                stories.c.id.desc(),
            )
        elif sort == "size":
            stmt = stmt.order_by(stories.c.article_count.desc(), stories.c.id.desc())
        else:
            stmt = stmt.order_by(stories.c.last_published.desc(), stories.c.id.desc())
        rows = conn.execute(stmt.limit(limit)).all()
        mem = members(conn, [r.id for r in rows])
        active = active_counts(conn, now - timedelta(hours=baseline_hours), now)
    return Listing(now, rows, mem, active)


@dataclass
class Detail:
    row: object
    now: datetime | None = None
    members: list = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    children: list[int] = field(default_factory=list)
    active: tuple[int, int] = (0, 0)
    entities: list = field(default_factory=list)
    quotes: list = field(default_factory=list)


def story_detail(store: Store, story_id: int, baseline_hours: float) -> Detail | None:
    """Everything a story record shows, or ``None``. A merged story answers with its own row
    only (the caller follows ``parent_id``)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
        if row is None:
            return None
        if row.status == "merged" and row.parent_id is not None:
            return Detail(row)
        now = stream_now(conn)
        mem = members(conn, [story_id]).get(story_id, [])
        ids = [r.id for r in mem]
        roots = {r.duplicate_of for r in mem if r.duplicate_of is not None}
        texts = dict(
            conn.execute(
                select(articles.c.id, articles.c.text).where(articles.c.id.in_(set(ids) | roots))
            ).all()
        )
        children = list(
            conn.execute(
                select(stories.c.id)
                .where(stories.c.parent_id == story_id, stories.c.status != "merged")
                .order_by(stories.c.id)
            ).scalars()
        )
        active = active_counts(conn, now - timedelta(hours=baseline_hours), now)
        entities = quotes_ = []
        if ids:
            entities = conn.execute(
                select(
                    article_entities.c.key,
                    article_entities.c.canonical,
                    article_entities.c.type,
                    func.count().label("articles"),
                    func.sum(article_entities.c.count).label("mentions"),
                )
                .where(article_entities.c.article_id.in_(ids))
                .group_by(
                    article_entities.c.key, article_entities.c.canonical, article_entities.c.type
                )
            ).all()
            quotes_ = conn.execute(
                select(quotes).where(quotes.c.article_id.in_(ids)).order_by(quotes.c.id)
            ).all()
    return Detail(row, now, mem, texts, children, active, list(entities), list(quotes_))
