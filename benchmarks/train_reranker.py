"""Train the fact-check re-ranker (logistic regression over minbar.matching.features).

Data, weighted equally: (1) the *dev* half of the project's cross-lingual set
(benchmarks/data/xling_claims.json, even query ids; the odd half is the test half and is never
read here) - cross-lingual restatements with near-miss fact-checks on the same topic; (2) the
CheckThat! 2021 Task 2A English *train* split - same-language tweets against 13,824 verified
claims. Alone, (1) teaches to distrust shared words and (2) never sees a near-miss in another
language. Candidates come from minbar's own retrieval, so the model learns to re-rank exactly what
it will see. The no-match threshold is chosen on the cross-lingual dev half: maximise acc@1 minus
a penalty for every unrelated query that gets a match. Test splits are evaluated by
match_xling.py and match_checkthat.py. Writes src/minbar/matching/data/reranker.json.

    python benchmarks/train_reranker.py [--out PATH] [--penalty 1.0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from match_xling import DATA, split_of

from minbar import demo
from minbar.config import Settings
from minbar.matching.factchecks import import_factchecks
from minbar.matching.features import FEATURES
from minbar.matching.match import Matcher
from minbar.matching.rerank import Reranker
from minbar.store.factchecks import get_factchecks
from minbar.store.repository import Store

OUT = Path(__file__).resolve().parents[1] / "src" / "minbar" / "matching" / "data" / "reranker.json"


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    l2: float = 1e-2,
    steps: int = 4000,
    weights: np.ndarray | None = None,
):
    """L2-regularised logistic regression by gradient descent on standardised features, with the
    positives re-weighted to balance the classes (and optional per-row weights)."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w, b = np.zeros(Z.shape[1]), 0.0
    base = np.ones(len(y)) if weights is None else weights
    pos = (base * y).sum()
    sw = base * np.where(y > 0, (base.sum() - pos) / max(1e-9, pos), 1.0)
    sw = sw / sw.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        g = (p - y) * sw
        w -= 0.5 * (Z.T @ g / len(y) + l2 * w)
        b -= 0.5 * g.mean()
    return w, b, mean, scale


def ct21_train_pairs(reranker: Reranker) -> tuple[np.ndarray, np.ndarray]:
    """Same-language pairs: CheckThat! 2021 2A English *train* tweets against the 13,824
    verified claims, with minbar's own candidates (embeddings cached under /work/.bench)."""
    from _claims import ct21_queries, ct21_vclaims
    from match_checkthat import cached_dense, cached_sparse

    from minbar.ingest.claimreview import FactCheckIn
    from minbar.store.factchecks import add_factchecks

    ids, texts = ct21_vclaims()
    cd = cached_dense("ct21_vclaims", texts, "passages")
    cs = cached_sparse("ct21_vclaims", texts)
    queries, qrels = ct21_queries("train")
    qids = list(queries)
    qd = cached_dense("ct21_train_queries", [queries[q] for q in qids], "queries")
    qs = cached_sparse("ct21_train_queries", [queries[q] for q in qids])
    X, y = [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings(data_dir=tmp))
        recs = [
            FactCheckIn(url=f"https://ct21.bench.invalid/{v}", claim=t, lang="en")
            for v, t in zip(ids, texts, strict=True)
        ]
        fids, _ = add_factchecks(store.engine, recs, cd, cs)
        vid = dict(zip(fids, ids, strict=True))
        matcher = Matcher(store.engine, reranker=reranker)
        for qid, qv, qsp in zip(qids, qd, qs, strict=True):
            for cand, feats in matcher.featurize(queries[qid], "en", qv, qsp):
                X.append(feats)
                y.append(float(vid[cand.factcheck_id] in qrels[qid]))
    return np.array(X), np.array(y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--penalty",
        type=float,
        default=1.0,
        help="cost of a false match on an unrelated query, in units of acc@1",
    )
    args = ap.parse_args()
    t0 = time.time()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    group_of_url = {u: g["id"] for g in data["groups"] for u in g["factchecks"]}
    queries = [q for q in data["queries"] if split_of(q["id"]) == "dev"]
    n = len(FEATURES)
    neutral = Reranker((0.0,) * n, 0.0, 0.5, (0.0,) * n, (1.0,) * n)
    rows = []  # (query index, group of candidate, features, label)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp)
        store = Store.open(settings)
        import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
        matcher = Matcher(store.engine, reranker=neutral)
        url = {i: f.url for i, f in get_factchecks(store.engine, list(range(1, 100_000))).items()}
        qvecs = matcher.embedder.queries([q["text"] for q in queries])
        qsparse = matcher.embedder.sparse([q["text"] for q in queries])
        for qi, (q, qv, qs) in enumerate(zip(queries, qvecs, qsparse, strict=True)):
            for cand, feats in matcher.featurize(q["text"], q["lang"], qv, qs):
                g = group_of_url[url[cand.factcheck_id]]
                rows.append((qi, g, feats, float(g == q["group"])))
    X = np.array([r[2] for r in rows])
    y = np.array([r[3] for r in rows])
    Xct, yct = ct21_train_pairs(neutral)
    # Each source weighs as much as the other in the fit, whatever its number of pairs.
    weights = np.concatenate([np.full(len(y), 1.0 / len(y)), np.full(len(yct), 1.0 / len(yct))])
    w, b, mean, scale = fit_logistic(np.vstack([X, Xct]), np.concatenate([y, yct]), weights=weights)
    prob = 1 / (1 + np.exp(-(((X - mean) / scale) @ w + b)))
    top: dict[int, tuple[float, str]] = {}
    for (qi, g, _, _), p in zip(rows, prob, strict=True):
        if qi not in top or p > top[qi][0]:
            top[qi] = (float(p), g)
    best = None
    n_rel = sum(1 for q in queries if q["group"])
    n_unrel = len(queries) - n_rel
    for thr in np.linspace(0.05, 0.99, 95):
        ok = sum(
            1
            for qi, q in enumerate(queries)
            if q["group"] and qi in top and top[qi][0] >= thr and top[qi][1] == q["group"]
        )
        fm = sum(
            1 for qi, q in enumerate(queries) if not q["group"] and qi in top and top[qi][0] >= thr
        )
        objective = ok / n_rel - args.penalty * fm / max(1, n_unrel)
        if best is None or objective > best[0]:
            best = (objective, float(thr), ok / n_rel, fm)
    model = Reranker(
        tuple(map(float, w)),
        float(b),
        round(best[1], 3),
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        trained_on="minbar cross-lingual claim set dev half + CheckThat! 2021 2A English train",
    )
    args.out.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "dev_queries": len(queries),
                "pairs": len(y),
                "positives": int(y.sum()),
                "threshold": model.threshold,
                "dev_acc@1": round(best[2], 4),
                "dev_false_matches": f"{best[3]}/{n_unrel}",
                "coef": {f: round(c, 3) for f, c in zip(FEATURES, model.coef, strict=True)},
                "seconds": round(time.time() - t0, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
