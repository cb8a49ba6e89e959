"""Re-analyse stored articles whose people carry cross-script keys made by the older rules.

The skeleton of a person in no list changed again (issue 16, third session): Arabic ث reads as
t, w / initial u / و before a vowel as v, an initial Latin x as h, тс/تس as ts, "oğlu" takes no
vowel mark, Abdel before a sun letter drops its l, bəy/бек before -ov is one spelling. Keys made
before no longer meet the new ones (Luther ≠ لوثر), so — as in 0010 — the analysis stage is
re-opened for the articles that hold unlisted people's keys, and the next ``minbar enrich`` (or
worker) recomputes them. The key is made by the analysis layer, which a migration must not
import, hence a re-run rather than an in-place rewrite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
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
