"""Work leases: which articles a worker is enriching (or has queued), until when.

The database says what is pending (``article_stages``, ``article_vectors``); a lease only says who
holds an article right now, so that a worker killed with -9 has its articles taken again once the
lease expires. ``expires_at`` is in epoch seconds of the database clock (workers on several
machines compare against one clock).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_leases",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("owner", sa.String(120)),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_work_leases_expires", "work_leases", ["expires_at"])
    op.create_index("ix_work_leases_owner", "work_leases", ["owner"])


def downgrade() -> None:
    op.drop_table("work_leases")
