"""Article embeddings (enrichment stage) and semantic / hybrid search over them.

An article is embedded once, as an e5 *passage* of its title and lead; a search query is embedded
as an e5 *query*, so a Turkish query finds the Arabic, Azerbaijani and Russian coverage of a story.
Hybrid search fuses the normalised BM25 ranking and the vector ranking by reciprocal rank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from minbar.analysis.embeddings import Embedder, get_embedder
from minbar.models import SearchHit
from minbar.store import vectors as vdb
from minbar.store.repository import Store
from minbar.store.search import Filters
from minbar.store.vectors import VectorIndex

LEAD_CHARS = 600
BATCH = 64
RRF_K = 60
POOL = 100  # candidates taken from each ranking before filters and fusion


def article_passage(title: str, text_: str) -> str:
    return f"{title}\n{text_[:LEAD_CHARS]}".strip()


def count_pending(store: Store) -> int:
    """Articles without a vector yet."""
    return vdb.count_pending_articles(store.engine)


def embed_pending(
    store: Store,
    embedder: Embedder | None = None,
    progress: Callable[[int], None] | None = None,
    ids: Sequence[int] | None = None,
) -> int:
    """Embed every article that has no vector yet (among ``ids`` when given); returns how many
    were embedded."""
    ids = vdb.pending_article_ids(store.engine, ids)
    model = embedder or get_embedder()
    for start in range(0, len(ids), BATCH):
        rows = vdb.article_texts(store.engine, ids[start : start + BATCH])
        vecs = model.passages([article_passage(r.title, r.text) for r in rows])
        vdb.add_article_vectors(store.engine, [r.id for r in rows], vecs)
        if progress:
            progress(len(rows))
    return len(ids)


def vector_index(store: Store, rebuild: bool = False) -> VectorIndex:
    """The derived vector index over article vectors: kept per database for the process, and
    brought up to date with the database (vectors other processes wrote) on every call."""
    return vdb.ARTICLE_INDEX.get(store.engine, rebuild=rebuild)


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
    return store.hits(index.search(qvec, pool), filters)


def search_hybrid(
    store: Store, query: str, filters: Filters | None = None, embedder: Embedder | None = None
) -> list[SearchHit]:
    """Reciprocal-rank fusion of normalised BM25 and vector rankings (score = fused RRF)."""
    filters = filters or Filters()
    wide = replace(filters, limit=POOL)
    lexical = store.search(query, wide)
    semantic = search_semantic(store, query, wide, embedder)
    fused: dict[int, float] = {}
    hits: dict[int, SearchHit] = {}
    for ranking in (lexical, semantic):
        for rank, hit in enumerate(ranking):
            fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (RRF_K + rank + 1)
            hits.setdefault(hit.id, hit)
    order = sorted(fused, key=lambda i: -fused[i])[: filters.limit]
    return [replace(hits[i], score=fused[i]) for i in order]
