"""Stored watchlists, channels, alerts, deliveries, campaign messages and the digest log.

Every query of the watch area lives here (:mod:`minbar.watch` holds the rules). Alerts are
inserted with ``ON CONFLICT DO NOTHING`` on (watchlist, article) and (watchlist, key), so two
workers evaluating the same article, or a re-ingest, never produce a second alert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import func, insert, select, update

from minbar.store.repository import Store
from minbar.store.schema import (
    alerts,
    article_entities,
    article_sentences,
    article_vectors,
    articles,
    claim_matches,
    committees,
    sources,
    stories,
    story_articles,
    users,
    watch_channels,
    watchlists,
)
from minbar.text.dates import to_utc, utcnow

STAGE = "watch"


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
