"""Re-analyse stored articles whose people carry round-1 cross-script keys.

The key of a person in no list changed format (a mark for a leading vowel, i/y kept inside
-ov/-ev surnames: ``PER:~lstrk`` → ``PER:~VlVstrk``), so Məmmədov and Əhmədov, Hüseynov and
Həsənov no longer share one. Old rows would never meet new ones: the analysis stage is re-opened
for the articles that hold such keys, and the next ``minbar enrich`` (or worker) recomputes
them. The key is made by the analysis layer, which a migration must not import, hence a re-run
rather than an in-place rewrite.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().execute(
        sa.text(
            "DELETE FROM article_stages WHERE stage = 'analysis' AND article_id IN "
            "(SELECT DISTINCT article_id FROM article_entities WHERE key LIKE 'PER:~%')"
        )
    )


def downgrade() -> None:
    """Nothing to undo: re-analysed articles are simply up to date."""
