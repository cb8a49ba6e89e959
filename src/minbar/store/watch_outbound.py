"""Stored deliveries (webhook / e-mail messages and their alerts), campaign key messages and
pickups, and the reads behind digests. Split from :mod:`minbar.store.watchlists` (watchlists,
evaluation reads, alerts) to keep modules small; the same rules apply."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import and_, func, insert, or_, select, update

from minbar.store.repository import Store
from minbar.store.schema import (
    alerts,
    articles,
    campaign_messages,
    campaign_pickups,
    claim_matches,
    deliveries,
    delivery_alerts,
    digests,
    sources,
    stories,
    story_articles,
    watch_channels,
    watchlists,
)
from minbar.store.watchlists import _channel_dict, _insert_ignore, _iso, utcnow
from minbar.text.dates import to_utc

# --- deliveries ----------------------------------------------------------------------------


def channels_with_backlog(store: Store) -> list[dict]:
    """Active webhook/email channels that have alerts not yet put in a delivery, with the
    time of the oldest such alert."""
    sent = select(delivery_alerts.c.alert_id).where(
        delivery_alerts.c.channel_id == watch_channels.c.id
    )
    stmt = (
        select(
            watch_channels,
            watchlists.c.name.label("watchlist_name"),
            watchlists.c.committee_id,
            func.min(alerts.c.created_at).label("oldest"),
            func.count(alerts.c.id).label("n"),
        )
        .join(watchlists, watchlists.c.id == watch_channels.c.watchlist_id)
        .join(alerts, alerts.c.watchlist_id == watchlists.c.id)
        .where(
            watch_channels.c.active.is_(True),
            watch_channels.c.type.in_(("webhook", "email")),
            alerts.c.created_at >= watch_channels.c.created_at,
            ~alerts.c.id.in_(sent),
        )
        .group_by(*watch_channels.c, watchlists.c.name, watchlists.c.committee_id)
    )
    with store.engine.connect() as conn:
        return [
            {**_channel_dict(r, with_secret=True), "watchlist_id": r.watchlist_id,
             "watchlist_name": r.watchlist_name, "committee_id": r.committee_id,
             "oldest": to_utc(r.oldest), "n": r.n}
            for r in conn.execute(stmt)
        ]  # fmt: skip


def undelivered_alert_ids(store: Store, channel: dict, limit: int = 100) -> list[int]:
    sent = select(delivery_alerts.c.alert_id).where(delivery_alerts.c.channel_id == channel["id"])
    with store.engine.connect() as conn:
        created = conn.execute(
            select(watch_channels.c.created_at).where(watch_channels.c.id == channel["id"])
        ).scalar_one()
        return list(
            conn.execute(
                select(alerts.c.id)
                .where(
                    alerts.c.watchlist_id == channel["watchlist_id"],
                    alerts.c.created_at >= created,
                    alerts.c.id.not_in(sent),
                )
                .order_by(alerts.c.id)
                .limit(limit)
            ).scalars()
        )


def create_delivery(
    store: Store, channel_id: int, alert_ids: Sequence[int], key: str, due: datetime
) -> int | None:
    """One delivery carrying ``alert_ids``, due at ``due``; None when another worker took them
    first."""
    now = utcnow()
    try:
        with store.engine.begin() as conn:
            did = conn.execute(
                insert(deliveries).values(
                    channel_id=channel_id,
                    idempotency_key=key,
                    status="pending",
                    attempts=0,
                    next_attempt_at=due,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(delivery_alerts),
                [{"channel_id": channel_id, "alert_id": a, "delivery_id": did} for a in alert_ids],
            )
        return did
    except Exception as exc:  # a unique violation: a concurrent worker batched them
        if "unique" in str(exc).lower() or "duplicate" in str(exc).lower():
            return None
        raise


def claim_due(store: Store, now: datetime, lease: timedelta, limit: int = 50) -> list[dict]:
    """Pending deliveries whose time has come, each leased to this caller (a crashed worker's
    lease runs out, so its deliveries are taken up again)."""
    with store.engine.connect() as conn:
        cand = conn.execute(
            select(deliveries.c.id)
            .where(
                deliveries.c.status == "pending",
                deliveries.c.next_attempt_at <= now,
                or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until < now),
            )
            .order_by(deliveries.c.next_attempt_at)
            .limit(limit)
        ).scalars()
        cand = list(cand)
    claimed = []
    for did in cand:
        with store.engine.begin() as conn:
            res = conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == did,
                    deliveries.c.status == "pending",
                    or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until < now),
                )
                .values(locked_until=now + lease)
            )
            if res.rowcount == 1:
                claimed.append(did)
    return [delivery(store, d) for d in claimed]


def delivery(store: Store, did: int) -> dict:
    with store.engine.connect() as conn:
        d = conn.execute(
            select(
                deliveries,
                watch_channels.c.type,
                watch_channels.c.url,
                watch_channels.c.secret,
                watch_channels.c.to,
                watch_channels.c.watchlist_id,
                watchlists.c.name.label("watchlist_name"),
                watchlists.c.committee_id,
            )
            .join(watch_channels, watch_channels.c.id == deliveries.c.channel_id)
            .join(watchlists, watchlists.c.id == watch_channels.c.watchlist_id)
            .where(deliveries.c.id == did)
        ).one()
        alert_ids = list(
            conn.execute(
                select(delivery_alerts.c.alert_id)
                .where(delivery_alerts.c.delivery_id == did)
                .order_by(delivery_alerts.c.alert_id)
            ).scalars()
        )
    return {**d._mapping, "alert_ids": alert_ids}


def finish_delivery(
    store: Store, did: int, ok: bool, error: str | None, next_at: datetime | None, give_up: bool
) -> None:
    now = utcnow()
    values: dict = {"attempts": deliveries.c.attempts + 1, "locked_until": None}
    if ok:
        values.update(status="sent", sent_at=now, last_error=None)
    else:
        values.update(
            status="failed" if give_up else "pending",
            last_error=(error or "")[:2000],
            next_attempt_at=next_at or now,
        )
    with store.engine.begin() as conn:
        conn.execute(update(deliveries).where(deliveries.c.id == did).values(**values))


def list_deliveries(store: Store, watchlist_ids: Iterable[int], limit: int = 100) -> list[dict]:
    n_alerts = (
        select(func.count())
        .where(delivery_alerts.c.delivery_id == deliveries.c.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            deliveries, watch_channels.c.type, watch_channels.c.watchlist_id, n_alerts.label("n")
        )
        .join(watch_channels, watch_channels.c.id == deliveries.c.channel_id)
        .where(watch_channels.c.watchlist_id.in_(list(watchlist_ids)))
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [
            {
                "id": r.id,
                "watchlist_id": r.watchlist_id,
                "channel": r.type,
                "status": r.status,
                "attempts": r.attempts,
                "alerts": r.n,
                "next_attempt": _iso(r.next_attempt_at) if r.status == "pending" else None,
                "last_error": r.last_error,
                "created": _iso(r.created_at),
                "sent": _iso(r.sent_at),
            }
            for r in conn.execute(stmt)
        ]


# --- campaigns -----------------------------------------------------------------------------


def add_campaign_message(store: Store, row: dict) -> int:
    with store.engine.begin() as conn:
        return conn.execute(
            insert(campaign_messages).values(created_at=utcnow(), **row)
        ).inserted_primary_key[0]


def campaign_messages_of(store: Store, committee_ids: Iterable[int] | None = None) -> list[dict]:
    stmt = select(campaign_messages).order_by(campaign_messages.c.id)
    if committee_ids is not None:
        stmt = stmt.where(campaign_messages.c.committee_id.in_(list(committee_ids)))
    with store.engine.connect() as conn:
        return [
            {
                "id": r.id,
                "committee_id": r.committee_id,
                "campaign": r.campaign,
                "text": r.text,
                "lang": r.lang,
                "vector": np.frombuffer(r.vector, dtype="<f4"),
                "shingles": set(json.loads(r.shingles)),
                "created": _iso(r.created_at),
            }
            for r in conn.execute(stmt)
        ]


def insert_pickups(store: Store, rows: Sequence[dict]) -> int:
    if not rows:
        return 0
    n = 0
    now = utcnow()
    with store.engine.begin() as conn:
        stmt = _insert_ignore(store, campaign_pickups).returning(campaign_pickups.c.message_id)
        n = len(conn.execute(stmt, [{**row, "found_at": now} for row in rows]).all())
    return n


def pickups(store: Store, message_ids: Sequence[int]) -> list[dict]:
    stmt = (
        select(
            campaign_pickups,
            articles.c.title,
            articles.c.url,
            articles.c.lang,
            articles.c.published,
            sources.c.name.label("source"),
        )
        .join(articles, articles.c.id == campaign_pickups.c.article_id)
        .outerjoin(sources, sources.c.id == articles.c.source_id)
        .where(campaign_pickups.c.message_id.in_(list(message_ids)))
        .order_by(articles.c.published, articles.c.id)
    )
    with store.engine.connect() as conn:
        return [
            {
                "message_id": r.message_id,
                "article_id": r.article_id,
                "title": r.title,
                "url": r.url,
                "lang": r.lang,
                "source": r.source,
                "published": _iso(r.published),
                "band": r.band,
                "similarity": round(r.similarity, 4),
                "overlap": round(r.overlap, 4),
                "sentence": r.sentence,
            }
            for r in conn.execute(stmt)
        ]


def article_ids_since(store: Store, since: datetime) -> list[int]:
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                select(articles.c.id).where(articles.c.fetched_at >= since).order_by(articles.c.id)
            ).scalars()
        )


# --- digests -------------------------------------------------------------------------------


def log_digest(store: Store, row: dict) -> int:
    with store.engine.begin() as conn:
        return conn.execute(
            insert(digests).values(created_at=utcnow(), **row)
        ).inserted_primary_key[0]


def last_digest(store: Store, committee: int, period: str) -> datetime | None:
    with store.engine.connect() as conn:
        v = conn.execute(
            select(func.max(digests.c.end)).where(
                and_(digests.c.committee_id == committee, digests.c.period == period)
            )
        ).scalar()
    return to_utc(v) if v else None


def top_stories(store: Store, since: datetime, until: datetime, limit: int = 10) -> list[dict]:
    stmt = (
        select(
            stories.c.id,
            stories.c.title,
            stories.c.languages,
            func.count(story_articles.c.article_id).label("n"),
        )
        .join(story_articles, story_articles.c.story_id == stories.c.id)
        .where(story_articles.c.joined_at >= since, story_articles.c.joined_at < until)
        .group_by(stories.c.id, stories.c.title, stories.c.languages)
        .order_by(func.count(story_articles.c.article_id).desc(), stories.c.id)
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [
            {"id": r.id, "title": r.title, "languages": json.loads(r.languages), "articles": r.n}
            for r in conn.execute(stmt)
        ]


def new_claim_matches(store: Store, since: datetime, until: datetime, limit: int = 20) -> list:
    from minbar.store.schema import factchecks

    stmt = (
        select(
            claim_matches.c.sentence,
            claim_matches.c.score,
            factchecks.c.claim,
            factchecks.c.verdict,
            factchecks.c.url.label("factcheck_url"),
            articles.c.url,
            articles.c.lang,
        )
        .join(factchecks, factchecks.c.id == claim_matches.c.factcheck_id)
        .join(articles, articles.c.id == claim_matches.c.article_id)
        .where(claim_matches.c.matched_at >= since, claim_matches.c.matched_at < until)
        .order_by(claim_matches.c.score.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def case_activity(store: Store, committee: int, since: datetime, until: datetime) -> list[dict]:
    """The committee's cases that moved in the period: id, claim, status, events in period."""
    from minbar.store.schema import case_events, cases

    stmt = (
        select(cases.c.id, cases.c.claim, cases.c.status, func.count(case_events.c.id).label("n"))
        .join(case_events, case_events.c.case_id == cases.c.id)
        .where(
            cases.c.committee_id == committee,
            case_events.c.at >= since,
            case_events.c.at < until,
        )
        .group_by(cases.c.id, cases.c.claim, cases.c.status)
        .order_by(func.count(case_events.c.id).desc(), cases.c.id)
        .limit(30)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def volume_by_lang(store: Store, since: datetime, until: datetime) -> dict[str, int]:
    stmt = (
        select(articles.c.lang, func.count())
        .where(articles.c.fetched_at >= since, articles.c.fetched_at < until)
        .group_by(articles.c.lang)
    )
    with store.engine.connect() as conn:
        return {str(k or "?"): v for k, v in conn.execute(stmt)}
