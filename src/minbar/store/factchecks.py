"""Fact-check storage: import with de-duplication, vectors, ClaimReview export with provenance."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
from sqlalchemy import Engine, func, insert, select

from minbar.store import search as fts
from minbar.store.schema import articles, claim_matches, factchecks
from minbar.store.vectors import (
    from_bytes,
    sparse_from_bytes,
    sparse_to_bytes,
    to_bytes,
)
from minbar.text.dates import to_utc
from minbar.text.dedup import canonical_url
from minbar.text.normalize import search_key, stem_key


class FactCheckRecord(Protocol):
    """What the store needs of an incoming fact-check (``ingest.claimreview.FactCheckIn`` is
    one; the store does not import ingest)."""

    url: str
    claim: str
    lang: str | None
    rating_name: str | None
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    verdict: str
    author_name: str | None
    author_url: str | None
    date_published: datetime | None
    claim_author: str | None
    claim_date: datetime | None
    appearances: list[str]
    first_appearance: str | None
    raw: dict


def dedup_key(url: str, claim: str) -> str:
    """Same fact-check = same canonical URL and same normalised claim."""
    return hashlib.sha256(f"{canonical_url(url)}\n{search_key(claim)}".encode()).hexdigest()


@dataclass
class StoredFactCheck:
    id: int
    url: str
    claim: str
    lang: str | None
    verdict: str
    rating_name: str | None
    author_name: str | None
    date_published: datetime | None

    @property
    def rating(self) -> str:
        return self.rating_name or self.verdict


def _stored(r) -> StoredFactCheck:
    return StoredFactCheck(
        id=r.id,
        url=r.url,
        claim=r.claim,
        lang=r.lang,
        verdict=r.verdict,
        rating_name=r.rating_name,
        author_name=r.author_name,
        date_published=to_utc(r.date_published) if r.date_published else None,
    )


def add_factchecks(
    engine: Engine,
    records: Sequence[FactCheckRecord],
    vectors: np.ndarray | None,
    sparse: list | None = None,
) -> tuple[list[int], int]:
    """Store new fact-checks in one transaction; returns (new ids, duplicates skipped)."""
    now = datetime.now(UTC)
    new_ids: list[int] = []
    duplicates = 0
    with engine.begin() as conn:
        for i, rec in enumerate(records):
            key = dedup_key(rec.url, rec.claim)
            if conn.execute(select(factchecks.c.id).where(factchecks.c.dedup_key == key)).first():
                duplicates += 1
                continue
            norm, stem = search_key(rec.claim), stem_key(rec.claim, rec.lang)
            fid = conn.execute(
                insert(factchecks).values(
                    dedup_key=key,
                    url=rec.url,
                    claim=rec.claim,
                    claim_norm=norm,
                    claim_stem=stem,
                    lang=rec.lang,
                    verdict=rec.verdict,
                    rating_name=rec.rating_name,
                    rating_value=rec.rating_value,
                    best_rating=rec.best_rating,
                    worst_rating=rec.worst_rating,
                    author_name=rec.author_name,
                    author_url=rec.author_url,
                    date_published=rec.date_published,
                    claim_author=rec.claim_author,
                    claim_date=rec.claim_date,
                    appearances=json.dumps(rec.appearances, ensure_ascii=False),
                    first_appearance=rec.first_appearance,
                    raw=json.dumps(rec.raw, ensure_ascii=False, default=str),
                    embedding=to_bytes(vectors[i]) if vectors is not None else None,
                    sparse=sparse_to_bytes(sparse[i]) if sparse is not None else None,
                    imported_at=now,
                )
            ).inserted_primary_key[0]
            fts.index_rows(conn, fts.FACTCHECKS, [(fid, norm, stem)])
            new_ids.append(fid)
    return new_ids, duplicates


def existing_keys(engine: Engine, records: Sequence[FactCheckRecord]) -> set[str]:
    keys = [dedup_key(r.url, r.claim) for r in records]
    with engine.connect() as conn:
        found = set()
        for start in range(0, len(keys), 500):
            found.update(
                conn.execute(
                    select(factchecks.c.dedup_key).where(
                        factchecks.c.dedup_key.in_(keys[start : start + 500])
                    )
                ).scalars()
            )
    return found


def get_factchecks(engine: Engine, ids: list[int]) -> dict[int, StoredFactCheck]:
    with engine.connect() as conn:
        rows = conn.execute(select(factchecks).where(factchecks.c.id.in_(ids))).all()
    return {r.id: _stored(r) for r in rows}


def count_factchecks(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(factchecks)).scalar_one()


def load_vectors(engine: Engine) -> tuple[list[int], np.ndarray]:
    """All fact-check vectors (for the derived vector index)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(factchecks.c.id, factchecks.c.embedding)
            .where(factchecks.c.embedding.is_not(None))
            .order_by(factchecks.c.id)
        ).all()
    if not rows:
        return [], np.zeros((0, 384), dtype=np.float32)
    return [r.id for r in rows], np.vstack([from_bytes(r.embedding) for r in rows])


def get_sparse(engine: Engine, ids: list[int]) -> dict[int, tuple | None]:
    """Sparse latent-term vectors of some fact-checks (``None`` where not computed yet)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(factchecks.c.id, factchecks.c.sparse).where(factchecks.c.id.in_(ids))
        ).all()
    return {r.id: sparse_from_bytes(r.sparse) if r.sparse else None for r in rows}


def set_sparse(engine: Engine, items: dict[int, tuple]) -> None:
    with engine.begin() as conn:
        for fid, sp in items.items():
            conn.execute(
                factchecks.update().where(factchecks.c.id == fid).values(sparse=sparse_to_bytes(sp))
            )


def missing_vectors(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(factchecks.c.id, factchecks.c.claim).where(factchecks.c.embedding.is_(None))
            ).all()
        ]


def set_vectors(engine: Engine, ids: list[int], vectors: np.ndarray) -> None:
    with engine.begin() as conn:
        for fid, vec in zip(ids, vectors, strict=True):
            conn.execute(
                factchecks.update().where(factchecks.c.id == fid).values(embedding=to_bytes(vec))
            )


def first_appearances(engine: Engine) -> dict[int, list[tuple[str, datetime | None]]]:
    """fact-check id → monitored articles that carried the claim, earliest first.

    The earliest article of a copy group is the provenance anchor, so copies resolve to their
    root before ordering."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(claim_matches.c.factcheck_id, articles.c.url, articles.c.published).join(
                articles, articles.c.id == claim_matches.c.article_id
            )
        ).all()
    out: dict[int, list[tuple[str, datetime | None]]] = {}
    for fid, url, published in rows:
        out.setdefault(fid, []).append((url, to_utc(published) if published else None))
    far = datetime.max.replace(tzinfo=UTC)
    for fid, items in out.items():
        out[fid] = sorted(set(items), key=lambda it: (it[1] or far, it[0]))
    return out


def export_claimreviews(engine: Engine) -> list[dict]:
    """Every fact-check as a schema.org ClaimReview, appearances filled from provenance."""
    seen = first_appearances(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(factchecks).order_by(factchecks.c.id)).all()
    return [claimreview_object(r, seen.get(r.id, [])) for r in rows]


def claimreview_object(r, monitored: list[tuple[str, datetime | None]]) -> dict:
    obj = json.loads(r.raw) if r.raw else {}
    obj["@context"] = "https://schema.org"
    obj["@type"] = "ClaimReview"
    obj["url"] = r.url
    obj["claimReviewed"] = r.claim
    if r.lang:
        obj["inLanguage"] = r.lang
    if r.date_published:
        obj["datePublished"] = to_utc(r.date_published).date().isoformat()
    if r.author_name and not isinstance(obj.get("author"), dict):
        obj["author"] = {"@type": "Organization", "name": r.author_name}
    rating = obj.get("reviewRating") if isinstance(obj.get("reviewRating"), dict) else {}
    rating.setdefault("@type", "Rating")
    if r.rating_name:
        rating["alternateName"] = r.rating_name
    for key, value in (
        ("ratingValue", r.rating_value),
        ("bestRating", r.best_rating),
        ("worstRating", r.worst_rating),
    ):
        if value is not None:
            rating[key] = int(value) if float(value).is_integer() else value
    obj["reviewRating"] = rating
    item = obj.get("itemReviewed") if isinstance(obj.get("itemReviewed"), dict) else {}
    item.setdefault("@type", "Claim")
    known = json.loads(r.appearances or "[]")
    urls = list(dict.fromkeys(known + [u for u, _ in monitored]))
    if urls:
        item["appearance"] = [{"@type": "CreativeWork", "url": u} for u in urls]
    first_url = r.first_appearance or (monitored[0][0] if monitored else None)
    if first_url:
        first = {"@type": "CreativeWork", "url": first_url}
        if monitored and first_url == monitored[0][0] and monitored[0][1]:
            first["datePublished"] = monitored[0][1].isoformat()
        item["firstAppearance"] = first
    obj["itemReviewed"] = item
    return obj
