"""Claim similarity between cases and sentences: duplicate suggestions and "seen again".

The dense e5 cosine alone cannot tell a paraphrase from a near-miss on the same topic (measured:
"foreign students' visa fees doubled" vs "the number of foreign students doubled" is 0.92,
above true translations at 0.89), so both uses also require the sparse latent-term similarity
that the matching engine's auto-matching uses (``AUTO_MIN_SPARSE``); docs/round2/cases.md has
the numbers.
"""

from __future__ import annotations

import numpy as np

#: Passage-vs-passage cosine floor for a duplicate suggestion (case claim vs case claim).
DUP_COS = 0.85
#: Sparse floor for a duplicate suggestion (lower than for automatic links: it is a suggestion).
DUP_SPARSE = 0.42
#: Query(sentence)-vs-passage(case claim) cosine floor for "seen again" links (the matching
#: engine's ``COS_FLOOR`` is 0.82; every true pair we measured was >= 0.85).
SEEN_COS = 0.84
#: Sparse floor for an automatic "seen again" link: the matching engine's ``AUTO_MIN_SPARSE``.
SEEN_SPARSE = 0.45


def to_bytes(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


def dense_near(
    query: np.ndarray, candidates: list[tuple[int, bytes]], floor: float
) -> list[tuple[int, float]]:
    """(id, cosine) of the candidates at or above ``floor``, best first."""
    if not candidates:
        return []
    ids = [i for i, _ in candidates]
    matrix = np.vstack([from_bytes(b) for _, b in candidates])
    scores = matrix @ np.asarray(query, dtype=np.float32)
    found = [(ids[k], float(s)) for k, s in enumerate(scores) if s >= floor]
    return sorted(found, key=lambda t: -t[1])


def same_claims(
    embedder,
    claim: str,
    claim_vec: np.ndarray,
    candidates: list[tuple[int, bytes]],
    texts: dict[int, str],
    *,
    cos_floor: float = DUP_COS,
    sparse_floor: float = DUP_SPARSE,
) -> list[tuple[int, float]]:
    """Candidates (id, vector) whose claim (``texts[id]``) is the same claim as ``claim``:
    dense cosine and sparse similarity both over their floors. Returns (id, cosine)."""
    from minbar.analysis.embeddings import sparse_dot

    near = dense_near(claim_vec, candidates, cos_floor)
    if not near:
        return []
    mine = embedder.sparse([claim])[0]
    theirs = embedder.sparse([texts[i] for i, _ in near])
    return [
        (i, cos)
        for (i, cos), sp in zip(near, theirs, strict=True)
        if sparse_dot(mine, sp) >= sparse_floor
    ]
