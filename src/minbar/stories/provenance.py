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
from datetime import datetime, timedelta

from minbar.store import story_records as db
from minbar.store.repository import Store
from minbar.text.dates import to_utc

WINDOW_HOURS = 6.0
BASELINE_HOURS = 24.0 * 7
TOP_ENTITIES = 15
TOP_QUOTES = 10


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


def corpus_rate(active: tuple[int, int]) -> float:
    """Average articles per hour per story over the last week of stream time, from
    ``(articles, stories)`` active in that week."""
    n_articles, n_stories = active
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
    found = db.story_listing(
        store,
        since=since,
        sort=sort,
        limit=limit,
        min_articles=min_articles,
        window_hours=WINDOW_HOURS,
        baseline_hours=BASELINE_HOURS,
    )
    crate = corpus_rate(found.active)
    out = [_summary(r, found.members.get(r.id, []), found.now, crate) for r in found.rows]
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


def _entities(rows: list) -> list[dict]:
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


def _quotes(rows: list) -> list[dict]:
    """Direct quotes first, by how many articles carry the speaker, one per (speaker, text)."""
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
    d = db.story_detail(store, story_id, BASELINE_HOURS)
    if d is None:
        return None
    row, mem = d.row, d.members
    if row.status == "merged" and row.parent_id is not None:
        found = get_story(store, row.parent_id)
        return {**found, "merged_into": row.parent_id} if found else None
    record = _summary(row, mem, d.now, corpus_rate(d.active))
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
        top_entities=_entities(d.entities),
        top_quotes=_quotes(d.quotes),
        copy_chains=copy_chains(mem, d.texts),
        developing_from=row.parent_id,
        developed_by=d.children,
    )
    return record
