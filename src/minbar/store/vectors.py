"""Vectors in the database: their byte encoding, the article vectors' reads and writes, and a
derived, rebuildable index over them.

Exact search with numpy up to ``HNSW_FROM`` vectors (8 ms per query at 100k × 384 here); beyond
that faiss HNSW when faiss-cpu is installed (``pip install minbar[scale]``), otherwise still exact.

The index is a cache of the database, kept per process and per database: every use first reads
the highest stored id and the number of vectors over the last ``TAIL`` ids (a range count on the
primary key) and compares them with what it holds; when another process (a worker, a second web
server) committed vectors since, it loads the tail and adds what it lacks. A deletion in the tail
reloads everything. (A vector committed more than ``TAIL`` ids below the newest one, after the
index was loaded, is only seen after a rebuild or restart.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, select

from minbar.store.schema import article_vectors, articles, factchecks

HNSW_FROM = 200_000
log = logging.getLogger(__name__)


def to_bytes(vec: np.ndarray) -> bytes:
    """A dense float32 vector as stored (little-endian)."""
    return np.asarray(vec, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


def sparse_to_bytes(sp: tuple[np.ndarray, np.ndarray]) -> bytes:
    """A sparse vector (indices, weights) as stored: the int32 indices, then the float32 weights."""
    idx, val = sp
    return np.asarray(idx, dtype="<i4").tobytes() + np.asarray(val, dtype="<f4").tobytes()


def sparse_from_bytes(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(data) // 8
    return np.frombuffer(data[: 4 * n], dtype="<i4"), np.frombuffer(data[4 * n :], dtype="<f4")


class VectorIndex:
    def __init__(self, ids: list[int] | np.ndarray, vectors: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._hnsw = None
        if len(self.ids) >= HNSW_FROM:
            self._hnsw = _build_hnsw(self.vectors)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def kind(self) -> str:
        return "hnsw" if self._hnsw is not None else "exact"

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(id, cosine) of the ``k`` nearest vectors, best first."""
        if not len(self.ids):
            return []
        k = min(k, len(self.ids))
        q = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if self._hnsw is not None:
            scores, idx = self._hnsw.search(q, k)
            return [
                (int(self.ids[i]), float(s))
                for i, s in zip(idx[0], scores[0], strict=True)
                if i >= 0
            ]
        scores = self.vectors @ q[0]
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top]


def _build_hnsw(vectors: np.ndarray):
    try:
        import faiss
    except ImportError:
        log.warning("faiss-cpu is not installed: exact search over %d vectors", len(vectors))
        return None
    index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = 128
    index.add(vectors)
    return index


# --- article vectors --------------------------------------------------------------------------


def pending_article_ids(engine: Engine, ids: Sequence[int] | None = None) -> list[int]:
    """Articles without a vector (among ``ids`` when given), in id order."""
    stmt = (
        select(articles.c.id)
        .where(articles.c.id.not_in(select(article_vectors.c.article_id)))
        .order_by(articles.c.id)
    )
    if ids is not None:
        stmt = stmt.where(articles.c.id.in_(list(ids)))
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def count_pending_articles(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(articles)
            .where(articles.c.id.not_in(select(article_vectors.c.article_id)))
        ).scalar_one()


def article_texts(engine: Engine, ids: Sequence[int]) -> list:
    """``(id, title, text)`` rows of ``ids``."""
    with engine.connect() as conn:
        return conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text).where(
                articles.c.id.in_(list(ids))
            )
        ).all()


def add_article_vectors(engine: Engine, ids: Sequence[int], vectors: np.ndarray) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(article_vectors),
            [{"article_id": i, "vector": to_bytes(v)} for i, v in zip(ids, vectors, strict=True)],
        )


# --- the derived index, versioned from the database ---------------------------------------

#: How far below the highest id an index looks for vectors committed late (a slower worker's
#: older batch). Counting the whole table per query would be too slow (SQLite walks every page:
#: 0.6 s at 200k vectors); a range count over the last ``TAIL`` ids takes 2-7 ms on SQLite and
#: ~1 ms on PostgreSQL, whatever the table size (docs/round2/layers.md).
TAIL = 2048


class Source:
    """Where an index's vectors live: a table's id column and vector column, and an optional
    condition (fact-checks without a vector yet are left out)."""

    def __init__(self, name: str, table, id_col, vec_col, where=None) -> None:
        self.name, self.table, self.id_col, self.vec_col = name, table, id_col, vec_col
        self.where = where

    def _filtered(self, stmt):
        return stmt.where(self.where) if self.where is not None else stmt

    def tail(self, conn: Connection, floor: int) -> tuple[int, int]:
        """``(vectors with an id above floor, highest id)``: a range count on the primary key."""
        n, top = conn.execute(
            self._filtered(
                select(func.count(), func.max(self.id_col))
                .select_from(self.table)
                .where(self.id_col > floor)
            )
        ).one()
        return int(n or 0), int(top or 0)

    def load(self, conn: Connection, after: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        stmt = self._filtered(select(self.id_col, self.vec_col).order_by(self.id_col))
        if after is not None:
            stmt = stmt.where(self.id_col > after)
        rows = conn.execute(stmt).all()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, DIM), dtype=np.float32)
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        return ids, np.vstack([from_bytes(r[1]) for r in rows])


DIM = 384
ARTICLES = Source(
    "articles", article_vectors, article_vectors.c.article_id, article_vectors.c.vector
)
FACTCHECKS = Source(
    "factchecks",
    factchecks,
    factchecks.c.id,
    factchecks.c.embedding,
    factchecks.c.embedding.is_not(None),
)


def _top(ids: np.ndarray) -> int:
    return int(ids.max()) if len(ids) else 0


def is_stale(engine: Engine, source: Source, held: np.ndarray) -> bool:
    """Whether the vectors stored in ``source`` differ from the ids ``held`` in memory: a new
    highest id, or a different count over the last ``TAIL`` ids (a late commit, a deletion)."""
    floor = _top(held) - TAIL
    with engine.connect() as conn:
        return source.tail(conn, floor) != (int((held > floor).sum()), _top(held))


def load_all(engine: Engine, source: Source) -> tuple[np.ndarray, np.ndarray]:
    with engine.connect() as conn:
        return source.load(conn)


class IndexCache:
    """Per-process indexes over one kind of stored vectors, one per database, each checked
    against the database on every :meth:`get` (see :func:`is_stale`)."""

    def __init__(self, source: Source, build: Callable | None = None) -> None:
        self.source = source
        self._build = build or VectorIndex
        self._entries: dict[str, VectorIndex] = {}
        self._lock = threading.Lock()
        self.loads = 0  # full loads, for tests and diagnostics

    def get(self, engine: Engine, rebuild: bool = False) -> VectorIndex:
        key = engine.url.render_as_string(hide_password=False)
        with self._lock, engine.connect() as conn:
            index = None if rebuild else self._entries.get(key)
            if index is not None:
                top = _top(index.ids)
                floor = top - TAIL
                n, new_top = self.source.tail(conn, floor)
                held = index.ids[index.ids > floor]
                if (n, new_top) == (len(held), top):
                    return index
                index = self._catch_up(conn, index, held, floor, n)
            if index is None:
                index = self._build(*self.source.load(conn))
                self.loads += 1
            self._entries[key] = index
            return index

    def _catch_up(
        self, conn: Connection, old: VectorIndex, held: np.ndarray, floor: int, n_tail: int
    ) -> VectorIndex | None:
        """Add what was committed in the tail since ``old`` was loaded (None: reload all)."""
        ids, mat = self.source.load(conn, after=floor)
        if len(ids) != n_tail or not np.isin(held, ids).all():
            return None  # changed again meanwhile, or vectors were deleted
        new = ~np.isin(ids, held)
        return self._build(np.concatenate([old.ids, ids[new]]), np.vstack([old.vectors, mat[new]]))

    def clear(self, engine: Engine | None = None) -> None:
        with self._lock:
            if engine is None:
                self._entries.clear()
            else:
                self._entries.pop(engine.url.render_as_string(hide_password=False), None)


#: The process's index over article vectors (semantic and hybrid search).
ARTICLE_INDEX = IndexCache(ARTICLES)
