"""Reads for one article's page: its scored sentences and its story."""

from __future__ import annotations

from sqlalchemy import select

from minbar.store.schema import article_sentences, story_articles


def article_sentences_of(engine, article_id: int) -> list[dict]:
    """Every stored sentence with its check-worthiness score, in text order."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                article_sentences.c.idx,
                article_sentences.c.text,
                article_sentences.c.claim_score,
                article_sentences.c.checkworthy,
            )
            .where(article_sentences.c.article_id == article_id)
            .order_by(article_sentences.c.idx)
        ).all()
    return [
        {"idx": r.idx, "text": r.text, "score": r.claim_score, "checkworthy": bool(r.checkworthy)}
        for r in rows
    ]


def story_of(engine, article_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
        ).scalar()


def story_brief(engine, story_id: int) -> dict | None:
    """The few fields an article page shows of its story (no members, no aggregates)."""
    from minbar.store.schema import stories

    with engine.connect() as conn:
        row = conn.execute(
            select(
                stories.c.id,
                stories.c.title,
                stories.c.article_count,
                stories.c.first_article_id,
                stories.c.first_published,
                stories.c.status,
                stories.c.parent_id,
            ).where(stories.c.id == story_id)
        ).first()
    return dict(row._mapping) if row is not None else None
