"""Online story clustering: each article joins an existing story or starts a new one.

An article is compared with the stories whose time window it falls in (numpy over their
centroids, kept in memory for the batch, loaded from the database), and joins the best one when

    score = cosine(article, story centroid)
            + W_ENT · overlap(entity keys)  + W_NUM · overlap(numbers)
            − W_TIME · min(hours outside the story's [first, last] / 24, 3)

reaches ``JOIN``. Entity keys and numbers are what tell two *events* of one kind apart (two
earthquakes, two rate decisions): e5's cosine band is narrow (unrelated ≈ 0.77, same story in two
languages ≈ 0.88), so the vector alone separates topics, not events. Overlaps are overlap
coefficients against the story's most frequent keys, so a large story does not win by size.

Time: a story is a candidate only for articles published within ``QUIET_HOURS`` of its span, so
stories that go quiet close by themselves; an article that matches a closed story (ended
``QUIET_HOURS``–``PARENT_DAYS`` earlier) starts a new story linked to it as its parent (a
developing story) instead of swallowing unrelated news into an old one. Times are publication
times, so a backfill of old articles clusters the same way as the live stream.

The core here is plain data in memory (the benchmark drives it directly to tune the weights on
the dev half of ``benchmarks/data/stories_events.jsonl``);
:func:`minbar.stories.stage.cluster_pending` runs it incrementally over the database.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

#: Tuned on the dev half of benchmarks/data/stories_events.jsonl (benchmarks/stories.py --tune).
W_ENT = 0.175
W_NUM = 0.045
W_TIME = 0.008
JOIN = 0.91
#: A new story links to an earlier, closed story as "developing" from this score (no time term).
PARENT = 0.91
#: Consolidation merges two stories whose centroid-to-centroid score reaches this.
MERGE = 0.99
QUIET_HOURS = 72.0
PARENT_DAYS = 30.0
TOP_KEYS = 15
TOP_NUMBERS = 12
CANDIDATES = 20  # nearest stories (by cosine) that get the full score
#: Regrouping (a batch of articles at once, and the order-free consolidation): average-linkage
#: clustering of the articles by their pair score, cut where the mean pair score of two groups
#: falls below REGROUP (dev half: 0.855 → 0.977, 0.86–0.865 → 0.990, 0.87 → 0.971); pairs more
#: than REGROUP_HOURS apart never count as similar.
REGROUP = 0.86
REGROUP_HOURS = 168.0
NUM = "NUM:"  # numbers share the stored entity counts under this prefix


@dataclass(frozen=True)
class Params:
    w_ent: float = W_ENT
    w_num: float = W_NUM
    w_time: float = W_TIME
    join: float = JOIN
    parent: float = PARENT
    merge: float = MERGE
    regroup: float = REGROUP
    quiet_hours: float = QUIET_HOURS
    parent_days: float = PARENT_DAYS


@dataclass
class Item:
    """One article as the clusterer sees it. ``t`` is its publication time in hours (epoch)."""

    id: int
    vec: np.ndarray
    t: float
    lang: str | None = None
    title: str = ""
    keys: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    dup_root: int | None = None  # the original it copies (``articles.duplicate_of``)


@dataclass
class Story:
    """Aggregates of a story; ``vsum`` is the *sum* of member vectors (the stored centroid), so
    adding an article is O(dim) and the mean direction is ``vsum / |vsum|``."""

    id: int  # database id, or a negative temporary id until stored
    vsum: np.ndarray
    n: int
    first: float
    last: float
    keys: Counter = field(default_factory=Counter)
    numbers: Counter = field(default_factory=Counter)
    titles: dict[str, tuple[float, str]] = field(default_factory=dict)  # lang -> (t, title)
    first_article: tuple[float, int] | None = None
    parent_id: int | None = None
    members: list[int] = field(default_factory=list)  # articles added in this run
    sims: dict[int, float] = field(default_factory=dict)
    dirty: bool = False
    #: the stored ``entities`` JSON, parsed into ``keys``/``numbers`` only when the story is
    #: scored (most stories loaded for a batch never are)
    raw: str | None = field(default=None, repr=False)
    _top: tuple[set[str], set[str]] | None = field(default=None, repr=False, compare=False)

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vsum))
        return self.vsum / norm if norm else self.vsum

    def parse(self) -> None:
        if self.raw is not None:
            for key, count in json.loads(self.raw).items():
                if key.startswith(NUM):
                    self.numbers[key[len(NUM) :]] += count
                else:
                    self.keys[key] += count
            self.raw = None

    def _tops(self) -> tuple[set[str], set[str]]:
        if self._top is None:
            self.parse()
            self._top = (
                {k for k, _ in self.keys.most_common(TOP_KEYS)},
                {k for k, _ in self.numbers.most_common(TOP_NUMBERS)},
            )
        return self._top

    def top_keys(self) -> set[str]:
        return self._tops()[0]

    def top_numbers(self) -> set[str]:
        return self._tops()[1]

    def add(self, item: Item, sim: float | None) -> None:
        self.parse()
        self.vsum = self.vsum + item.vec
        self.n += 1
        self.first = min(self.first, item.t)
        self.last = max(self.last, item.t)
        self.keys.update(item.keys)
        self.numbers.update(item.numbers)
        lang = item.lang or "und"
        if lang not in self.titles or item.t < self.titles[lang][0]:
            self.titles[lang] = (item.t, item.title)
        if self.first_article is None or (item.t, item.id) < self.first_article:
            self.first_article = (item.t, item.id)
        self._top = None
        self.members.append(item.id)
        if sim is not None:
            self.sims[item.id] = sim
        self.dirty = True

    @classmethod
    def start(cls, sid: int, item: Item) -> Story:
        story = cls(id=sid, vsum=np.zeros_like(item.vec), n=0, first=item.t, last=item.t)
        story.add(item, None)
        return story


def overlap(a: Iterable[str], b: set[str]) -> float:
    """Overlap coefficient |A ∩ B| / min(|A|, |B|) (0 when either is empty)."""
    a = set(a)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def hours_outside(t: float, first: float, last: float) -> float:
    return max(0.0, first - t, t - last)


def score(
    cos: float,
    ent: float,
    num: float,
    gap_hours: float,
    params: Params,
) -> float:
    return (
        cos + params.w_ent * ent + params.w_num * num - params.w_time * min(gap_hours / 24.0, 3.0)
    )


def pair_similarity(a: Item, b: Item, params: Params | None = None, use_time: bool = True) -> float:
    """The clusterer's similarity of two articles (b taken as a one-article story)."""
    params = params or Params()
    gap = abs(a.t - b.t) if use_time else 0.0
    return score(
        float(np.dot(a.vec, b.vec)),
        overlap(a.keys, set(b.keys)),
        overlap(a.numbers, set(b.numbers)),
        gap,
        params,
    )


class Clusterer:
    """Online assignment over a working set of stories (those near in time to the articles)."""

    def __init__(self, stories: Iterable[Story] = (), params: Params | None = None) -> None:
        self.params = params or Params()
        self.stories: list[Story] = []
        self._mat = np.zeros((16, 0), dtype=np.float32)
        self._first = np.zeros(16)
        self._last = np.zeros(16)
        self._next_tmp = -1
        self._by_article: dict[int, Story] = {}
        self._pos: dict[int, int] = {}  # id(story) -> row
        for s in stories:
            self._append(s)

    def _append(self, story: Story) -> None:
        i = len(self.stories)
        if self._mat.shape[1] == 0:
            self._mat = np.zeros((16, len(story.vsum)), dtype=np.float32)
        if i >= len(self._mat):
            grow = len(self._mat)
            self._mat = np.vstack([self._mat, np.zeros_like(self._mat[:grow])])
            self._first = np.concatenate([self._first, np.zeros(grow)])
            self._last = np.concatenate([self._last, np.zeros(grow)])
        self.stories.append(story)
        self._pos[id(story)] = i
        self._sync(i)

    def _sync(self, i: int) -> None:
        s = self.stories[i]
        self._mat[i] = s.centroid()
        self._first[i] = s.first
        self._last[i] = s.last

    def story_of(self, article_id: int) -> Story | None:
        return self._by_article.get(article_id)

    def link(self, article_id: int, story_id: int) -> None:
        """Record that a stored article belongs to a loaded story (copies follow originals)."""
        for s in self.stories:
            if s.id == story_id:
                self._by_article[article_id] = s
                return

    def assignments(self) -> dict[int, Story]:
        return dict(self._by_article)

    def _scores(self, item: Item, mask: np.ndarray, use_time: bool) -> list[tuple[float, int]]:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return []
        # einsum, not BLAS: a multi-threaded BLAS mat-vec is ~5x slower on a busy 2-core laptop;
        # a small subset is gathered, a large one read in place (gathering copies the rows)
        n = len(self.stories)
        if len(idx) * 4 < n:
            cos = np.einsum("ij,j->i", self._mat[idx], item.vec)
        else:
            cos = np.einsum("ij,j->i", self._mat[:n], item.vec)[idx]
        if len(idx) > CANDIDATES:
            keep = np.argpartition(-cos, CANDIDATES - 1)[:CANDIDATES]
            idx, cos = idx[keep], cos[keep]
        out = []
        for i, c in zip(idx.tolist(), cos.tolist(), strict=True):
            s = self.stories[i]
            gap = hours_outside(item.t, s.first, s.last) if use_time else 0.0
            out.append(
                (
                    score(
                        c,
                        overlap(item.keys, s.top_keys()),
                        overlap(item.numbers, s.top_numbers()),
                        gap,
                        self.params,
                    ),
                    i,
                )
            )
        return sorted(out, reverse=True)

    def add(self, item: Item) -> Story:
        """Assign ``item`` to a story (existing or new) and return it."""
        n = len(self.stories)
        first, last = self._first[:n], self._last[:n]
        quiet = self.params.quiet_hours
        story: Story | None = None
        sim: float | None = None
        if item.dup_root is not None and item.dup_root in self._by_article:
            story = self._by_article[item.dup_root]  # a copy goes with its original
            sim = float(np.dot(story.centroid(), item.vec))
        else:
            live = (last >= item.t - quiet) & (first <= item.t + quiet)
            best = self._scores(item, live, use_time=True)
            if best and best[0][0] >= self.params.join:
                sim, story = best[0][0], self.stories[best[0][1]]
        if story is None:
            story = Story.start(self._next_tmp, item)
            self._next_tmp -= 1
            earlier = (last < item.t - quiet) & (last >= item.t - self.params.parent_days * 24)
            parents = self._scores(item, earlier, use_time=False)
            if parents and parents[0][0] >= self.params.parent:
                story.parent_id = self.stories[parents[0][1]].id
            self._append(story)
        else:
            story.add(item, sim)
            self._sync(self._pos[id(story)])
        self._by_article[item.id] = story
        return story

    def add_batch(self, items: Sequence[Item]) -> None:
        """Assign a batch at once, so that its own arrival order does not matter: the batch is
        regrouped (:func:`regroup`), then each group, earliest first, joins the story loaded
        before the batch that its members score best against on average (at least ``join``) or
        starts one. Groups never join each other (regrouping kept them apart); copies follow
        their original when it was assigned before the batch."""
        n = len(self.stories)
        rest = []
        for item in items:
            if item.dup_root is not None and item.dup_root in self._by_article:
                self.add(item)
            else:
                rest.append(item)
        for group in regroup(rest, self.params):
            story = self._best_for_group(group, n)
            for item in group:
                if story is None:
                    story = Story.start(self._next_tmp, item)
                    self._next_tmp -= 1
                    self._append(story)
                else:
                    story.add(item, float(np.dot(story.centroid(), item.vec)))
                    self._sync(self._pos[id(story)])
                self._by_article[item.id] = story

    def _best_for_group(self, group: list[Item], n: int) -> Story | None:
        if not n:
            return None
        quiet = self.params.quiet_hours
        t0, t1 = group[0].t, max(i.t for i in group)
        live = (self._last[:n] >= t0 - quiet) & (self._first[:n] <= t1 + quiet)
        idx = np.flatnonzero(live)
        if not len(idx):
            return None
        vecs = np.vstack([i.vec for i in group])
        cos = np.einsum("ij,kj->ik", self._mat[idx], vecs)
        best, where = -np.inf, None
        for row, i in enumerate(idx.tolist()):
            if cos[row].max() < self.params.join - self.params.w_ent - self.params.w_num:
                continue
            s = self.stories[i]
            mean = float(
                np.mean(
                    [
                        score(
                            float(c),
                            overlap(item.keys, s.top_keys()),
                            overlap(item.numbers, s.top_numbers()),
                            hours_outside(item.t, s.first, s.last),
                            self.params,
                        )
                        for c, item in zip(cos[row].tolist(), group, strict=True)
                    ]
                )
            )
            if mean > best:
                best, where = mean, s
        return where if best >= self.params.join else None

    def merge_pass(self) -> list[tuple[Story, Story]]:
        """Consolidation: merge stories whose spans are within ``QUIET_HOURS`` and whose
        centroid-to-centroid score reaches ``MERGE`` (smaller into larger). Returns the
        (absorbed, kept) pairs; the absorbed story keeps its members list for the caller."""
        merged: list[tuple[Story, Story]] = []
        alive = list(range(len(self.stories)))
        gone: set[int] = set()
        quiet = self.params.quiet_hours
        for i in sorted(alive, key=lambda j: -self.stories[j].n):
            if i in gone:
                continue
            a = self.stories[i]
            n = len(self.stories)
            near = (self._last[:n] >= a.first - quiet) & (self._first[:n] <= a.last + quiet)
            near[i] = False
            # no entity or number evidence can lift a pair whose cosine is this far below
            reach = self.params.merge - self.params.w_ent - self.params.w_num
            idx = np.flatnonzero(near & (self._mat[:n] @ self._mat[i] >= reach))
            for j in idx.tolist():
                b = self.stories[j]
                if b.n > a.n:
                    continue
                s = score(
                    float(self._mat[i] @ self._mat[j]),
                    overlap(b.top_keys(), a.top_keys()),
                    overlap(b.top_numbers(), a.top_numbers()),
                    max(0.0, b.first - a.last, a.first - b.last),
                    self.params,
                )
                if s >= self.params.merge:
                    a.vsum = a.vsum + b.vsum
                    a.n += b.n
                    a.first, a.last = min(a.first, b.first), max(a.last, b.last)
                    a.parse()
                    b.parse()
                    a.keys.update(b.keys)
                    a.numbers.update(b.numbers)
                    a._top = None
                    for lang, tt in b.titles.items():
                        if lang not in a.titles or tt[0] < a.titles[lang][0]:
                            a.titles[lang] = tt
                    if b.first_article and (
                        a.first_article is None or b.first_article < a.first_article
                    ):
                        a.first_article = b.first_article
                    a.dirty = True
                    for aid, st in self._by_article.items():
                        if st is b:
                            self._by_article[aid] = a
                    gone.add(j)
                    merged.append((b, a))
                    self._sync(i)
                    self._last[j] = -np.inf  # out of every later window
        kept = [s for k, s in enumerate(self.stories) if k not in gone]
        self.stories, self._pos = [], {}
        for s in kept:
            self._append(s)
        return merged


def pair_scores(items: Sequence[Item], params: Params) -> np.ndarray:
    """The clusterer's score for every pair of ``items`` (:func:`pair_similarity`); pairs more
    than ``REGROUP_HOURS`` apart get -10. Entity and number overlaps are computed only for
    pairs whose cosine they could lift to ``regroup``."""
    vecs = np.vstack([i.vec for i in items]).astype(np.float32)
    cos = vecs @ vecs.T
    t = np.array([i.t for i in items])
    gap = np.abs(t[:, None] - t[None, :])
    out = cos.astype(np.float64) - params.w_time * np.minimum(gap / 24.0, 3.0)
    reach = params.regroup - params.w_ent - params.w_num
    for a, b in zip(*np.nonzero(np.triu(cos >= reach, 1)), strict=True):
        x, y = items[a], items[b]
        lift = params.w_ent * overlap(x.keys, set(y.keys)) + params.w_num * overlap(
            x.numbers, set(y.numbers)
        )
        out[a, b] += lift
        out[b, a] += lift
    out[gap > REGROUP_HOURS] = -10.0
    return out


def regroup(items: Sequence[Item], params: Params | None = None) -> list[list[Item]]:
    """Average-linkage clustering of ``items`` by their pair scores, cut at ``params.regroup``:
    the same groups whatever order the items come in (unlike online assignment, which lets an
    early article decide what a story is about). Groups are sorted by their first article, and
    their members by time. O(n²) memory: meant for a batch or a window, not the whole store."""
    from scipy.cluster.hierarchy import fcluster, linkage

    params = params or Params()
    items = sorted(items, key=lambda i: (i.t, i.id))
    if len(items) < 2:
        return [list(items)] if items else []
    dist = 2.0 - pair_scores(items, params)  # scores are below 1.3, so distances are positive
    tree = linkage(dist[np.triu_indices(len(items), 1)], method="average")
    labels = fcluster(tree, t=2.0 - params.regroup, criterion="distance")
    groups: dict[int, list[Item]] = {}
    for item, label in zip(items, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(item)
    return sorted(groups.values(), key=lambda g: (g[0].t, g[0].id))


def cluster_items(
    items: Iterable[Item],
    params: Params | None = None,
    consolidate: bool = False,
    batch: int | None = None,
    regrouped: bool = False,
) -> dict[int, int]:
    """Cluster ``items`` in the order given (a fresh run, in memory): article id → story key.
    What the benchmark tunes and scores; :func:`minbar.stories.stage.cluster_pending` is the same
    loop over a database (batches). ``batch``: arrive in chunks of this size (each assigned with
    :meth:`Clusterer.add_batch`) instead of one by one; ``consolidate``: then the merge pass;
    ``regrouped``: then regroup everything (the order-free consolidation)."""
    items = list(items)
    clusterer = Clusterer(params=params)
    if batch:
        for start in range(0, len(items), batch):
            clusterer.add_batch(items[start : start + batch])
    else:
        for item in items:
            clusterer.add(item)
    if consolidate:
        clusterer.merge_pass()
    if regrouped:
        return {i.id: g[0].id for g in regroup(items, clusterer.params) for i in g}
    return {aid: id(story) for aid, story in clusterer.assignments().items()}


@dataclass
class RegroupPlan:
    """How to turn the stored stories of a window into the regrouped ones with the fewest
    changes: ``keep`` maps each group (by index) to the stored story that keeps its id (the one
    holding most of its members; each story is kept by at most one group); groups with no such
    story become new stories; ``moves`` are the articles whose story changes ((article id,
    group index)); ``emptied`` maps each stored story left with no member to the group that
    took most of its articles (the story is then marked merged into that group's story)."""

    groups: list[list[int]]
    keep: dict[int, int]
    moves: list[tuple[int, int]]
    emptied: dict[int, int]


def regroup_plan(current: dict[int, int], groups: list[list[int]]) -> RegroupPlan:
    """``current``: article id → stored story id; ``groups``: article ids per regrouped story
    (:func:`regroup`). The store applies the plan in one transaction (the SQL belongs in
    ``minbar.store.stories``)."""
    overlap_counts = Counter(
        (g, current[a]) for g, members in enumerate(groups) for a in members if a in current
    )
    keep: dict[int, int] = {}
    taken: set[int] = set()
    for (g, sid), _count in sorted(overlap_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if g not in keep and sid not in taken:
            keep[g] = sid
            taken.add(sid)
    moves = [
        (a, g)
        for g, members in enumerate(groups)
        for a in members
        if current.get(a) != keep.get(g, object())
    ]
    survivors = set(keep.values())
    target: dict[int, Counter] = {}
    for a, g in moves:
        old = current.get(a)
        if old is not None and old not in survivors:
            target.setdefault(old, Counter())[g] += 1
    emptied = {sid: c.most_common(1)[0][0] for sid, c in target.items()}
    return RegroupPlan(groups, keep, moves, emptied)
