"""Fact-check cases: cases, evidence, comments, verdicts, reviews, timeline, links,
the fact-check rows a published case became, in-app notifications and public tips.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _users() -> sa.ForeignKey:
    return sa.ForeignKey("users.id")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id"), nullable=False),
        sa.Column("claim", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("quote_id", sa.Integer, sa.ForeignKey("quotes.id")),
        sa.Column("sentence", sa.Text),
        sa.Column("origin_url", sa.Text),
        sa.Column("tip_id", sa.Integer),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("close_reason", sa.String(20)),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("assignee_id", sa.Integer, _users()),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("due", TZ),
        sa.Column("created_by", sa.Integer, _users()),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("published_at", TZ),
    )
    op.create_index("ix_cases_committee_status", "cases", ["committee_id", "status"])
    op.create_index("ix_cases_assignee", "cases", ["assignee_id"])
    op.create_index("ix_cases_article", "cases", ["article_id"])
    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("snapshot", sa.Text),
        sa.Column("snapshot_title", sa.Text),
        sa.Column("fetch_status", sa.String(10), nullable=False),
        sa.Column("fetch_error", sa.Text),
        sa.Column("fetched_at", TZ),
        sa.Column("added_by", sa.Integer, _users()),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_case_evidence_case", "case_evidence", ["case_id"])
    op.create_table(
        "case_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author_id", sa.Integer, _users()),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_case_comments_case", "case_comments", ["case_id"])
    op.create_table(
        "case_verdicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("rating", sa.String(14), nullable=False),
        sa.Column("summaries", sa.Text, nullable=False),
        sa.Column("author_id", sa.Integer, _users()),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_case_verdicts_case", "case_verdicts", ["case_id"])
    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("verdict_id", sa.Integer, sa.ForeignKey("case_verdicts.id"), nullable=False),
        sa.Column("reviewer_id", sa.Integer, _users()),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_case_reviews_case", "case_reviews", ["case_id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("user_id", sa.Integer, _users()),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data", sa.Text),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id"])
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("other_case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("sentence", sa.Text),
        sa.Column("score", sa.Float),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_case_links_case", "case_links", ["case_id"])
    op.create_index("ux_case_links_article", "case_links", ["case_id", "article_id"], unique=True)
    op.create_table(
        "case_factchecks",
        sa.Column("factcheck_id", sa.Integer, sa.ForeignKey("factchecks.id"), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
    )
    op.create_index("ix_case_factchecks_case", "case_factchecks", ["case_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, _users(), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("read", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read"])
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("lang", sa.String(8)),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id")),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_tips_client_at", "tips", ["client_hash", "created_at"])
    op.create_index("ix_tips_committee_status", "tips", ["committee_id", "status"])


def downgrade() -> None:
    for name in (
        "tips",
        "notifications",
        "case_factchecks",
        "case_links",
        "case_events",
        "case_reviews",
        "case_verdicts",
        "case_comments",
        "case_evidence",
        "cases",
    ):
        op.drop_table(name)
