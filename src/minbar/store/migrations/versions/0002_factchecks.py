"""Fact-checks (ClaimReview), their full-text index, and article claim matches.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "factchecks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedup_key", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("claim", sa.Text, nullable=False),
        sa.Column("claim_norm", sa.Text, nullable=False),
        sa.Column("claim_stem", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("verdict", sa.String(12), nullable=False),
        sa.Column("rating_name", sa.Text),
        sa.Column("rating_value", sa.Float),
        sa.Column("best_rating", sa.Float),
        sa.Column("worst_rating", sa.Float),
        sa.Column("author_name", sa.Text),
        sa.Column("author_url", sa.Text),
        sa.Column("date_published", TZ),
        sa.Column("claim_author", sa.Text),
        sa.Column("claim_date", TZ),
        sa.Column("appearances", sa.Text),
        sa.Column("first_appearance", sa.Text),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("sparse", sa.LargeBinary),
        sa.Column("imported_at", TZ, nullable=False),
    )
    op.create_index("ix_factchecks_lang", "factchecks", ["lang"])
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("factcheck_id", sa.Integer, sa.ForeignKey("factchecks.id"), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("matched_at", TZ, nullable=False),
    )
    op.create_index("ix_claim_matches_article", "claim_matches", ["article_id"])
    op.create_index("ix_claim_matches_factcheck", "claim_matches", ["factcheck_id"])
    op.create_table(
        "article_stages",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("stage", sa.String(20), primary_key=True),
        sa.Column("done_at", TZ, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE factchecks_fts USING fts5("
            "claim_norm, claim_stem, content='factchecks', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        op.create_table(
            "factchecks_search",
            sa.Column("factcheck_id", sa.Integer, sa.ForeignKey("factchecks.id"), primary_key=True),
            sa.Column("tsv_norm", sa.dialects.postgresql.TSVECTOR, nullable=False),
            sa.Column("tsv_stem", sa.dialects.postgresql.TSVECTOR, nullable=False),
        )
        op.execute("CREATE INDEX ix_fc_search_norm ON factchecks_search USING gin (tsv_norm)")
        op.execute("CREATE INDEX ix_fc_search_stem ON factchecks_search USING gin (tsv_stem)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS factchecks_fts")
    else:
        op.drop_table("factchecks_search")
    op.drop_table("article_stages")
    op.drop_table("claim_matches")
    op.drop_table("factchecks")
