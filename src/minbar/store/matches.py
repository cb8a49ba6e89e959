"""Stored claim matches (``claim_matches``): the auto-matching stage's reads and writes, and the
listing behind ``minbar matches``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from minbar.store import stages
from minbar.store.repository import Store
from minbar.store.schema import article_sentences, articles, claim_matches, factchecks


def has_factchecks(store: Store) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(factchecks.c.id).limit(1)).first() is not None


def reopen(store: Store, stage: str) -> None:
    """Every article must go through ``stage`` again."""
    with store.engine.begin() as conn:
        stages.reopen(conn, stage)


def articles_with_sentences(store: Store, ids: Sequence[int]) -> tuple[list, dict[int, list]]:
    """Rows ``(id, title, text, lang)`` of ``ids`` and, per article the analysis stage has run
    on, its stored sentences ``(text, checkworthy)`` in order."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text, articles.c.lang).where(
                articles.c.id.in_(list(ids))
            )
        ).all()
        stored: dict[int, list] = {}
        for r in conn.execute(
            select(
                article_sentences.c.article_id,
                article_sentences.c.text,
                article_sentences.c.checkworthy,
            )
            .where(article_sentences.c.article_id.in_([r.id for r in rows]))
            .order_by(article_sentences.c.article_id, article_sentences.c.idx)
        ):
            stored.setdefault(r.article_id, []).append((r.text, bool(r.checkworthy)))
    return rows, stored


def replace_matches(
    store: Store,
    article_ids: Sequence[int],
    found: Sequence[tuple[int, str, int, float]],
    stage: str,
) -> None:
    """Replace the matches of ``article_ids`` with ``found`` = ``(article_id, sentence,
    factcheck_id, score)`` and mark ``stage`` done for them, in one transaction."""
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(delete(claim_matches).where(claim_matches.c.article_id.in_(list(article_ids))))
        if found:
            conn.execute(
                insert(claim_matches),
                [
                    {
                        "article_id": aid,
                        "sentence": sent,
                        "factcheck_id": fid,
                        "score": score,
                        "matched_at": now,
                    }
                    for aid, sent, fid, score in found
                ],
            )
        stages.mark_done(conn, stage, article_ids)


def list_matches(store: Store, article_id: int | None = None) -> list[dict]:
    """Article claims with their matched fact-checks (what ``minbar matches`` prints)."""
    stmt = (
        select(
            claim_matches.c.article_id,
            articles.c.url.label("article_url"),
            articles.c.lang.label("article_lang"),
            claim_matches.c.sentence,
            claim_matches.c.score,
            factchecks.c.id.label("factcheck_id"),
            factchecks.c.claim,
            factchecks.c.rating_name,
            factchecks.c.verdict,
            factchecks.c.url,
            factchecks.c.lang,
        )
        .join(articles, articles.c.id == claim_matches.c.article_id)
        .join(factchecks, factchecks.c.id == claim_matches.c.factcheck_id)
        .order_by(claim_matches.c.article_id, claim_matches.c.id)
    )
    if article_id is not None:
        stmt = stmt.where(claim_matches.c.article_id == article_id)
    grouped: dict[tuple[int, str], dict] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(stmt).all():
            item = grouped.setdefault(
                (r.article_id, r.sentence),
                {
                    "article_id": r.article_id,
                    "article_url": r.article_url,
                    "lang": r.article_lang,
                    "claim": r.sentence,
                    "matches": [],
                },
            )
            item["matches"].append(
                {
                    "factcheck_id": r.factcheck_id,
                    "claim": r.claim,
                    "rating": r.rating_name or r.verdict,
                    "verdict": r.verdict,
                    "url": r.url,
                    "lang": r.lang,
                    "score": round(r.score, 4),
                }
            )
    return list(grouped.values())
