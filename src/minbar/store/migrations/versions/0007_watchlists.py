"""Watchlists, channels, alerts, deliveries, campaign key messages and pickups, digest log.

``alerts`` is unique per (watchlist, article) and per (watchlist, key): re-ingest or re-running
evaluation never creates a second alert. ``delivery_alerts`` is keyed by (channel, alert), so an
alert is put in at most one message per channel.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

TABLES = (
    "digests",
    "campaign_pickups",
    "campaign_messages",
    "delivery_alerts",
    "deliveries",
    "alerts",
    "watch_channels",
    "watchlists",
)


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("langs", sa.Text),
        sa.Column("sources", sa.Text),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("threshold", sa.Float),
        sa.Column("vector", sa.LargeBinary),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_watchlists_committee", "watchlists", ["committee_id"])
    op.create_table(
        "watch_channels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watchlist_id", sa.Integer, sa.ForeignKey("watchlists.id"), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("secret", sa.Text),
        sa.Column("to", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_watch_channels_watchlist", "watch_channels", ["watchlist_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watchlist_id", sa.Integer, sa.ForeignKey("watchlists.id"), nullable=False),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id"), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id")),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("read_at", TZ),
        sa.UniqueConstraint("watchlist_id", "article_id", name="uq_alerts_watchlist_article"),
        sa.UniqueConstraint("watchlist_id", "key", name="uq_alerts_watchlist_key"),
    )
    op.create_index("ix_alerts_committee_created", "alerts", ["committee_id", "created_at"])
    op.create_index("ix_alerts_created", "alerts", ["created_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel_id", sa.Integer, sa.ForeignKey("watch_channels.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(64), unique=True, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("locked_until", TZ),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
    )
    op.create_index("ix_deliveries_status_next", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_alerts",
        sa.Column("channel_id", sa.Integer, sa.ForeignKey("watch_channels.id"), primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), primary_key=True),
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), nullable=False),
    )
    op.create_index("ix_delivery_alerts_delivery", "delivery_alerts", ["delivery_id"])
    op.create_table(
        "campaign_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id"), nullable=False),
        sa.Column("campaign", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("shingles", sa.Text, nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_campaign_messages_committee", "campaign_messages", ["committee_id"])
    op.create_table(
        "campaign_pickups",
        sa.Column(
            "message_id", sa.Integer, sa.ForeignKey("campaign_messages.id"), primary_key=True
        ),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("sentence", sa.Text),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("overlap", sa.Float, nullable=False),
        sa.Column("band", sa.String(12), nullable=False),
        sa.Column("found_at", TZ, nullable=False),
    )
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee_id", sa.Integer, sa.ForeignKey("committees.id"), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("start", TZ, nullable=False),
        sa.Column("end", TZ, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("alerts", sa.Integer, nullable=False),
        sa.Column("sent_to", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_digests_committee", "digests", ["committee_id", "created_at"])


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
