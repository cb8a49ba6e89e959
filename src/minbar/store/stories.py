"""Stories in the database: the story stage's reads and writes (SQLAlchemy Core; the same SQL on
SQLite and PostgreSQL). The reads behind story listings and records are in
:mod:`minbar.store.story_records`.

Stories hold their aggregates (``centroid`` = sum of member vectors as float32 bytes, ``entities``
= JSON counts of entity keys and "NUM:" numbers, span, languages, titles), so the clusterer loads
only the stories near a batch in time, never the whole corpus. What a story *is* (how articles
are scored, joined, merged, what counts as a key) is decided in :mod:`minbar.stories`; this module
takes and returns plain rows, arrays and counters.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Connection, and_, bindparam, case, func, insert, or_, select, update

from minbar.store import stages
from minbar.store.repository import Store, utcnow
from minbar.store.schema import (
    article_entities,
    article_vectors,
    articles,
    stories,
    story_articles,
)
from minbar.store.vectors import from_bytes, to_bytes
from minbar.text.dates import to_utc

#: What the clusterer needs of a story (its aggregates), for online assignment.
STATE_COLUMNS = (
    stories.c.id,
    stories.c.centroid,
    stories.c.article_count,
    stories.c.first_published,
    stories.c.last_published,
    stories.c.entities,
    stories.c.parent_id,
)

#: ``(title, lead, has_entities) -> keys to count``: the numbers ("NUM:..." keys) of an article,
#: plus its fallback keys when the entity stage gave it none (supplied by ``minbar.stories``).
TextKeys = Callable[[str, str, bool], Iterable[str]]


def _when():
    """Publication time, or fetch time for an article without one."""
    return func.coalesce(articles.c.published, articles.c.fetched_at)


# --- the story stage --------------------------------------------------------------------------


def pending_ids(store: Store, stage: str, ids: Sequence[int] | None = None) -> list[int]:
    """Articles with a vector that ``stage`` has not seen (among ``ids`` when given), in
    publication order."""
    stmt = (
        select(articles.c.id)
        .join(article_vectors, article_vectors.c.article_id == articles.c.id)
        .where(articles.c.id.not_in(stages.done(stage)))
        .order_by(_when(), articles.c.id)
    )
    if ids is not None:
        stmt = stmt.where(articles.c.id.in_(list(ids)))
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def item_rows(store: Store, ids: Sequence[int]) -> tuple[list, dict[int, set[str]]]:
    """What the clusterer reads of ``ids``: rows ``(id, title, lead, lang, at, duplicate_of,
    vector)`` (``vector`` decoded to float32, ``at`` an aware datetime) and the entity keys the
    entity stage stored per article."""
    ids = list(ids)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                articles.c.id,
                articles.c.title,
                func.substr(articles.c.text, 1, 800).label("lead"),
                articles.c.lang,
                _when().label("at"),
                articles.c.duplicate_of,
                article_vectors.c.vector,
            )
            .join(article_vectors, article_vectors.c.article_id == articles.c.id)
            .where(articles.c.id.in_(ids))
        ).all()
        keys: dict[int, set[str]] = {}
        for aid, key in conn.execute(
            select(article_entities.c.article_id, article_entities.c.key).where(
                article_entities.c.article_id.in_(ids)
            )
        ):
            keys.setdefault(aid, set()).add(key)
    out = []
    for r in rows:
        out.append(
            ItemRow(
                id=r.id,
                title=r.title or "",
                lead=r.lead or "",
                lang=r.lang,
                at=_aware(r.at),
                duplicate_of=r.duplicate_of,
                vector=from_bytes(r.vector).astype(np.float32),
            )
        )
    return out, keys


@dataclass(frozen=True)
class ItemRow:
    id: int
    title: str
    lead: str
    lang: str | None
    at: datetime
    duplicate_of: int | None
    vector: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class StoryState:
    """A story's stored aggregates: ``vsum`` decoded, times aware UTC, ``entities`` raw JSON."""

    id: int
    vsum: np.ndarray = field(repr=False)
    n: int
    first: datetime
    last: datetime
    parent_id: int | None
    entities: str


def _state(r) -> StoryState:
    return StoryState(
        id=r.id,
        vsum=from_bytes(r.centroid).astype(np.float32),
        n=r.article_count,
        first=to_utc(r.first_published),
        last=to_utc(r.last_published),
        parent_id=r.parent_id,
        entities=r.entities or "{}",
    )


def story_states(
    store: Store, start: datetime, end: datetime, roots: Sequence[int] = ()
) -> tuple[list[StoryState], dict[int, int]]:
    """Stories (not merged) whose span meets ``[start, end]``, plus the stories of the articles
    ``roots`` (originals that copies were taken from): (states, {root article id: story id})."""
    cols = list(STATE_COLUMNS)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(*cols).where(
                stories.c.status != "merged",
                stories.c.last_published >= start,
                stories.c.first_published <= end,
            )
        ).all()
        root_story: dict[int, int] = {}
        if roots:
            root_story = dict(
                conn.execute(
                    select(story_articles.c.article_id, story_articles.c.story_id).where(
                        story_articles.c.article_id.in_(list(roots))
                    )
                ).all()
            )
            have = {r.id for r in rows}
            extra = set(root_story.values()) - have
            if extra:
                rows += conn.execute(select(*cols).where(stories.c.id.in_(extra))).all()
    return [_state(r) for r in rows], root_story


def recent_arrivals(store: Store, since: datetime) -> tuple[datetime | None, list[datetime]]:
    """The stream clock (newest stored story end; None without stories) and the publication
    times of the articles that joined a story since ``since`` (wall clock)."""
    with store.engine.connect() as conn:
        clock = conn.execute(select(func.max(stories.c.last_published))).scalar()
        times = conn.execute(
            select(_when())
            .select_from(
                story_articles.join(articles, articles.c.id == story_articles.c.article_id)
            )
            .where(story_articles.c.joined_at >= since)
            .distinct()
        ).scalars()
        return (None if clock is None else to_utc(clock)), [_aware(t) for t in times]


def stories_meeting(
    store: Store, ranges: Sequence[tuple[datetime, datetime]]
) -> list[tuple[int, int, datetime]]:
    """``(id, article count, last publication)`` of the stories (not merged) whose span meets
    one of ``ranges``."""
    if not ranges:
        return []
    meets = [
        and_(stories.c.last_published >= lo, stories.c.first_published <= hi) for lo, hi in ranges
    ]
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(stories.c.id, stories.c.article_count, stories.c.last_published).where(
                stories.c.status != "merged", or_(*meets)
            )
        ).all()
    return [(r.id, r.article_count, to_utc(r.last_published)) for r in rows]


def _aware(value) -> datetime:
    """An aware UTC datetime from a driver value (SQLite may hand back ISO text)."""
    return to_utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))


@dataclass
class NewStory:
    """A story the clusterer created in this batch (``temp_id`` < 0 until stored)."""

    temp_id: int
    first: datetime
    last: datetime
    parent_id: int | None  # a stored id, another new story's temp id, or None


@dataclass
class Aggregates:
    """Exact in-memory aggregates of a story after a batch: vector sum and key counts."""

    vsum: np.ndarray
    counts: Counter


def save_batch(
    store: Store,
    *,
    new: Sequence[NewStory],
    links: Sequence[tuple[int, int, float | None]],
    known: dict[int, Aggregates],
    stage: str,
    done: Sequence[int],
    quiet_hours: float,
    text_keys: TextKeys,
) -> dict[int, int]:
    """Write one batch in one transaction (a crash leaves the batch pending, never half
    assigned): the new stories, the memberships ``(article_id, story_id, similarity)``, the
    refreshed aggregates of the stories in ``known``, the stage rows of ``done``; then close the
    stories that went quiet. Story ids may be temporary (< 0); returns {temp id: stored id}."""
    real: dict[int, int] = {}

    def sid(i: int | None) -> int | None:
        return real.get(i) if i is not None and i < 0 else i

    now = utcnow()
    with store.engine.begin() as conn:
        _insert_stories(conn, new, real, now)
        if links:
            conn.execute(
                insert(story_articles),
                [
                    {"article_id": a, "story_id": sid(s), "similarity": sim, "joined_at": now}
                    for a, s, sim in links
                ],
            )
        refresh(conn, [sid(i) for i in known], {sid(i): agg for i, agg in known.items()}, text_keys)
        stages.mark_done(conn, stage, done)
        close_quiet(conn, quiet_hours)
    return real


def _insert_stories(conn: Connection, new: Sequence[NewStory], real: dict, now: datetime) -> None:
    """Insert ``new`` (empty until ``refresh``), filling ``real`` {temp id: stored id}; a parent
    may be another new story's temp id."""
    for s in new:
        real[s.temp_id] = conn.execute(
            insert(stories).values(
                title="",
                titles="{}",
                languages="[]",
                article_count=0,
                status="open",
                parent_id=s.parent_id if (s.parent_id or 0) > 0 else None,
                first_published=s.first,
                last_published=s.last,
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]
    for s in new:
        if s.parent_id is not None and s.parent_id < 0:
            conn.execute(
                update(stories)
                .where(stories.c.id == real[s.temp_id])
                .values(parent_id=real[s.parent_id])
            )


def _retire(conn: Connection, gone: int, kept: int, now: datetime) -> None:
    """``gone`` hands its (remaining) members to ``kept`` and stays as a "merged" story pointing
    at it; stories developing ``gone`` develop ``kept`` (``kept`` itself then develops nothing)."""
    conn.execute(
        update(story_articles).where(story_articles.c.story_id == gone).values(story_id=kept)
    )
    conn.execute(
        update(stories)
        .where(stories.c.id == gone)
        .values(status="merged", parent_id=kept, updated_at=now)
    )
    conn.execute(
        update(stories)
        .where(stories.c.parent_id == gone, stories.c.id != gone)
        .values(parent_id=case((stories.c.id == kept, None), else_=kept))
    )


def member_ids(store: Store, story_ids: Sequence[int]) -> dict[int, int]:
    """{article id: story id} of every member of ``story_ids``."""
    with store.engine.connect() as conn:
        return dict(
            conn.execute(
                select(story_articles.c.article_id, story_articles.c.story_id).where(
                    story_articles.c.story_id.in_(list(story_ids))
                )
            ).all()
        )


def apply_regroup(
    store: Store,
    *,
    new: Sequence[NewStory],
    moves: Sequence[tuple[int, int, float | None]],
    emptied: dict[int, int],
    quiet_hours: float,
    text_keys: TextKeys,
) -> dict[int, int]:
    """Apply an order-free consolidation in one transaction: insert ``new`` stories (temporary
    ids < 0), move each ``(article_id, story_id, similarity)`` (``story_articles.article_id`` is
    the key: an update), retire each ``emptied`` story into the one its members went to (marked
    "merged" with ``parent_id`` pointing there), then recompute the aggregates of every story
    that gained or lost members and close the quiet ones. Returns {temp id: stored id}."""
    now = utcnow()
    real: dict[int, int] = {}
    with store.engine.begin() as conn:
        _insert_stories(conn, new, real, now)

        def sid(i: int) -> int:
            return real[i] if i < 0 else i

        moved = [a for a, _, _ in moves]
        losers = set(
            conn.execute(
                select(story_articles.c.story_id).where(story_articles.c.article_id.in_(moved))
            ).scalars()
        )
        if moves:
            conn.execute(
                update(story_articles)
                .where(story_articles.c.article_id == bindparam("aid"))
                .values(story_id=bindparam("sid"), similarity=bindparam("sim"), joined_at=now),
                [{"aid": a, "sid": sid(s), "sim": sim} for a, s, sim in moves],
            )
        for gone, kept in emptied.items():
            _retire(conn, gone, sid(kept), now)
        touched = (losers | {sid(s) for _, s, _ in moves}) - set(emptied)
        refresh(conn, sorted(touched), {}, text_keys)
        close_quiet(conn, quiet_hours)
    return real


def refresh(
    conn: Connection,
    story_ids: list[int],
    known: dict[int, Aggregates],
    text_keys: TextKeys,
) -> None:
    """Rewrite the stored aggregates of ``story_ids``: titles per language (earliest article in
    each), first article, span, count and languages from the members; centroid and entity/number
    counts from ``known`` (exact after a batch) or, for the others (after a merge), recomputed
    from the members' vectors, entities and text."""
    if not story_ids:
        return
    rows = conn.execute(
        select(
            story_articles.c.story_id,
            articles.c.id,
            articles.c.lang,
            articles.c.title,
            _when().label("at"),
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id.in_(story_ids))
    ).all()
    members: dict[int, list] = {}
    for r in rows:
        members.setdefault(r.story_id, []).append(r)
    vsums: dict[int, np.ndarray] = {sid: a.vsum for sid, a in known.items()}
    counts: dict[int, Counter] = {sid: a.counts for sid, a in known.items()}
    todo = [sid for sid in story_ids if sid not in known]
    if todo:
        _recount(conn, todo, vsums, counts, text_keys)
    now = utcnow()
    values = []
    for sid in story_ids:
        mem = sorted(members.get(sid, []), key=lambda r: (to_utc(r.at), r.id))
        if not mem:
            continue
        titles: dict[str, str] = {}
        for r in mem:
            titles.setdefault(r.lang or "und", r.title or "")
        values.append(
            {
                "sid": sid,
                "title": mem[0].title or "",
                "titles": json.dumps(titles, ensure_ascii=False),
                "languages": json.dumps(sorted(titles)),
                "first_article_id": mem[0].id,
                "first_published": to_utc(mem[0].at),
                "last_published": to_utc(mem[-1].at),
                "article_count": len(mem),
                "centroid": to_bytes(vsums[sid]) if sid in vsums else None,
                "entities": json.dumps(
                    dict(counts.get(sid, Counter()).most_common(60)), ensure_ascii=False
                ),
                "updated_at": now,
            }
        )
    if values:
        conn.execute(
            update(stories)
            .where(stories.c.id == bindparam("sid"))
            .values({k: bindparam(k) for k in values[0] if k != "sid"}),
            values,
        )


def _recount(
    conn: Connection, story_ids: list[int], vsums: dict, counts: dict, text_keys: TextKeys
) -> None:
    """Centroids and entity/number counts of ``story_ids`` from their members."""
    ids_of = dict(
        conn.execute(
            select(story_articles.c.article_id, story_articles.c.story_id).where(
                story_articles.c.story_id.in_(story_ids)
            )
        ).all()
    )
    with_entities = set()
    for aid, key in conn.execute(
        select(article_entities.c.article_id, article_entities.c.key).where(
            article_entities.c.article_id.in_(list(ids_of))
        )
    ):
        counts.setdefault(ids_of[aid], Counter())[key] += 1
        with_entities.add(aid)
    for r in conn.execute(
        select(
            story_articles.c.story_id,
            story_articles.c.article_id,
            article_vectors.c.vector,
            articles.c.title,
            func.substr(articles.c.text, 1, 800).label("lead"),
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .join(article_vectors, article_vectors.c.article_id == story_articles.c.article_id)
        .where(story_articles.c.story_id.in_(story_ids))
    ):
        c = counts.setdefault(r.story_id, Counter())
        c.update(text_keys(r.title or "", r.lead or "", r.article_id in with_entities))
        vsums[r.story_id] = vsums.get(r.story_id, 0) + from_bytes(r.vector).astype(np.float32)


def close_quiet(conn: Connection, quiet_hours: float) -> None:
    """Open stories with nothing new for ``quiet_hours`` of the stream's time close."""
    clock = conn.execute(select(func.max(stories.c.last_published))).scalar()
    if clock is None:
        return
    cutoff = to_utc(clock) - timedelta(hours=quiet_hours)
    conn.execute(
        update(stories)
        .where(and_(stories.c.status == "open", stories.c.last_published < cutoff))
        .values(status="closed")
    )
    conn.execute(
        update(stories)
        .where(and_(stories.c.status == "closed", stories.c.last_published >= cutoff))
        .values(status="open")
    )
