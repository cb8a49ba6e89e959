"""Which enrichment stages each article has been through (``article_stages``).

Every incremental stage (analysis, stories, matching) asks the same three things: which articles
are still pending, mark these done (in the caller's transaction, with the stage's results), and
re-open the stage for every article when its inputs change (new fact-checks, new user entities).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, Select, delete, insert, select

from minbar.store.repository import Store
from minbar.store.schema import article_stages, articles


def done(stage: str) -> Select:
    """The ids of the articles ``stage`` has processed (for ``articles.c.id.not_in(...)``)."""
    return select(article_stages.c.article_id).where(article_stages.c.stage == stage)


def pending_ids(store: Store, stage: str) -> list[int]:
    """Articles ``stage`` has not processed yet, in id order."""
    stmt = select(articles.c.id).where(articles.c.id.not_in(done(stage))).order_by(articles.c.id)
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def mark_done(conn: Connection, stage: str, article_ids: Iterable[int]) -> None:
    """Record ``stage`` as done for ``article_ids`` (idempotent: an earlier mark is replaced)."""
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
