"""What cases read of the monitored articles (first appearance, check-worthy sentences,
auto-matches) and the fact-check rows a published case becomes."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from minbar.store import search as fts
from minbar.store.cases import iso
from minbar.store.factchecks import dedup_key
from minbar.store.schema import (
    article_sentences,
    articles,
    case_factchecks,
    cases,
    claim_matches,
    factchecks,
    quotes,
    stories,
    story_articles,
)
from minbar.text.dates import aware, utcnow
from minbar.text.normalize import search_key, stem_key

# --- articles the cases refer to ------------------------------------------------------------------


def quote_article(conn: Connection, quote_id: int) -> int | None:
    """The article a stored quote comes from (``None`` for an unknown quote)."""
    return conn.execute(select(quotes.c.article_id).where(quotes.c.id == quote_id)).scalar()


def article_brief(conn: Connection, article_id: int) -> dict | None:
    r = conn.execute(
        select(
            articles.c.id, articles.c.url, articles.c.title, articles.c.lang, articles.c.published
        ).where(articles.c.id == article_id)
    ).first()
    if r is None:
        return None
    return {**dict(r._mapping), "published": iso(r.published)}


def first_appearance(conn: Connection, article_id: int) -> tuple[str, datetime | None] | None:
    """(url, published) of the first article of ``article_id``'s story; the article itself (its
    copy group's original) when it is in no story yet."""
    story_id = conn.execute(
        select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
    ).scalar()
    first_id = None
    if story_id is not None:
        first_id = conn.execute(
            select(stories.c.first_article_id).where(stories.c.id == story_id)
        ).scalar()
    if first_id is None:
        r = conn.execute(select(articles.c.duplicate_of).where(articles.c.id == article_id)).first()
        if r is None:
            return None
        first_id = r.duplicate_of or article_id
    r = conn.execute(
        select(articles.c.url, articles.c.published).where(articles.c.id == first_id)
    ).first()
    return (r.url, aware(r.published)) if r else None


def story_id_of(conn: Connection, article_id: int) -> int | None:
    return conn.execute(
        select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
    ).scalar()


def checkworthy_sentences(conn: Connection, article_ids: list[int]) -> dict[int, list[str]]:
    """Check-worthy sentences per article (those the matching stage looks up)."""
    out: dict[int, list[str]] = {}
    if not article_ids:
        return out
    rows = conn.execute(
        select(article_sentences.c.article_id, article_sentences.c.text)
        .where(
            article_sentences.c.article_id.in_(article_ids),
            article_sentences.c.checkworthy.is_(True),
        )
        .order_by(article_sentences.c.article_id, article_sentences.c.idx)
    )
    for r in rows:
        out.setdefault(r.article_id, []).append(r.text)
    return out


def article_langs(conn: Connection, article_ids: list[int]) -> dict[int, str | None]:
    if not article_ids:
        return {}
    rows = conn.execute(
        select(articles.c.id, articles.c.lang).where(articles.c.id.in_(article_ids))
    )
    return {r.id: r.lang for r in rows}


def stored_at(conn: Connection, article_ids: list[int]) -> dict[int, datetime]:
    """When each article was stored (its ingest time, UTC)."""
    rows = conn.execute(
        select(articles.c.id, articles.c.fetched_at).where(articles.c.id.in_(article_ids))
    )
    return {r.id: aware(r.fetched_at) for r in rows}


def published_matches(
    conn: Connection, article_ids: list[int]
) -> list[tuple[int, int, str, float]]:
    """(case id, article id, sentence, score) for auto-matches of these articles to the
    fact-check rows of published cases — articles stored after the case was opened, other than
    the one it was opened from ("seen again", not "seen before")."""
    if not article_ids:
        return []
    rows = conn.execute(
        select(
            case_factchecks.c.case_id,
            claim_matches.c.article_id,
            claim_matches.c.sentence,
            claim_matches.c.score,
        )
        .join(case_factchecks, case_factchecks.c.factcheck_id == claim_matches.c.factcheck_id)
        .join(cases, cases.c.id == case_factchecks.c.case_id)
        .join(articles, articles.c.id == claim_matches.c.article_id)
        .where(
            claim_matches.c.article_id.in_(article_ids),
            articles.c.fetched_at >= cases.c.created_at,
            or_(cases.c.article_id.is_(None), cases.c.article_id != claim_matches.c.article_id),
        )
    )
    return [(r.case_id, r.article_id, r.sentence, r.score) for r in rows]


# --- publishing: fact-check rows ------------------------------------------------------------------


def add_case_factcheck(
    conn: Connection,
    case_id: int,
    *,
    url_for,
    claim: str,
    claim_lang: str | None,
    lang: str,
    verdict: str,
    rating_name: str,
    rating_value: float | None,
    best: float | None,
    worst: float | None,
    author: str,
    published: datetime,
    appearances: list[str],
    first_appearance: str | None,
    raw_for,
    embedding: bytes | None,
    sparse: bytes | None,
) -> int:
    """Insert one fact-check row for a published case; ``url_for(id)`` and ``raw_for(id)`` give
    its public URL and ClaimReview once its id is known. Indexed for BM25 and with its vectors,
    so ``match`` finds it at once."""
    norm, stem = search_key(claim), stem_key(claim, claim_lang)
    placeholder = f"urn:minbar:case:{case_id}:{lang}"
    fid = conn.execute(
        insert(factchecks).values(
            dedup_key=dedup_key(placeholder, claim),
            url=placeholder,
            claim=claim,
            claim_norm=norm,
            claim_stem=stem,
            lang=lang,
            verdict=verdict,
            rating_name=rating_name,
            rating_value=rating_value,
            best_rating=best,
            worst_rating=worst,
            author_name=author,
            date_published=published,
            appearances=json.dumps(appearances, ensure_ascii=False),
            first_appearance=first_appearance,
            raw="{}",
            embedding=embedding,
            sparse=sparse,
            imported_at=utcnow(),
        )
    ).inserted_primary_key[0]
    url = url_for(fid)
    conn.execute(
        update(factchecks)
        .where(factchecks.c.id == fid)
        .values(
            url=url,
            dedup_key=dedup_key(url, claim),
            raw=json.dumps(raw_for(fid), ensure_ascii=False),
        )
    )
    fts.index_rows(conn, fts.FACTCHECKS, [(fid, norm, stem)])
    conn.execute(insert(case_factchecks).values(factcheck_id=fid, case_id=case_id, lang=lang))
    return fid


def case_factcheck_rows(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(factchecks.c.id, factchecks.c.url, factchecks.c.lang, factchecks.c.raw)
        .join(case_factchecks, case_factchecks.c.factcheck_id == factchecks.c.id)
        .where(case_factchecks.c.case_id == case_id)
        .order_by(factchecks.c.id)
    )
    return [
        {"factcheck_id": r.id, "url": r.url, "lang": r.lang, "claimreview": json.loads(r.raw)}
        for r in rows
    ]


def cases_of_factchecks(conn: Connection, factcheck_ids: list[int]) -> dict[int, int]:
    if not factcheck_ids:
        return {}
    rows = conn.execute(
        select(case_factchecks.c.factcheck_id, case_factchecks.c.case_id).where(
            case_factchecks.c.factcheck_id.in_(factcheck_ids)
        )
    )
    return {r.factcheck_id: r.case_id for r in rows}
