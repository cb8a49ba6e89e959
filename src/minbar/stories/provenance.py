"""Story records: provenance (first article, copy chains), timeline, velocity; list and get.

* **First article**: the earliest published member (ties by id) — the provenance anchor.
* **Copy chains**: the near-duplicate stage links each copy to the earliest article of its copy
  group (``articles.duplicate_of``); inside a story every group is reported as original →
  copies, each with its MinHash similarity and how much of the wording changed (1 − the ratio of
  difflib's word alignment, so a copy with a new headline and one edited sentence shows ~0.1).
* **Velocity**: articles per hour in the last ``WINDOW_HOURS`` of *stream time* (the newest
  publication time in the store, so an imported archive ranks the way the live stream did),
  against the story's own earlier rate and the corpus's average rate per active story.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from minbar.store.repository import Store
from minbar.store.schema import (
    article_entities,
    articles,
    quotes,
    sources,
    stories,
    story_articles,
)
from minbar.text.dates import to_utc

WINDOW_HOURS = 6.0
BASELINE_HOURS = 24.0 * 7
TOP_ENTITIES = 15
TOP_QUOTES = 10


def stream_now(conn) -> datetime:
    """The stream's clock: the newest publication time stored, never later than the wall
    clock."""
    newest = conn.execute(select(func.max(articles.c.published))).scalar()
    wall = datetime.now(UTC)
    return min(to_utc(newest), wall) if newest is not None else wall


def _members(conn, story_ids: list[int]) -> dict[int, list]:
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
            func.coalesce(articles.c.published, articles.c.fetched_at).label("at"),
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


def velocity(times: list[datetime], now: datetime, corpus_rate: float) -> dict:
    """Articles per hour in the last window, and its ratio to the story's own earlier rate and
    to the corpus's average rate per active story (ratios are smoothed with one article)."""
    start = now - timedelta(hours=WINDOW_HOURS)
    recent = sum(1 for t in times if start < t <= now)
    rate = recent / WINDOW_HOURS
    before = [t for t in times if t <= start]
    own = 0.0
    if before:
        span = max((start - before[0]).total_seconds() / 3600.0, WINDOW_HOURS)
        own = len(before) / span
    smooth = 1.0 / BASELINE_HOURS
    return {
        "velocity": round(rate, 4),
        "recent_articles": recent,
        "vs_own": round((rate + smooth) / (own + smooth), 3),
        "vs_corpus": round((rate + smooth) / (corpus_rate + smooth), 3),
    }


def corpus_rate(conn, now: datetime) -> float:
    """Average articles per hour per story over the last week of stream time."""
    start = now - timedelta(hours=BASELINE_HOURS)
    n_articles, n_stories = conn.execute(
        select(func.count(), func.count(func.distinct(story_articles.c.story_id)))
        .select_from(story_articles.join(articles, articles.c.id == story_articles.c.article_id))
        .where(articles.c.published > start, articles.c.published <= now)
    ).one()
    return n_articles / BASELINE_HOURS / max(n_stories, 1)


def _summary(row, mem: list, now: datetime, crate: float) -> dict:
    times = [to_utc(r.at) for r in mem]
    first = mem[0] if mem else None
    return {
        "id": row.id,
        "title": row.title,
        "titles": json.loads(row.titles or "{}"),
        "languages": json.loads(row.languages or "[]"),
        "article_ids": [r.id for r in mem],
        "urls": [r.url for r in mem],
        "first_article_id": first.id if first else None,
        "first_url": first.url if first else None,
        "article_count": len(mem),
        "sources": sorted({r.source for r in mem if r.source}),
        "first_published": times[0].isoformat() if times else None,
        "last_published": times[-1].isoformat() if times else None,
        "status": row.status,
        "parent_id": row.parent_id,
        **velocity(times, now, crate),
    }


def list_stories(
    store: Store,
    since: datetime | None = None,
    sort: str = "recent",
    limit: int = 50,
    min_articles: int = 1,
) -> list[dict]:
    """Stories (not merged ones) active since ``since``: newest first (``recent``) or fastest
    growing first (``velocity``: articles per hour now, then growth against their own rate)."""
    if sort not in ("recent", "velocity", "size"):
        raise ValueError(f"sort must be recent, velocity or size, not {sort!r}")
    with store.engine.connect() as conn:
        now = stream_now(conn)
        stmt = select(stories).where(
            stories.c.status != "merged", stories.c.article_count >= min_articles
        )
        if since is not None:
            stmt = stmt.where(stories.c.last_published >= to_utc(since))
        if sort == "velocity":
            start = now - timedelta(hours=WINDOW_HOURS)
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
        members = _members(conn, [r.id for r in rows])
        crate = corpus_rate(conn, now)
    out = [_summary(r, members.get(r.id, []), now, crate) for r in rows]
    if sort == "velocity":
        out.sort(key=lambda s: (-s["velocity"], -s["vs_own"], -s["id"]))
    return out


def copy_chains(mem: list, texts: dict[int, str]) -> list[dict]:
    """Original → copies inside the story, with how much each copy changed."""
    ids = {r.id for r in mem}
    groups: dict[int, list] = defaultdict(list)
    for r in mem:
        if r.duplicate_of is not None:
            groups[r.duplicate_of].append(r)
    by_id = {r.id: r for r in mem}
    chains = []
    for root, copies in sorted(groups.items()):
        base = texts.get(root, "").split()
        chain = []
        for c in copies:
            words = texts.get(c.id, "").split()
            ratio = difflib.SequenceMatcher(None, base, words, autojunk=False).ratio()
            chain.append(
                {
                    "article_id": c.id,
                    "url": c.url,
                    "source": c.source,
                    "lang": c.lang,
                    "published": to_utc(c.at).isoformat(),
                    "kind": c.dup_kind,
                    "similarity": round(c.dup_similarity or 0.0, 3),
                    "changed": round(1.0 - ratio, 3),
                }
            )
        orig = by_id.get(root)
        chains.append(
            {
                "original_id": root,
                "original_url": orig.url if orig else None,
                "original_in_story": root in ids,
                "copies": chain,
            }
        )
    return chains


def timeline(mem: list) -> dict:
    """Articles per hour and per day, per language (UTC buckets)."""
    per_hour: dict[str, Counter] = defaultdict(Counter)
    per_day: dict[str, Counter] = defaultdict(Counter)
    for r in mem:
        t = to_utc(r.at)
        lang = r.lang or "und"
        per_hour[t.strftime("%Y-%m-%dT%H:00Z")][lang] += 1
        per_day[t.strftime("%Y-%m-%d")][lang] += 1
    return {
        "per_hour": {k: dict(v) for k, v in sorted(per_hour.items())},
        "per_day": {k: dict(v) for k, v in sorted(per_day.items())},
    }


def _entities(conn, ids: list[int]) -> list[dict]:
    rows = conn.execute(
        select(
            article_entities.c.key,
            article_entities.c.canonical,
            article_entities.c.type,
            func.count().label("articles"),
            func.sum(article_entities.c.count).label("mentions"),
        )
        .where(article_entities.c.article_id.in_(ids))
        .group_by(article_entities.c.key, article_entities.c.canonical, article_entities.c.type)
    ).all()
    rows = sorted(rows, key=lambda r: (-r.articles, -int(r.mentions or 0), r.key))
    return [
        {
            "key": r.key,
            "canonical": r.canonical,
            "type": r.type,
            "articles": r.articles,
            "mentions": int(r.mentions or 0),
        }
        for r in rows[:TOP_ENTITIES]
    ]


def _quotes(conn, ids: list[int]) -> list[dict]:
    """Direct quotes first, by how many articles carry the speaker, one per (speaker, text)."""
    rows = conn.execute(
        select(quotes).where(quotes.c.article_id.in_(ids)).order_by(quotes.c.id)
    ).all()
    speakers = Counter()
    for r in rows:
        speakers[r.speaker_key or r.speaker or ""] += 1
    seen, out = set(), []
    for r in sorted(
        rows,
        key=lambda r: (r.kind != "direct", -speakers[r.speaker_key or r.speaker or ""], r.id),
    ):
        sig = (r.speaker_key or r.speaker, r.quote.strip().lower())
        if sig in seen:
            continue
        seen.add(sig)
        out.append(
            {
                "article_id": r.article_id,
                "speaker": r.speaker,
                "speaker_key": r.speaker_key,
                "quote": r.quote,
                "kind": r.kind,
                "lang": r.lang,
            }
        )
    return out[:TOP_QUOTES]


def get_story(store: Store, story_id: int) -> dict | None:
    """The full record of one story (a merged story answers with the one it was merged into,
    under ``merged_into``)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
        if row is None:
            return None
        if row.status == "merged" and row.parent_id is not None:
            found = get_story(store, row.parent_id)
            return {**found, "merged_into": row.parent_id} if found else None
        now = stream_now(conn)
        mem = _members(conn, [story_id]).get(story_id, [])
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
        record = _summary(row, mem, now, corpus_rate(conn, now))
        record.update(
            articles=[
                {
                    "id": r.id,
                    "url": r.url,
                    "title": r.title,
                    "lang": r.lang,
                    "source": r.source,
                    "published": to_utc(r.at).isoformat(),
                    "similarity": None if r.similarity is None else round(r.similarity, 4),
                    "duplicate_of": r.duplicate_of,
                }
                for r in mem
            ],
            timeline=timeline(mem),
            top_entities=_entities(conn, ids) if ids else [],
            top_quotes=_quotes(conn, ids) if ids else [],
            copy_chains=copy_chains(mem, texts),
            developing_from=row.parent_id,
            developed_by=children,
        )
    return record
