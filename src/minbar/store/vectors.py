"""Vectors in the database: their byte encoding, and a derived, rebuildable index over them.

Exact search with numpy up to ``HNSW_FROM`` vectors (8 ms per query at 100k × 384 here); beyond
that faiss HNSW when faiss-cpu is installed (``pip install minbar[scale]``), otherwise still exact.
"""

from __future__ import annotations

import logging

import numpy as np

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
