"""Re-stem Turkish and Azerbaijani articles and fact-checks for the suffix-reading stemmer.

Round 2 replaced the 5-letter prefix stem of tr/az words by every reading of their endings
(case, possessive, plural, copula, -ki), so ``Gəncə`` finds ``Gəncədə``. Rows stored before
carry old stems that new queries would miss: their ``text_stem`` / ``claim_stem`` are recomputed
with the same function ingest uses, in batches, and both full-text indexes are rebuilt.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from minbar.store.search import ARTICLES, FACTCHECKS, rebuild_index
from minbar.text.normalize import stem_key

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 2000


def _restem(conn, select_sql: str, update_sql: str, key) -> int:
    last, changed = 0, 0
    while True:
        rows = conn.execute(sa.text(select_sql), {"last": last, "n": BATCH}).all()
        if not rows:
            return changed
        updates = [{"id": r[0], "stem": key(r)} for r in rows]
        conn.execute(sa.text(update_sql), updates)
        changed += len(updates)
        last = rows[-1][0]


def upgrade() -> None:
    conn = op.get_bind()
    n_articles = _restem(
        conn,
        "SELECT id, title, text, lang FROM articles WHERE lang IN ('tr', 'az') AND id > :last "
        "ORDER BY id LIMIT :n",
        "UPDATE articles SET text_stem = :stem WHERE id = :id",
        lambda r: stem_key(f"{r[1]}\n{r[2]}", r[3]),
    )
    n_checks = _restem(
        conn,
        "SELECT id, claim, lang FROM factchecks WHERE lang IN ('tr', 'az') AND id > :last "
        "ORDER BY id LIMIT :n",
        "UPDATE factchecks SET claim_stem = :stem WHERE id = :id",
        lambda r: stem_key(r[1], r[2]),
    )
    if n_articles:
        rebuild_index(conn, ARTICLES)
    if n_checks:
        rebuild_index(conn, FACTCHECKS)


def downgrade() -> None:
    """Nothing to undo: the old stems are not kept (re-ingest to get them back)."""
