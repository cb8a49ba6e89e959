"""Reads and writes of the story stage (SQLAlchemy Core; the same SQL on SQLite and PostgreSQL).

Stories hold their aggregates (``centroid`` = sum of member vectors as float32 bytes, ``entities``
= JSON counts of entity keys and "NUM:" numbers, span, languages, titles), so the clusterer loads
only the stories near a batch in time, never the whole corpus.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import and_, bindparam, func, insert, select, update

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
from minbar.stories.clustering import NUM, QUIET_HOURS, Clusterer, Item, Params, Story
from minbar.stories.features import article_text, fallback_keys, numbers
from minbar.text.dates import to_utc

STAGE = "story"
BATCH = 1000  # a batch loads the stories near it once: bigger batches amortise that


#: What the clusterer needs of a story (its aggregates), for online assignment and consolidation.
_STATE_COLUMNS = (
    stories.c.id,
    stories.c.centroid,
    stories.c.article_count,
    stories.c.first_published,
    stories.c.last_published,
    stories.c.entities,
    stories.c.parent_id,
)


def hours(dt: datetime) -> float:
    """Epoch hours (SQLite hands back naive UTC datetimes, PostgreSQL aware ones)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 3600.0


def from_hours(t: float) -> datetime:
    return datetime.fromtimestamp(t * 3600.0, tz=UTC)


def _when():
    """Publication time, or fetch time for an article without one."""
    return func.coalesce(articles.c.published, articles.c.fetched_at)


def pending_ids(store: Store) -> list[int]:
    stmt = (
        select(articles.c.id)
        .join(article_vectors, article_vectors.c.article_id == articles.c.id)
        .where(articles.c.id.not_in(stages.done(STAGE)))
        .order_by(_when(), articles.c.id)
    )
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def load_items(conn, ids: list[int]) -> list[Item]:
    """Items for ``ids`` (in the order given): vector, time, entity keys (the entity stage's,
    else the fallback), numbers and the original a copy was taken from."""
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
    by_id = {}
    for r in rows:
        text = article_text(r.title or "", r.lead or "")
        at = r.at if isinstance(r.at, datetime) else datetime.fromisoformat(str(r.at))
        by_id[r.id] = Item(
            id=r.id,
            vec=from_bytes(r.vector).astype(np.float32),
            t=hours(at),
            lang=r.lang,
            title=r.title or "",
            keys=frozenset(keys[r.id]) if r.id in keys else fallback_keys(text),
            numbers=numbers(text),
            dup_root=r.duplicate_of,
        )
    return [by_id[i] for i in ids if i in by_id]


def pending_batches(store: Store, size: int = BATCH) -> Iterator[list[Item]]:
    ids = pending_ids(store)
    for start in range(0, len(ids), size):
        with store.engine.connect() as conn:
            yield load_items(conn, ids[start : start + size])


def _story_from_row(r) -> Story:
    return Story(
        id=r.id,
        vsum=from_bytes(r.centroid).astype(np.float32),
        n=r.article_count,
        first=hours(r.first_published),
        last=hours(r.last_published),
        parent_id=r.parent_id,
        raw=r.entities or "{}",
    )


def load_stories(
    store: Store, batch: list[Item], params: Params | None = None
) -> tuple[list[Story], dict[int, int]]:
    """Stories a batch can join or develop (spans within reach of its times), and the stories
    of the originals its copies were taken from: (stories, {original article id: story id})."""
    params = params or Params()
    tmin = min(i.t for i in batch) - params.parent_days * 24
    tmax = max(i.t for i in batch) + params.quiet_hours
    roots = [i.dup_root for i in batch if i.dup_root is not None]
    cols = list(_STATE_COLUMNS)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(*cols).where(
                stories.c.status != "merged",
                stories.c.last_published >= from_hours(tmin),
                stories.c.first_published <= from_hours(tmax),
            )
        ).all()
        root_story = {}
        if roots:
            root_story = dict(
                conn.execute(
                    select(story_articles.c.article_id, story_articles.c.story_id).where(
                        story_articles.c.article_id.in_(roots)
                    )
                ).all()
            )
            have = {r.id for r in rows}
            extra = set(root_story.values()) - have
            if extra:
                rows += conn.execute(select(*cols).where(stories.c.id.in_(extra))).all()
    return [_story_from_row(r) for r in rows], root_story


def _placeholder(story: Story, now: datetime) -> dict:
    return {
        "title": "",
        "titles": "{}",
        "languages": "[]",
        "article_count": 0,
        "status": "open",
        "parent_id": story.parent_id if (story.parent_id or 0) > 0 else None,
        "first_published": from_hours(story.first),
        "last_published": from_hours(story.last),
        "created_at": now,
        "updated_at": now,
    }


def refresh(conn, story_ids: list[int], known: dict[int, Story] | None = None) -> None:
    """Rewrite the stored aggregates of ``story_ids``: titles per language (earliest article in
    each), first article, span, count and languages from the members; centroid and entity/number
    counts from ``known`` (the clusterer's in-memory stories, exact after a batch) or, for the
    others (after a merge), recomputed from the members' vectors, entities and text."""
    if not story_ids:
        return
    known = known or {}
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
    vsums: dict[int, np.ndarray] = {}
    counts: dict[int, Counter] = {}
    for sid, story in known.items():
        story.parse()
        vsums[sid] = story.vsum
        counts[sid] = story.keys + Counter({NUM + k: v for k, v in story.numbers.items()})
    todo = [sid for sid in story_ids if sid not in known]
    if todo:
        _recount(conn, todo, vsums, counts)
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


def _recount(conn, story_ids: list[int], vsums: dict, counts: dict) -> None:
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
        text = article_text(r.title or "", r.lead or "")
        c = counts.setdefault(r.story_id, Counter())
        c.update(NUM + n for n in numbers(text))
        if r.article_id not in with_entities:  # as the clusterer keyed it
            c.update(fallback_keys(text))
        vsums[r.story_id] = vsums.get(r.story_id, 0) + from_bytes(r.vector).astype(np.float32)


def close_quiet(conn, quiet_hours: float = QUIET_HOURS) -> None:
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


def save_batch(store: Store, clusterer: Clusterer, batch: list[Item]) -> None:
    """Write one batch: new stories, memberships, refreshed aggregates, stage rows (one
    transaction, so a crash leaves the batch pending, never half-assigned)."""
    now = utcnow()
    with store.engine.begin() as conn:
        real: dict[int, int] = {}
        for s in clusterer.stories:
            if s.id < 0:
                real[s.id] = conn.execute(
                    insert(stories).values(**_placeholder(s, now))
                ).inserted_primary_key[0]
        for s in clusterer.stories:
            if s.id < 0:
                s.id = real[s.id]
            if s.parent_id is not None and s.parent_id < 0:
                s.parent_id = real.get(s.parent_id)
                conn.execute(
                    update(stories).where(stories.c.id == s.id).values(parent_id=s.parent_id)
                )
        links = [
            {
                "article_id": aid,
                "story_id": s.id,
                "similarity": s.sims.get(aid),
                "joined_at": now,
            }
            for s in clusterer.stories
            for aid in s.members
        ]
        if links:
            conn.execute(insert(story_articles), links)
        dirty = [s for s in clusterer.stories if s.dirty]
        refresh(conn, [s.id for s in dirty], {s.id: s for s in dirty})
        stages.mark_done(conn, STAGE, [i.id for i in batch])
        close_quiet(conn, clusterer.params.quiet_hours)


def consolidate(store: Store, days: float = 7.0, params: Params | None = None) -> int:
    """Periodic consolidation over the stories of the last ``days`` (stream time): stories that
    online assignment kept apart (an early article that matched nothing yet, a second language
    that arrived first) merge when their centroids, entities and numbers agree; the absorbed
    story is kept as "merged" pointing at the survivor. Returns how many were merged."""
    params = params or Params()
    with store.engine.connect() as conn:
        clock = conn.execute(select(func.max(stories.c.last_published))).scalar()
        if clock is None:
            return 0
        rows = conn.execute(
            select(*_STATE_COLUMNS).where(
                stories.c.status != "merged",
                stories.c.last_published >= to_utc(clock) - timedelta(days=days),
            )
        ).all()
    clusterer = Clusterer([_story_from_row(r) for r in rows], params)
    merged = clusterer.merge_pass()
    if not merged:
        return 0
    with store.engine.begin() as conn:
        for gone, kept in merged:
            conn.execute(
                update(story_articles)
                .where(story_articles.c.story_id == gone.id)
                .values(story_id=kept.id)
            )
            conn.execute(
                update(stories)
                .where(stories.c.id == gone.id)
                .values(status="merged", parent_id=kept.id, updated_at=utcnow())
            )
            conn.execute(
                update(stories)
                .where(stories.c.parent_id == gone.id, stories.c.id != gone.id)
                .values(parent_id=kept.id)
            )
        refresh(conn, sorted({k.id for _, k in merged} - {g.id for g, _ in merged}))
        close_quiet(conn, params.quiet_hours)
    return len(merged)
