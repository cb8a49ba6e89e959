"""Train the fact-check re-ranker (logistic regression over minbar.matching.features).

Data: CheckThat! 2021 Task 2A English — train split to fit, dev split to choose the no-match
threshold; the test split is never read here. Candidates come from minbar's own retrieval
(e5 vectors + normalised BM25 over the 13,824 verified claims), so the model learns to re-rank
exactly what it will see. Writes src/minbar/matching/data/reranker.json.

    python benchmarks/train_reranker.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from _claims import cached_passages, ct21_queries, ct21_vclaims

from minbar.analysis.embeddings import get_embedder
from minbar.config import Settings
from minbar.ingest.claimreview import FactCheckIn
from minbar.matching.features import FEATURES, pair_features, side
from minbar.matching.match import Matcher
from minbar.matching.rerank import Reranker
from minbar.store.factchecks import add_factchecks, get_factchecks
from minbar.store.repository import Store

OUT = Path(__file__).resolve().parents[1] / "src" / "minbar" / "matching" / "data" / "reranker.json"


def vclaim_store(tmp: str):
    """A store holding the CT21 verified claims as fact-checks; returns (store, url→vclaim id)."""
    ids, texts = ct21_vclaims()
    vecs = cached_passages("ct21_vclaims", texts, get_embedder())
    store = Store.open(Settings(data_dir=tmp))
    recs = [
        FactCheckIn(url=f"https://snopes.example/{vid}", claim=t, lang="en")
        for vid, t in zip(ids, texts, strict=True)
    ]
    for start in range(0, len(recs), 2000):
        add_factchecks(store.engine, recs[start : start + 2000], vecs[start : start + 2000])
    with store.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT id, url FROM factchecks")).all()
    return store, {fid: url.rsplit("/", 1)[1] for fid, url in rows}


def pairs(matcher: Matcher, fid2vid: dict, claims: dict[int, str], split: str):
    """Feature rows, labels and query ids for every retrieved candidate of every query."""
    texts, qrels = ct21_queries(split)
    qids = list(texts)
    qvecs = matcher.embedder.queries([texts[q] for q in qids])
    X, y, groups = [], [], []
    for qid, qvec in zip(qids, qvecs, strict=True):
        qside = side(texts[qid], "en")
        for cand in matcher.candidates(texts[qid], qvec):
            X.append(pair_features(cand.cos, qside, side(claims[cand.factcheck_id], "en")))
            y.append(fid2vid[cand.factcheck_id] in qrels[qid])
            groups.append(qid)
    return np.array(X), np.array(y, dtype=float), groups


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000):
    """Plain L2-regularised logistic regression by gradient descent on standardised features;
    positives are re-weighted to balance the classes."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w, b = np.zeros(Z.shape[1]), 0.0
    pos_w = (len(y) - y.sum()) / max(1.0, y.sum())
    sw = np.where(y > 0, pos_w, 1.0)
    sw = sw / sw.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        g = (p - y) * sw
        w -= 0.5 * (Z.T @ g / len(y) + l2 * w)
        b -= 0.5 * g.mean()
    return w, b, mean, scale


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        store, fid2vid = vclaim_store(tmp)
        neutral = Reranker(
            (0.0,) * len(FEATURES), 0.0, 0.5, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES)
        )
        matcher = Matcher(store.engine, reranker=neutral)
        claims = {i: f.claim for i, f in get_factchecks(store.engine, list(fid2vid)).items()}
        Xtr, ytr, _ = pairs(matcher, fid2vid, claims, "train")
        Xdv, ydv, _ = pairs(matcher, fid2vid, claims, "dev")
    w, b, mean, scale = fit_logistic(Xtr, ytr)
    prob = 1 / (1 + np.exp(-(((Xdv - mean) / scale) @ w + b)))
    # Threshold: best F1 of "this candidate checks the same claim" on dev pairs.
    best = (0.0, 0.5)
    for thr in np.linspace(0.05, 0.99, 95):
        pred = prob >= thr
        tp = float((pred & (ydv > 0)).sum())
        f1 = 2 * tp / max(1.0, pred.sum() + ydv.sum())
        if f1 > best[0]:
            best = (f1, float(thr))
    model = Reranker(
        tuple(map(float, w)),
        float(b),
        round(best[1], 3),
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        trained_on="CheckThat! 2021 Task 2A English train (fit), dev (threshold)",
    )
    args.out.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "train_pairs": len(ytr),
                "train_pos": int(ytr.sum()),
                "dev_pairs": len(ydv),
                "dev_f1": round(best[0], 4),
                "threshold": model.threshold,
                "coef": dict(zip(FEATURES, model.coef, strict=True)),
                "seconds": round(time.time() - t0, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
