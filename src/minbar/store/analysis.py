"""Stored analysis: sentences with check-worthiness, entities per article, quotes, and the
user-defined entities (``minbar entities import``).

Writes replace an article's earlier rows in the same transaction, so re-running the stage is
idempotent and a failure leaves the previous result whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from minbar.store import stages
from minbar.store.repository import Store
from minbar.store.schema import (
    article_entities,
    article_sentences,
    articles,
    entity_defs,
    quotes,
)


def write_analyses(conn: Connection, items: Sequence[tuple[int, Any]]) -> None:
    """Replace the stored analysis of each ``(article_id, analysis)`` (an
    ``analysis.analyze.Analysis``: sentences, scores, checkworthy, entities, quotes,
    speaker_keys, lang)."""
    ids = [aid for aid, _ in items]
    for table in (article_sentences, article_entities, quotes):
        conn.execute(delete(table).where(table.c.article_id.in_(ids)))
    sent_rows, ent_rows, quote_rows = [], [], []
    for aid, a in items:
        sent_rows += [
            {
                "article_id": aid,
                "idx": i,
                "text": s,
                "claim_score": float(sc),
                "checkworthy": bool(cw),
            }
            for i, (s, sc, cw) in enumerate(zip(a.sentences, a.scores, a.checkworthy, strict=True))
        ]
        by_key: dict[str, dict] = {}
        for e in a.entities:
            row = by_key.setdefault(
                e.key,
                {
                    "article_id": aid,
                    "key": e.key,
                    "canonical": e.canonical,
                    "type": e.type,
                    "mention": e.text,
                    "count": 0,
                },
            )
            row["count"] += 1
        ent_rows += by_key.values()
        quote_rows += [
            {
                "article_id": aid,
                "sentence_idx": q.sentence_index,
                "speaker": q.speaker,
                "speaker_key": key,
                "quote": q.quote,
                "kind": q.kind,
                "lang": a.lang,
            }
            for q, key in zip(a.quotes, a.speaker_keys, strict=True)
        ]
    for table, rows in (
        (article_sentences, sent_rows),
        (article_entities, ent_rows),
        (quotes, quote_rows),
    ):
        if rows:
            conn.execute(insert(table), rows)


def article_texts(store: Store, ids: Sequence[int]) -> list:
    """``(id, title, text, lang)`` rows of ``ids``, in id order."""
    with store.engine.connect() as conn:
        return conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text, articles.c.lang)
            .where(articles.c.id.in_(list(ids)))
            .order_by(articles.c.id)
        ).all()


def save_analyses(store: Store, items: Sequence[tuple[int, Any]], stage: str) -> None:
    """Store a batch's analyses and mark ``stage`` done for them, in one transaction."""
    with store.engine.begin() as conn:
        write_analyses(conn, items)
        stages.mark_done(conn, stage, [aid for aid, _ in items])


def find_quotes(
    store: Store,
    article_id: int | None = None,
    speaker: str | None = None,
    limit: int = 1000,
    speaker_keys: Sequence[str] = (),
) -> list[dict]:
    """Stored quotes, newest articles first. ``speaker`` matches the speaker as written
    (case-insensitive substring) or, through ``speaker_keys``, the canonical entities the caller
    resolved it to (``analysis.records.list_quotes`` does)."""
    stmt = (
        select(
            quotes.c.article_id,
            quotes.c.speaker,
            quotes.c.speaker_key,
            quotes.c.quote,
            quotes.c.kind,
            quotes.c.lang,
            articles.c.url,
            articles.c.published,
        )
        .join(articles, articles.c.id == quotes.c.article_id)
        .order_by(articles.c.published.desc(), quotes.c.article_id.desc(), quotes.c.id)
        .limit(limit)
    )
    if article_id is not None:
        stmt = stmt.where(quotes.c.article_id == article_id)
    if speaker:
        clause = func.lower(quotes.c.speaker).like(f"%{speaker.strip().lower()}%")
        if speaker_keys:
            clause = clause | quotes.c.speaker_key.in_(list(speaker_keys))
        stmt = stmt.where(clause)
    with store.engine.connect() as conn:
        return [
            {
                "article_id": r.article_id,
                "speaker": r.speaker,
                "quote": r.quote,
                "kind": r.kind,
                "lang": r.lang,
                "speaker_entity": r.speaker_key,
                "url": r.url,
            }
            for r in conn.execute(stmt).all()
        ]


def upsert_entity_defs(
    store: Store, defs: Iterable[tuple[str, str, str, list[str]]], reopen_stage: str | None = None
) -> dict:
    """Insert or update user-defined entities given as ``(key, type, canonical, aliases)``; when
    any changed, re-open ``reopen_stage`` for every article in the same transaction."""
    added = updated = 0
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        for key, type_, canonical, aliases in defs:
            row = {"canonical": canonical, "type": type_, "aliases": json.dumps(aliases)}
            found = conn.execute(select(entity_defs.c.id).where(entity_defs.c.key == key)).first()
            if found:
                conn.execute(update(entity_defs).where(entity_defs.c.id == found.id).values(row))
                updated += 1
            else:
                conn.execute(insert(entity_defs).values(key=key, created_at=now, **row))
                added += 1
        if (added or updated) and reopen_stage:
            stages.reopen(conn, reopen_stage)
    return {"added": added, "updated": updated}


def entity_def_rows(store: Store) -> list[tuple[str, str, list[str]]]:
    """User-defined entities as ``(canonical, type, aliases)``, in the order they were added."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(entity_defs).order_by(entity_defs.c.id)).all()
    return [(r.canonical, r.type, json.loads(r.aliases)) for r in rows]


def top_entities(store: Store, article_ids: Sequence[int] | None = None, limit: int = 20):
    """Most mentioned entities (by number of articles) over ``article_ids`` or the whole store."""
    n = func.count(article_entities.c.article_id).label("articles")
    stmt = (
        select(
            article_entities.c.key,
            article_entities.c.type,
            func.min(article_entities.c.canonical),
            n,
        )
        .group_by(article_entities.c.key, article_entities.c.type)
        .order_by(n.desc(), article_entities.c.key)
        .limit(limit)
    )
    if article_ids is not None:
        stmt = stmt.where(article_entities.c.article_id.in_(list(article_ids)))
    with store.engine.connect() as conn:
        return [
            {"key": r[0], "type": r[1], "canonical": r[2], "articles": r[3]}
            for r in conn.execute(stmt).all()
        ]
