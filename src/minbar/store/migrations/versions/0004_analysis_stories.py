"""Analysis results (sentences with check-worthiness, entities, quotes) and stories.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "article_sentences",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("claim_score", sa.Float, nullable=False),
        sa.Column("checkworthy", sa.Boolean, nullable=False),
    )
    op.create_table(
        "entity_defs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(250), nullable=False, unique=True),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),  # JSON list
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("mention", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_article_entities_key", "article_entities", ["key"])
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("sentence_idx", sa.Integer, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("speaker_key", sa.String(250)),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("lang", sa.String(8)),
    )
    op.create_index("ix_quotes_article", "quotes", ["article_id"])
    op.create_index("ix_quotes_speaker_key", "quotes", ["speaker_key"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("titles", sa.Text, nullable=False),  # JSON {lang: title}
        sa.Column("languages", sa.Text, nullable=False),  # JSON list
        sa.Column("first_article_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("first_published", TZ),
        sa.Column("last_published", TZ),
        sa.Column("article_count", sa.Integer, nullable=False),
        sa.Column("centroid", sa.LargeBinary),
        sa.Column("entities", sa.Text),  # JSON {key: count}
        sa.Column("status", sa.String(10), nullable=False),  # open | closed | merged
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("stories.id")),  # developing story
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_stories_last_published", "stories", ["last_published"])
    op.create_index("ix_stories_status", "stories", ["status"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("similarity", sa.Float),
        sa.Column("joined_at", TZ, nullable=False),
    )
    op.create_index("ix_story_articles_story", "story_articles", ["story_id"])


def downgrade() -> None:
    for name in (
        "story_articles",
        "stories",
        "quotes",
        "article_entities",
        "entity_defs",
        "article_sentences",
    ):
        op.drop_table(name)
