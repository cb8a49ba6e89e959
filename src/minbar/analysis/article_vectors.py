"""Article embeddings (enrichment stage) and semantic / hybrid search over them.

An article is embedded once, as an e5 *passage* of its title and lead; a search query is embedded
as an e5 *query*, so a Turkish query finds the Arabic, Azerbaijani and Russian coverage of a story.
Hybrid search fuses the normalised BM25 ranking and the vector ranking by reciprocal rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from sqlalchemy import Connection, DateTime, bindparam, insert, select, text

from minbar.analysis.embeddings import Embedder, get_embedder
from minbar.models import SearchHit
from minbar.store.repository import Store
from minbar.store.schema import article_vectors, articles
from minbar.store.search import Filters, filter_sql, search_text
from minbar.store.vectors import VectorIndex, from_bytes, to_bytes
from minbar.text.dates import to_utc

LEAD_CHARS = 600
BATCH = 64
RRF_K = 60
POOL = 100  # candidates taken from each ranking before filters and fusion


def article_passage(title: str, text_: str) -> str:
    return f"{title}\n{text_[:LEAD_CHARS]}".strip()


def count_pending(store: Store) -> int:
    from sqlalchemy import func

    done = select(article_vectors.c.article_id)
    with store.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(articles).where(articles.c.id.not_in(done))
        ).scalar_one()


def embed_pending(
    store: Store, embedder: Embedder | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Embed every article that has no vector yet; returns how many were embedded."""
    done = select(article_vectors.c.article_id)
    with store.engine.connect() as conn:
        ids = list(
            conn.execute(
                select(articles.c.id).where(articles.c.id.not_in(done)).order_by(articles.c.id)
            ).scalars()
        )
    model = embedder or get_embedder()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.id, articles.c.title, articles.c.text).where(
                    articles.c.id.in_(chunk)
                )
            ).all()
        vecs = model.passages([article_passage(r.title, r.text) for r in rows])
        with store.engine.begin() as conn:
            conn.execute(
                insert(article_vectors),
                [
                    {"article_id": r.id, "vector": to_bytes(v)}
                    for r, v in zip(rows, vecs, strict=True)
                ],
            )
        if progress:
            progress(len(chunk))
    _INDEXES.pop(store.engine.url.render_as_string(hide_password=False), None)
    return len(ids)


_INDEXES: dict[str, VectorIndex] = {}


def vector_index(store: Store, rebuild: bool = False) -> VectorIndex:
    """The derived vector index over article vectors (kept per database for the process)."""
    key = store.engine.url.render_as_string(hide_password=False)
    if rebuild or key not in _INDEXES:
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(article_vectors.c.article_id, article_vectors.c.vector).order_by(
                    article_vectors.c.article_id
                )
            ).all()
        ids = [r.article_id for r in rows]
        mat = np.vstack([from_bytes(r.vector) for r in rows]) if rows else np.zeros((0, 384))
        _INDEXES[key] = VectorIndex(ids, mat)
    return _INDEXES[key]


def _hits(conn: Connection, scored: list[tuple[int, float]], filters: Filters) -> list[SearchHit]:
    """Hydrate (id, score) pairs, applying the filters, keeping order."""
    if not scored:
        return []
    params: dict = {f"i{n}": i for n, (i, _) in enumerate(scored)}
    marks = ", ".join(f":i{n}" for n in range(len(scored)))
    where = filter_sql(filters, params)
    stmt = (
        text(
            "SELECT a.id, a.url, a.title, a.lang, s.name AS source, a.published FROM articles a "
            f"LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks}){where}"
        )
        .bindparams(
            *[
                bindparam(k, type_=DateTime(timezone=True))
                for k in ("since", "until")
                if k in params
            ]
        )
        .columns(published=DateTime(timezone=True))
    )
    rows = {r.id: r for r in conn.execute(stmt, params).all()}
    out = []
    for i, score in scored:
        r = rows.get(i)
        if r is not None:
            out.append(
                SearchHit(
                    id=r.id,
                    url=r.url,
                    title=r.title,
                    lang=r.lang,
                    source=r.source,
                    published=to_utc(r.published) if r.published else None,
                    score=score,
                )
            )
    return out[: filters.limit]


def search_semantic(
    store: Store, query: str, filters: Filters | None = None, embedder: Embedder | None = None
) -> list[SearchHit]:
    """Articles nearest in meaning to ``query``, in any language (score = cosine)."""
    filters = filters or Filters()
    if not query.strip():
        return []
    index = vector_index(store)
    qvec = (embedder or get_embedder()).queries([query])[0]
    pool = (
        max(POOL, filters.limit * 5)
        if (filters.lang or filters.source or filters.since or filters.until)
        else filters.limit
    )
    with store.engine.connect() as conn:
        return _hits(conn, index.search(qvec, pool), filters)


def search_hybrid(
    store: Store, query: str, filters: Filters | None = None, embedder: Embedder | None = None
) -> list[SearchHit]:
    """Reciprocal-rank fusion of normalised BM25 and vector rankings (score = fused RRF)."""
    filters = filters or Filters()
    wide = replace(filters, limit=POOL)
    with store.engine.connect() as conn:
        lexical = search_text(conn, query, wide)
    semantic = search_semantic(store, query, wide, embedder)
    fused: dict[int, float] = {}
    hits: dict[int, SearchHit] = {}
    for ranking in (lexical, semantic):
        for rank, hit in enumerate(ranking):
            fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (RRF_K + rank + 1)
            hits.setdefault(hit.id, hit)
    order = sorted(fused, key=lambda i: -fused[i])[: filters.limit]
    return [replace(hits[i], score=fused[i]) for i in order]
