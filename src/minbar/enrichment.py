"""Enrichment: every stage that runs after ingest, in data-flow order, each incremental.

article vectors → analysis (sentences, check-worthiness, entities, quotes) → stories → fact-check
matching. ``minbar enrich``, ``minbar ingest --enrich``, the scheduler and the demo all call
:func:`enrich`, so there is one order and one set of rules. Each stage keeps its own bookkeeping
(``article_stages`` or its own table), so a crash between stages loses nothing: the next run picks
up where this one stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from minbar.models import InputError
from minbar.store.repository import Store

#: ``progress(label)`` returns a context manager yielding an ``advance(n)`` callback (or None).
ProgressFactory = Callable[[str], AbstractContextManager]


@dataclass
class EnrichResult:
    enriched: int = 0
    embedded: int = 0
    analyzed: int = 0
    clustered: int = 0
    matched_articles: int = 0
    matched_sentences: int = 0
    quotes: int = 0
    checkworthy: int = 0
    seen_again: int = 0  # articles newly linked to fact-check cases
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "enriched": self.enriched,
            "errors": [e.to_dict() for e in self.errors],
            "stages": {
                "vectors": self.embedded,
                "analysis": self.analyzed,
                "stories": self.clustered,
                "matching": self.matched_articles,
            },
            "quotes": self.quotes,
            "checkworthy_sentences": self.checkworthy,
            "matched_sentences": self.matched_sentences,
            "linked_to_cases": self.seen_again,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def no_progress(_label: str) -> AbstractContextManager:
    return nullcontext(None)


def enrich(store: Store, progress: ProgressFactory | None = None) -> EnrichResult:
    """Run every pending enrichment stage over the stored articles."""
    return _run(store, None, progress or no_progress)


def enrich_ids(store: Store, ids: Sequence[int]) -> EnrichResult:
    """Run the pending stages of ``ids`` (one worker task; see :mod:`minbar.work`).

    Vectors, analysis, matching and watch evaluation run for ``ids`` only, in parallel with
    other workers. The story stage is order-sensitive (online assignment reads the stories the
    previous articles built), so it runs under the database-wide story lock and takes every
    article that is *ready* (vector and analysis done) in publication order — its own and those
    other workers finished meanwhile — so no article waits for a task of its own."""
    return _run(store, sorted(set(ids)), no_progress)


def _seen_again(store: Store, ids: list[int] | None, vectors: dict) -> int:
    """Link matched articles to the fact-check cases whose claim they carry (its own stage, so
    a crash between matching and linking loses nothing); returns the links made."""
    from minbar.cases.seen_again import link_seen_again
    from minbar.store import stages
    from minbar.store.db import transaction

    made = 0
    while todo := stages.pending_after(store, stages.SEEN, stages.MATCH, ids):
        made += link_seen_again(store, todo, vectors=vectors)
        with transaction(store.engine) as conn:
            stages.mark_done(conn, stages.SEEN, todo)
    return made


def _run(store: Store, ids: list[int] | None, progress: ProgressFactory) -> EnrichResult:
    from minbar.analysis.article_vectors import embed_pending
    from minbar.analysis.enrich import analyze_pending
    from minbar.matching.auto import match_articles
    from minbar.store import stages
    from minbar.store.leases import STORY_LOCK, exclusive
    from minbar.stories.stage import cluster_pending
    from minbar.watch.evaluate import evaluate_articles, evaluate_pending

    result = EnrichResult()

    def timed(name: str, label: str, fn):
        t0 = time.perf_counter()
        with progress(label) as advance:
            value = fn(advance)
        result.seconds[name] = time.perf_counter() - t0
        return value

    result.embedded = timed(
        "vectors", "embedding articles", lambda a: embed_pending(store, progress=a, ids=ids)
    )
    analysis = timed(
        "analysis",
        "analysing articles",
        lambda a: analyze_pending(store, progress=a, keep_vectors=True, ids=ids),
    )
    result.analyzed = analysis.analyzed
    result.quotes = analysis.quotes
    result.checkworthy = analysis.checkworthy
    result.errors.extend(analysis.errors)

    def cluster(advance) -> int:
        with exclusive(store.engine, STORY_LOCK):
            if ids is None:
                return cluster_pending(store, progress=advance)
            return cluster_pending(store, progress=advance, ids=stages.ready_ids_for_stories(store))

    result.clustered = timed("stories", "clustering stories", cluster)
    matched = timed(
        "matching",
        "matching claims",
        lambda a: match_articles(store, progress=a, vectors=analysis.vectors, ids=ids),
    )
    result.matched_articles = matched.enriched
    result.matched_sentences = matched.matched_sentences
    result.errors.extend(matched.errors)
    result.seen_again = timed(
        "cases", "linking articles to cases", lambda a: _seen_again(store, ids, analysis.vectors)
    )
    if ids is None:
        timed("watch", "evaluating watchlists", lambda a: evaluate_pending(store, progress=a))
    else:
        analysed = set(ids) - set(stages.pending_ids(store, stages.ANALYSIS, ids))
        timed("watch", "evaluating watchlists", lambda a: evaluate_articles(store, analysed))
    result.enriched = max(
        result.embedded, result.analyzed, result.clustered, result.matched_articles
    )
    return result
