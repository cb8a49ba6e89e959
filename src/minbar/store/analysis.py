"""Stored analysis: sentences with check-worthiness, entities per article, quotes, and the
user-defined entities (``minbar entities import``).

Writes replace an article's earlier rows in the same transaction, so re-running the stage is
idempotent and a failure leaves the previous result whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, insert, select, update

from minbar.analysis.gazetteer import entity_key
from minbar.store.repository import Store
from minbar.store.schema import (
    article_entities,
    article_sentences,
    articles,
    entity_defs,
    quotes,
)

if TYPE_CHECKING:
    from minbar.analysis.analyze import Analysis
    from minbar.analysis.entities import EntityDef


def write_analyses(conn: Connection, items: Sequence[tuple[int, Analysis]]) -> None:
    """Replace the stored analysis of each ``(article_id, analysis)``."""
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


def list_quotes(
    store: Store, article_id: int | None = None, speaker: str | None = None, limit: int = 1000
) -> list[dict]:
    """Stored quotes (``minbar quotes``), newest articles first. ``speaker`` matches the speaker
    as written or the canonical entity it resolved to, in any script the recogniser knows."""
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
        stmt = stmt.where(_speaker_clause(store, speaker))
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


def _speaker_clause(store: Store, speaker: str):
    from minbar.analysis.entities import get_recognizer

    keys = []
    found = get_recognizer(tuple(load_entity_defs(store))).resolve(speaker, None)
    if found:
        keys.append(found.key)
    needle = f"%{speaker.strip().lower()}%"
    clause = func.lower(quotes.c.speaker).like(needle)
    return clause | quotes.c.speaker_key.in_(keys) if keys else clause


def save_entity_defs(store: Store, defs: Iterable[EntityDef]) -> dict:
    """Insert or update user-defined entities (keyed by type and canonical name); re-opens the
    analysis of every article so old coverage is tagged with the new entities."""
    from minbar.analysis.enrich import reopen_analysis

    added = updated = 0
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        for d in defs:
            key = entity_key(d.type, d.canonical)
            row = {"canonical": d.canonical, "type": d.type, "aliases": json.dumps(d.aliases)}
            found = conn.execute(select(entity_defs.c.id).where(entity_defs.c.key == key)).first()
            if found:
                conn.execute(update(entity_defs).where(entity_defs.c.id == found.id).values(row))
                updated += 1
            else:
                conn.execute(insert(entity_defs).values(key=key, created_at=now, **row))
                added += 1
        if added or updated:
            reopen_analysis(conn)
    return {"added": added, "updated": updated}


def load_entity_defs(store: Store) -> list[EntityDef]:
    from minbar.analysis.entities import EntityDef

    with store.engine.connect() as conn:
        rows = conn.execute(select(entity_defs).order_by(entity_defs.c.id)).all()
    return [EntityDef(r.canonical, r.type, json.loads(r.aliases)) for r in rows]


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
