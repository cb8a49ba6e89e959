"""Index stories by the story they develop (``parent_id``).

A story page lists the stories that develop from it; without this index that read scanned every
story (23 ms per page at 144k stories on SQLite, most of the page's database time).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stories_parent", "stories", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_stories_parent", table_name="stories")
