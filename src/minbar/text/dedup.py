"""Exact and near-duplicate detection: canonical URLs, content hashes, MinHash LSH.

Near-duplicates use MinHash signatures (datasketch) over word 3-shingles of the *search key*, so
edits in diacritics, case or tatweel do not count as changes. LSH bands are stored in the database
(``article_bands``) rather than in an in-memory index: every worker sees the same index, nothing
has to be rebuilt on start, and the lookup is one indexed query.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

NUM_PERM = 128
SHINGLE = 3
#: Estimated Jaccard of word 3-shingles above which an article is a copy of another. Wire copies
#: with a changed headline and a sentence added or dropped score ~0.6-0.95; independently written
#: reports of one event score < 0.15 (tuned on the demo corpus, see BENCHMARKS.md).
NEAR_DUP_THRESHOLD = 0.5

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "yclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "ncid",
        "ocid",
        "cmpid",
        "ref",
        "ref_src",
        "igshid",
        "spm",
        "share",
        "from",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """A key under which the same article is found whatever tracking decorations its URL has.

    Scheme folded to https, host lowercased without ``www.``, default port, fragment, tracking
    parameters (``utm_*`` and friends) dropped, remaining parameters sorted, trailing slash trimmed.
    Non-http inputs (file paths, ``urn:`` ids) are returned stripped.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def content_hash(search_key: str) -> str:
    """SHA-256 of the normalised body: identical text modulo case/diacritics/spacing collides."""
    return hashlib.sha256(search_key.encode("utf-8")).hexdigest()


def shingles(search_key: str, size: int = SHINGLE) -> list[bytes]:
    toks = search_key.split()
    if len(toks) < size:
        return [" ".join(toks).encode()] if toks else []
    return [" ".join(toks[i : i + size]).encode() for i in range(len(toks) - size + 1)]


#: Pinned so that signatures stored by one datasketch version stay comparable in the next.
SCHEME = "affine32"


@lru_cache(maxsize=1)
def _permutations():
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(search_key: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint64 values, stored as bytes)."""
    mh = MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme=SCHEME)
    sh = shingles(search_key)
    if sh:
        mh.update_batch(sh)
    return mh.hashvalues


@lru_cache(maxsize=4)
def lsh_params(threshold: float = NEAR_DUP_THRESHOLD) -> tuple[int, int]:
    """(bands, rows) minimising weighted false positive/negative area, as datasketch does."""
    return _optimal_param(threshold, NUM_PERM, 0.5, 0.5)


def band_hashes(sig: np.ndarray, threshold: float = NEAR_DUP_THRESHOLD) -> list[int]:
    """One signed 64-bit hash per LSH band; the band number is part of what is hashed, so equal
    values in different bands never collide."""
    bands, rows = lsh_params(threshold)
    raw = sig.astype("<u8").tobytes()
    width = rows * 8
    return [
        int.from_bytes(
            hashlib.blake2b(
                raw[b * width : (b + 1) * width], digest_size=8, person=b.to_bytes(4, "little")
            ).digest(),
            "little",
            signed=True,
        )
        for b in range(bands)
    ]


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8")
