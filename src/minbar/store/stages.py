"""Which enrichment stages each article has been through (``article_stages``).

Every incremental stage (analysis, stories, matching) asks the same three things: which articles
are still pending, mark these done (in the caller's transaction, with the stage's results), and
re-open the stage for every article when its inputs change (new fact-checks, new user entities).

An article is *enriched* when it has its vector (``article_vectors``), its analysis, its story
and — once there are fact-checks to match against — its matching. This is the source of truth the
queue works from: workers are told article ids, and whatever was lost (a worker killed with -9, a
flushed Redis) is found again here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import (
    Connection,
    Select,
    and_,
    delete,
    exists,
    func,
    insert,
    not_,
    select,
)

from minbar.store.repository import Store
from minbar.store.schema import article_stages, article_vectors, articles, factchecks

ANALYSIS = "analysis"
STORY = "story"
MATCH = "match"
SEEN = "seen"  # articles linked to the fact-check cases whose claim they carry ("seen again")


def done(stage: str) -> Select:
    """The ids of the articles ``stage`` has processed (for ``articles.c.id.not_in(...)``)."""
    return select(article_stages.c.article_id).where(article_stages.c.stage == stage)


def pending_ids(store: Store, stage: str, ids: Iterable[int] | None = None) -> list[int]:
    """Articles ``stage`` has not processed yet (among ``ids`` when given), in id order."""
    stmt = select(articles.c.id).where(articles.c.id.not_in(done(stage))).order_by(articles.c.id)
    if ids is not None:
        stmt = stmt.where(articles.c.id.in_(list(ids)))
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def pending_after(
    store: Store, stage: str, after: str, ids: Iterable[int] | None = None, limit: int = 1000
) -> list[int]:
    """Articles ``after`` has processed and ``stage`` has not (among ``ids``), in id order."""
    stmt = (
        select(articles.c.id)
        .where(articles.c.id.in_(done(after)), articles.c.id.not_in(done(stage)))
        .order_by(articles.c.id)
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(articles.c.id.in_(list(ids)))
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def mark_done(conn: Connection, stage: str, article_ids: Iterable[int]) -> None:
    """Record ``stage`` as done for ``article_ids`` (idempotent: an earlier mark is replaced).

    In the stage's own write transaction: the primary key (article, stage) also makes a second
    writer of the same article (a worker whose lease expired while it still worked) fail and roll
    back its results instead of adding a second copy of them."""
    ids = list(article_ids)
    if not ids:
        return
    conn.execute(
        delete(article_stages).where(
            article_stages.c.stage == stage, article_stages.c.article_id.in_(ids)
        )
    )
    now = datetime.now(UTC)
    conn.execute(
        insert(article_stages), [{"article_id": i, "stage": stage, "done_at": now} for i in ids]
    )


def reopen(conn: Connection, stage: str) -> None:
    """Every article must go through ``stage`` again (its inputs changed)."""
    conn.execute(delete(article_stages).where(article_stages.c.stage == stage))


# --- the whole pipeline ----------------------------------------------------------------------


def _has(stage: str):
    return exists().where(
        article_stages.c.article_id == articles.c.id, article_stages.c.stage == stage
    )


def _enriched(conn: Connection):
    """SQL condition on ``articles``: every stage has run for the row."""
    cond = and_(
        exists().where(article_vectors.c.article_id == articles.c.id),
        _has(ANALYSIS),
        _has(STORY),
    )
    if conn.execute(select(factchecks.c.id).limit(1)).first() is not None:
        cond = and_(cond, _has(MATCH))
    return cond


def unfinished_ids(
    store: Store, ids: Iterable[int] | None = None, limit: int | None = None
) -> list[int]:
    """Articles some stage has not processed yet (among ``ids`` when given), in publication
    order: the queue hands them out in that order, so that parallel workers feed the
    order-sensitive story stage about as a single process would."""
    when = func.coalesce(articles.c.published, articles.c.fetched_at)
    with store.engine.connect() as conn:
        stmt = select(articles.c.id).where(not_(_enriched(conn))).order_by(when, articles.c.id)
        if ids is not None:
            stmt = stmt.where(articles.c.id.in_(list(ids)))
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(conn.execute(stmt).scalars())


def ready_ids_for_stories(store: Store) -> list[int]:
    """The ids of :func:`ready_for_stories`."""
    with store.engine.connect() as conn:
        return list(conn.execute(ready_for_stories()).scalars())


def ready_for_stories() -> Select:
    """Articles the story stage may take: vector and analysis done (so the clusterer sees the
    analysis's entities, as in a single-process run), story not done yet."""
    return select(articles.c.id).where(
        exists().where(article_vectors.c.article_id == articles.c.id),
        _has(ANALYSIS),
        not_(_has(STORY)),
    )


def counts(store: Store) -> dict[str, int]:
    """``{"articles", "enriched"}`` for ``minbar status``."""
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        enriched = conn.execute(
            select(func.count()).select_from(articles).where(_enriched(conn))
        ).scalar_one()
    return {"articles": total, "enriched": enriched}
