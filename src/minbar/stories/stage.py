"""The story stage of enrichment: articles with a vector are clustered into stories, batch by
batch in publication order, and periodic consolidation regroups the recent stories so that they
do not depend on the order their articles arrived in (merging and splitting stories).

The clustering itself is :mod:`minbar.stories.clustering` (plain data in memory); this module
turns stored rows into its items and stories and hands the result back to
:mod:`minbar.store.stories`, which does all the SQL (one transaction per batch).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from minbar.store import stories as db
from minbar.store.repository import Store
from minbar.stories.clustering import NUM, Clusterer, Item, Params, Story, regroup, regroup_plan
from minbar.stories.features import article_text, fallback_keys, numbers

STAGE = "story"
BATCH = 1000  # a batch loads the stories near it once: bigger batches amortise that
#: A pending batch at least this large (a backfill, a catch-up after downtime) is regrouped as a
#: whole (:meth:`Clusterer.add_batch`: same stories whatever order it arrived in; story set
#: B-cubed 0.978 in one batch against 0.950 one by one); the live stream's small batches keep
#: the online assignment (batches of 40 regrouped: 0.934).
REGROUP_BATCH = 200
#: Consolidation regroups at most this many articles (whole stories, newest first): regrouping
#: is O(n²) in memory and pair scores (2,000 articles: 2.8 s, 141 MB Python peak on 2 busy cores).
REGROUP_MAX = 2000


def hours(dt: datetime) -> float:
    """Epoch hours (a naive datetime is taken to be UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 3600.0


def from_hours(t: float) -> datetime:
    return datetime.fromtimestamp(t * 3600.0, tz=UTC)


def text_keys(title: str, lead: str, has_entities: bool) -> Iterable[str]:
    """What an article adds to its story's key counts besides its stored entities: its numbers,
    and the fallback keys when the entity stage found none (as the clusterer keyed it)."""
    text = article_text(title, lead)
    keys = [NUM + n for n in numbers(text)]
    if not has_entities:
        keys += list(fallback_keys(text))
    return keys


def pending_ids(store: Store, ids: Sequence[int] | None = None) -> list[int]:
    """Articles with a vector and no story yet (among ``ids`` when given), in publication
    order."""
    return db.pending_ids(store, STAGE, ids)


def load_items(store: Store, ids: list[int]) -> list[Item]:
    """Items for ``ids`` (in the order given): vector, time, entity keys (the entity stage's,
    else the fallback), numbers and the original a copy was taken from."""
    rows, keys = db.item_rows(store, ids)
    by_id = {}
    for r in rows:
        text = article_text(r.title, r.lead)
        by_id[r.id] = Item(
            id=r.id,
            vec=r.vector,
            t=hours(r.at),
            lang=r.lang,
            title=r.title,
            keys=frozenset(keys[r.id]) if r.id in keys else fallback_keys(text),
            numbers=numbers(text),
            dup_root=r.duplicate_of,
        )
    return [by_id[i] for i in ids if i in by_id]


def pending_batches(
    store: Store, size: int = BATCH, ids: Sequence[int] | None = None
) -> Iterator[list[Item]]:
    ids = pending_ids(store, ids)
    for start in range(0, len(ids), size):
        yield load_items(store, ids[start : start + size])


def _story(s: db.StoryState) -> Story:
    return Story(
        id=s.id,
        vsum=s.vsum,
        n=s.n,
        first=hours(s.first),
        last=hours(s.last),
        parent_id=s.parent_id,
        raw=s.entities,
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
    states, root_story = db.story_states(store, from_hours(tmin), from_hours(tmax), roots)
    return [_story(s) for s in states], root_story


def save_batch(store: Store, clusterer: Clusterer, batch: list[Item]) -> None:
    """Write one batch: new stories, memberships, refreshed aggregates, stage rows (one
    transaction, so a crash leaves the batch pending, never half-assigned)."""
    new = [
        db.NewStory(s.id, from_hours(s.first), from_hours(s.last), s.parent_id)
        for s in clusterer.stories
        if s.id < 0
    ]
    links = [(aid, s.id, s.sims.get(aid)) for s in clusterer.stories for aid in s.members]
    known = {}
    for s in clusterer.stories:
        if s.dirty:
            s.parse()
            counts = s.keys + Counter({NUM + k: v for k, v in s.numbers.items()})
            known[s.id] = db.Aggregates(s.vsum, counts)
    real = db.save_batch(
        store,
        new=new,
        links=links,
        known=known,
        stage=STAGE,
        done=[i.id for i in batch],
        quiet_hours=clusterer.params.quiet_hours,
        text_keys=text_keys,
    )
    for s in clusterer.stories:
        if s.id < 0:
            s.id = real[s.id]
        if s.parent_id is not None and s.parent_id < 0:
            s.parent_id = real.get(s.parent_id)


def cluster_pending(
    store: Store,
    progress: Callable[[int], None] | None = None,
    params: Params | None = None,
    ids: Sequence[int] | None = None,
) -> int:
    """Assign every article that has a vector and no "story" stage yet (among ``ids`` when
    given); returns how many.

    Incremental and idempotent: articles are taken in publication order in batches, each batch
    loads the stories near it in time, and is written in one transaction together with its
    ``article_stages`` rows."""
    done = 0
    for batch in pending_batches(store, ids=ids):
        stories, roots = load_stories(store, batch, params)
        clusterer = Clusterer(stories, params)
        for article_id, story_id in roots.items():
            clusterer.link(article_id, story_id)
        if len(batch) >= REGROUP_BATCH:
            clusterer.add_batch(batch)
        else:
            for item in batch:
                clusterer.add(item)
        save_batch(store, clusterer, batch)
        done += len(batch)
        if progress:
            progress(len(batch))
    return done


def merge_ranges(ranges: Iterable[tuple], most: int = 64) -> list[tuple]:
    """Overlapping ``(lo, hi)`` ranges merged, then the closest neighbours joined until at most
    ``most`` remain (a query's worth of time ranges)."""
    merged: list[tuple] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    while len(merged) > most:  # close the narrowest gap
        k = min(range(len(merged) - 1), key=lambda j: merged[j + 1][0] - merged[j][1])
        merged[k : k + 2] = [(merged[k][0], merged[k + 1][1])]
    return merged


def consolidate(
    store: Store,
    days: float = 7.0,
    params: Params | None = None,
    limit: int = REGROUP_MAX,
    arrived_hours: float = 24.0,
) -> int:
    """Periodic, order-free consolidation: the stories of the last ``days`` of stream time, and
    those near (within ``quiet_hours``) the publication time of any article that joined a story
    in the last ``arrived_hours`` (wall clock: late arrivals), are taken whole (every member, so
    a story is never regrouped from half its articles) and regrouped (:func:`regroup`: the same
    stories whatever order their articles arrived in); the stored stories change with the
    fewest moves (:func:`regroup_plan`): stories that online assignment kept apart merge (the
    absorbed one stays as "merged" pointing at the survivor), a story that chained two events
    splits. At most ``limit`` articles, the newest stories first. Writes nothing when nothing
    changes; returns how many stories were merged away or split off."""
    params = params or Params()
    clock, arrived = db.recent_arrivals(store, datetime.now(UTC) - timedelta(hours=arrived_hours))
    if clock is None:
        return 0
    reach = timedelta(hours=params.quiet_hours)
    spans = [(clock - timedelta(days=days), clock)] + [(t - reach, t + reach) for t in arrived]
    stories = db.stories_meeting(store, merge_ranges(spans))
    window, total = [], 0
    for story_id, n, _last in sorted(stories, key=lambda s: (s[2], s[0]), reverse=True):
        if window and total + n > limit:
            break
        window.append(story_id)
        total += n
    if not window:
        return 0
    current = db.member_ids(store, window)
    items = load_items(store, sorted(current))
    groups = regroup(items, params)
    plan = regroup_plan({i.id: current[i.id] for i in items}, [[i.id for i in g] for g in groups])
    if not plan.moves:
        return 0
    sid = {g: plan.keep.get(g, -1 - g) for g in range(len(groups))}
    new = [
        db.NewStory(sid[g], from_hours(group[0].t), from_hours(group[-1].t), None)
        for g, group in enumerate(groups)
        if g not in plan.keep
    ]
    vec = {i.id: i.vec for i in items}
    sums = [np.sum([i.vec for i in g], axis=0) for g in groups]
    centroids = [v / (float(np.linalg.norm(v)) or 1.0) for v in sums]
    moves = [(a, sid[g], float(vec[a] @ centroids[g])) for a, g in plan.moves]  # as joined
    emptied = {story: sid[g] for story, g in plan.emptied.items()}
    db.apply_regroup(
        store,
        new=new,
        moves=moves,
        emptied=emptied,
        quiet_hours=params.quiet_hours,
        text_keys=text_keys,
    )
    return len(emptied) + len(new)
