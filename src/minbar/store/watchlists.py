"""Stored watchlists, channels, alerts, deliveries, campaign messages and the digest log.

Every query of the watch area lives here (:mod:`minbar.watch` holds the rules). Alerts are
inserted with ``ON CONFLICT DO NOTHING`` on (watchlist, article) and (watchlist, key), so two
workers evaluating the same article, or a re-ingest, never produce a second alert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select, update

from minbar.store.repository import Store
from minbar.store.schema import (
    alerts,
    article_entities,
    article_sentences,
    article_vectors,
    articles,
    campaign_messages,
    campaign_pickups,
    claim_matches,
    committees,
    deliveries,
    delivery_alerts,
    digests,
    sources,
    stories,
    story_articles,
    users,
    watch_channels,
    watchlists,
)
from minbar.text.dates import to_utc

STAGE = "watch"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(value) -> str | None:
    return to_utc(value).isoformat() if value else None


def _insert_ignore(store: Store, table):
    """``INSERT … ON CONFLICT DO NOTHING`` for the store's dialect."""
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


# --- committees ----------------------------------------------------------------------------


def committee_id(store: Store, slug_or_id: str | int) -> int | None:
    """A committee's id from its slug or id (None when there is none)."""
    with store.engine.connect() as conn:
        if isinstance(slug_or_id, int) or str(slug_or_id).isdigit():
            found = conn.execute(
                select(committees.c.id).where(committees.c.id == int(slug_or_id))
            ).scalar()
            if found is not None:
                return found
        return conn.execute(
            select(committees.c.id).where(committees.c.slug == str(slug_or_id))
        ).scalar()


def committee_slugs(store: Store, ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    with store.engine.connect() as conn:
        return dict(
            conn.execute(
                select(committees.c.id, committees.c.slug).where(committees.c.id.in_(ids))
            ).all()
        )


def all_committees(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [
            {"id": c.id, "slug": c.slug, "name": c.name, "names": json.loads(c.names or "{}")}
            for c in conn.execute(select(committees).order_by(committees.c.id))
        ]


def user_languages(store: Store, emails: Iterable[str]) -> dict[str, str]:
    """UI language of each known address (lower-cased)."""
    emails = [e.strip().lower() for e in emails if e.strip()]
    with store.engine.connect() as conn:
        stmt = select(users.c.email, users.c.lang).where(users.c.email.in_(emails))
        return {r[0]: r[1] for r in conn.execute(stmt)}


def committee_member_languages(store: Store, committee: int) -> list[tuple[str, str]]:
    from minbar.store.schema import memberships

    stmt = (
        select(users.c.email, users.c.lang)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.committee_id == committee, users.c.active.is_(True))
    )
    with store.engine.connect() as conn:
        return [(r.email, r.lang) for r in conn.execute(stmt)]


# --- watchlists ----------------------------------------------------------------------------


def add_watchlist(store: Store, row: dict, channels: Sequence[dict]) -> int:
    now = utcnow()
    values = {
        **row,
        "langs": json.dumps(row["langs"]) if row.get("langs") else None,
        "sources": json.dumps(row["sources"]) if row.get("sources") else None,
        "params": json.dumps(row.get("params") or {}, ensure_ascii=False),
        "active": True,
        "created_at": now,
    }
    with store.engine.begin() as conn:
        wid = conn.execute(insert(watchlists).values(**values)).inserted_primary_key[0]
        for ch in channels:
            conn.execute(
                insert(watch_channels).values(
                    watchlist_id=wid,
                    type=ch["type"],
                    url=ch.get("url"),
                    secret=ch.get("secret"),
                    to=ch.get("to"),
                    active=True,
                    created_at=now,
                )
            )
    return wid


def _watchlist_dict(r, chans: list[dict]) -> dict:
    return {
        "id": r.id,
        "committee_id": r.committee_id,
        "name": r.name,
        "kind": r.kind,
        "query": r.query,
        "langs": json.loads(r.langs) if r.langs else None,
        "sources": json.loads(r.sources) if r.sources else None,
        "params": json.loads(r.params or "{}"),
        "threshold": r.threshold,
        "active": bool(r.active),
        "created_by": r.created_by,
        "created": _iso(r.created_at),
        "channels": chans,
    }


def _channel_dict(c, with_secret: bool = False) -> dict:
    out = {"id": c.id, "type": c.type}
    if c.type == "webhook":
        out["url"] = c.url
        if with_secret:
            out["secret"] = c.secret
    elif c.type == "email":
        out["to"] = c.to
    return out


def list_watchlists(
    store: Store,
    committee_ids: Iterable[int] | None = None,
    ids: Iterable[int] | None = None,
    active_only: bool = False,
    kinds: Iterable[str] | None = None,
    with_vectors: bool = False,
) -> list[dict]:
    """Watchlists (with their channels) of these committees / ids; None = all."""
    stmt = select(watchlists).order_by(watchlists.c.id)
    if committee_ids is not None:
        stmt = stmt.where(watchlists.c.committee_id.in_(list(committee_ids)))
    if ids is not None:
        stmt = stmt.where(watchlists.c.id.in_(list(ids)))
    if active_only:
        stmt = stmt.where(watchlists.c.active.is_(True))
    if kinds is not None:
        stmt = stmt.where(watchlists.c.kind.in_(list(kinds)))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
        wids = [r.id for r in rows]
        chans: dict[int, list[dict]] = {}
        for c in conn.execute(
            select(watch_channels)
            .where(watch_channels.c.watchlist_id.in_(wids), watch_channels.c.active.is_(True))
            .order_by(watch_channels.c.id)
        ):
            chans.setdefault(c.watchlist_id, []).append(_channel_dict(c))
    out = []
    for r in rows:
        d = _watchlist_dict(r, chans.get(r.id, []))
        if with_vectors and r.vector is not None:
            d["vector"] = np.frombuffer(r.vector, dtype="<f4")
        out.append(d)
    return out


def set_watchlist_active(store: Store, wid: int, active: bool) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(watchlists).where(watchlists.c.id == wid).values(active=active))


# --- what evaluation reads -----------------------------------------------------------------


def articles_for_eval(store: Store, ids: Sequence[int]) -> list:
    """Rows with what every rule reads: keys, language, source, story."""
    stmt = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.text_norm,
            articles.c.text_stem,
            articles.c.lang,
            articles.c.source_id,
            articles.c.duplicate_of,
            articles.c.dup_kind,
            sources.c.name.label("source"),
            story_articles.c.story_id,
        )
        .select_from(
            articles.outerjoin(sources, sources.c.id == articles.c.source_id).outerjoin(
                story_articles, story_articles.c.article_id == articles.c.id
            )
        )
        .where(articles.c.id.in_(list(ids)))
        .order_by(articles.c.id)
    )
    with store.engine.connect() as conn:
        return conn.execute(stmt).all()


def entity_keys(store: Store, ids: Sequence[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    with store.engine.connect() as conn:
        for aid, key in conn.execute(
            select(article_entities.c.article_id, article_entities.c.key).where(
                article_entities.c.article_id.in_(list(ids))
            )
        ):
            out.setdefault(aid, set()).add(key)
    return out


def vectors_of(store: Store, ids: Sequence[int]) -> tuple[list[int], np.ndarray]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(article_vectors.c.article_id, article_vectors.c.vector).where(
                article_vectors.c.article_id.in_(list(ids))
            )
        ).all()
    if not rows:
        return [], np.zeros((0, 384), dtype=np.float32)
    return [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype="<f4") for r in rows])


def factcheck_matches(store: Store, ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """article id -> {fact-check id: matched sentence} from the auto-matcher."""
    out: dict[int, dict[int, str]] = {}
    with store.engine.connect() as conn:
        for aid, fid, sent in conn.execute(
            select(
                claim_matches.c.article_id, claim_matches.c.factcheck_id, claim_matches.c.sentence
            ).where(claim_matches.c.article_id.in_(list(ids)))
        ):
            out.setdefault(aid, {})[fid] = sent
    return out


def sentences_of(store: Store, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    with store.engine.connect() as conn:
        for aid, text in conn.execute(
            select(article_sentences.c.article_id, article_sentences.c.text)
            .where(article_sentences.c.article_id.in_(list(ids)))
            .order_by(article_sentences.c.article_id, article_sentences.c.idx)
        ):
            out.setdefault(aid, []).append(text)
    return out


def has_factchecks(store: Store) -> bool:
    from minbar.store.schema import factchecks

    with store.engine.connect() as conn:
        return conn.execute(select(factchecks.c.id).limit(1)).first() is not None


def pending_ids(store: Store, limit: int | None = None) -> list[int]:
    """Articles analysed (and so embedded) that watch evaluation has not seen yet."""
    from minbar.store import stages

    stmt = (
        select(articles.c.id)
        .where(articles.c.id.in_(stages.done("analysis")))
        .where(articles.c.id.not_in(stages.done(STAGE)))
        .order_by(articles.c.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


# --- alerts --------------------------------------------------------------------------------


def insert_alerts(store: Store, rows: Sequence[dict], done_ids: Sequence[int] = ()) -> int:
    """Insert alerts (duplicates silently dropped) and mark ``done_ids`` evaluated, in one
    transaction; returns how many alerts are new."""
    from minbar.store import stages

    now = utcnow()
    n = 0
    with store.engine.begin() as conn:
        values = [{"article_id": None, "story_id": None, "source_id": None, "score": None,
                   **row, "created_at": now} for row in rows]  # fmt: skip
        if values and store.dialect == "postgresql":
            # psycopg's executemany (pipelined, one prepared statement); a RETURNING batch would
            # be one huge query text that psycopg re-parses every time (0.5 s for 1,600 rows).
            # The new rows are the ones stamped with this call's ``now``.
            conn.execute(_insert_ignore(store, alerts), values)
            n = conn.execute(
                select(func.count()).select_from(alerts).where(alerts.c.created_at == now)
            ).scalar_one()
        elif values:
            # SQLite: one cached statement batched as "insertmanyvalues"; RETURNING yields only
            # the rows really inserted
            stmt = _insert_ignore(store, alerts).returning(alerts.c.id)
            n = len(conn.execute(stmt, values).all())
        stages.mark_done(conn, STAGE, done_ids)
    return n


def _alert_query():
    return select(
        alerts,
        articles.c.title,
        articles.c.url,
        articles.c.lang,
        watchlists.c.name.label("watchlist_name"),
        stories.c.title.label("story_title"),
        sources.c.name.label("source_name"),
    ).select_from(
        alerts.join(watchlists, watchlists.c.id == alerts.c.watchlist_id)
        .outerjoin(articles, articles.c.id == alerts.c.article_id)
        .outerjoin(stories, stories.c.id == alerts.c.story_id)
        .outerjoin(sources, sources.c.id == alerts.c.source_id)
    )


def alert_dict(r) -> dict:
    return {
        "id": r.id,
        "watchlist_id": r.watchlist_id,
        "article_id": r.article_id,
        "title": r.title if r.article_id else (r.story_title or r.source_name or ""),
        "url": r.url,
        "lang": r.lang,
        "reason": r.reason,
        "created": _iso(r.created_at),
        "story_id": r.story_id,
        "source_id": r.source_id,
        "read": r.read_at is not None,
        "watchlist": r.watchlist_name,
    }


def list_alerts(
    store: Store,
    committee_ids: Iterable[int] | None = None,
    watchlist: int | None = None,
    since: datetime | None = None,
    ids: Iterable[int] | None = None,
    unread_only: bool = False,
    limit: int = 200,
    until: datetime | None = None,
) -> list[dict]:
    stmt = _alert_query().order_by(alerts.c.created_at.desc(), alerts.c.id.desc()).limit(limit)
    if committee_ids is not None:
        stmt = stmt.where(alerts.c.committee_id.in_(list(committee_ids)))
    if watchlist is not None:
        stmt = stmt.where(alerts.c.watchlist_id == watchlist)
    if since is not None:
        stmt = stmt.where(alerts.c.created_at >= since)
    if until is not None:
        stmt = stmt.where(alerts.c.created_at < until)
    if ids is not None:
        stmt = stmt.where(alerts.c.id.in_(list(ids)))
    if unread_only:
        stmt = stmt.where(alerts.c.read_at.is_(None))
    with store.engine.connect() as conn:
        return [alert_dict(r) for r in conn.execute(stmt)]


def alert_committees(store: Store, ids: Iterable[int]) -> dict[int, int]:
    with store.engine.connect() as conn:
        stmt = select(alerts.c.id, alerts.c.committee_id).where(alerts.c.id.in_(list(ids)))
        return {r[0]: r[1] for r in conn.execute(stmt)}


def mark_read(store: Store, ids: Iterable[int]) -> int:
    with store.engine.begin() as conn:
        return (
            conn.execute(
                update(alerts)
                .where(alerts.c.id.in_(list(ids)), alerts.c.read_at.is_(None))
                .values(read_at=utcnow())
            ).rowcount
            or 0
        )


def unread_count(store: Store, committee_ids: Iterable[int] | None) -> int:
    stmt = select(func.count()).select_from(alerts).where(alerts.c.read_at.is_(None))
    if committee_ids is not None:
        stmt = stmt.where(alerts.c.committee_id.in_(list(committee_ids)))
    with store.engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


# --- story velocity and source silence ------------------------------------------------------


def story_growth(store: Store, since: datetime) -> list:
    """(story id, articles joined since, languages among them, title) of growing stories."""
    stmt = (
        select(
            story_articles.c.story_id,
            func.count().label("n"),
            func.count(func.distinct(articles.c.lang)).label("langs"),
            stories.c.title,
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .join(stories, stories.c.id == story_articles.c.story_id)
        .where(story_articles.c.joined_at >= since)
        .group_by(story_articles.c.story_id, stories.c.title)
    )
    with store.engine.connect() as conn:
        return conn.execute(stmt).all()


def source_activity(store: Store, per_source: int = 30) -> list[dict]:
    """Per active source: its poll interval and the fetch times of its latest articles."""
    out = []
    with store.engine.connect() as conn:
        srcs = conn.execute(
            select(sources.c.id, sources.c.name, sources.c.every_seconds).where(
                sources.c.active.is_(True)
            )
        ).all()
        for s in srcs:
            times = conn.execute(
                select(articles.c.fetched_at)
                .where(articles.c.source_id == s.id)
                .order_by(articles.c.fetched_at.desc())
                .limit(per_source)
            ).scalars()
            out.append(
                {
                    "id": s.id,
                    "name": s.name,
                    "every": s.every_seconds,
                    "times": [to_utc(t) for t in times],
                }
            )
    return out


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


def claim_matches_since(store: Store, factcheck_ids: Iterable[int], since: datetime) -> list:
    """Auto-matcher links to these fact-checks made since ``since`` (article, fact-check,
    sentence, article language and source, story)."""
    stmt = (
        select(
            claim_matches.c.article_id,
            claim_matches.c.factcheck_id,
            claim_matches.c.sentence,
            articles.c.lang,
            articles.c.source_id,
            sources.c.name.label("source"),
            story_articles.c.story_id,
        )
        .join(articles, articles.c.id == claim_matches.c.article_id)
        .outerjoin(sources, sources.c.id == articles.c.source_id)
        .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
        .where(
            claim_matches.c.factcheck_id.in_(list(factcheck_ids)),
            claim_matches.c.matched_at >= since,
        )
    )
    with store.engine.connect() as conn:
        return conn.execute(stmt).all()


def volume_by_lang(store: Store, since: datetime, until: datetime) -> dict[str, int]:
    stmt = (
        select(articles.c.lang, func.count())
        .where(articles.c.fetched_at >= since, articles.c.fetched_at < until)
        .group_by(articles.c.lang)
    )
    with store.engine.connect() as conn:
        return {str(k or "?"): v for k, v in conn.execute(stmt)}


def delete_watchlist_alerts(store: Store, wid: int) -> None:
    """Test and maintenance helper: forget a watchlist's deliveries and alerts."""
    with store.engine.begin() as conn:
        ids = select(alerts.c.id).where(alerts.c.watchlist_id == wid)
        conn.execute(delete(delivery_alerts).where(delivery_alerts.c.alert_id.in_(ids)))
        conn.execute(delete(alerts).where(alerts.c.watchlist_id == wid))
