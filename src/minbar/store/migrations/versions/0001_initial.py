"""Initial schema: sources, articles, LSH bands, ingest log, and the full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("url", sa.Text, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("every_seconds", sa.Integer),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_polled_at", TZ),
        sa.Column("next_due_at", TZ),
        sa.Column("last_status", sa.String(40)),
        sa.Column("last_error", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_norm", sa.Text, nullable=False),
        sa.Column("text_stem", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("lang_source", sa.String(10)),
        sa.Column("published", TZ),
        sa.Column("fetched_at", TZ, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("dup_kind", sa.String(10)),
        sa.Column("dup_similarity", sa.Float),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("word_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_lang", "articles", ["lang"])
    op.create_index("ix_articles_source", "articles", ["source_id"])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.create_table(
        "article_bands",
        sa.Column("hash", sa.BigInteger, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
    )
    op.create_table(
        "ingest_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("item", sa.Text),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("ingested", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("near_duplicates", sa.Integer, nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_ingest_log_run", "ingest_log", ["run_id"])

    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 over the normalised keys; the tokenizer only has to split on
        # spaces because minbar.text.normalize already folded everything.
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "text_norm, text_stem, content='articles', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        op.create_table(
            "articles_search",
            sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
            sa.Column("tsv_norm", sa.dialects.postgresql.TSVECTOR, nullable=False),
            sa.Column("tsv_stem", sa.dialects.postgresql.TSVECTOR, nullable=False),
        )
        op.execute("CREATE INDEX ix_articles_search_norm ON articles_search USING gin (tsv_norm)")
        op.execute("CREATE INDEX ix_articles_search_stem ON articles_search USING gin (tsv_stem)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    else:
        op.drop_table("articles_search")
    op.drop_table("ingest_log")
    op.drop_table("article_bands")
    op.drop_table("articles")
    op.drop_table("sources")
