"""Train the fact-check re-ranker (logistic regression over minbar.matching.features).

Data: the *dev* half of the project's cross-lingual set (benchmarks/data/xling_claims.json,
even-numbered fact-check groups and even unrelated ids; the test half is never read here) -
cross-lingual restatements with near-miss fact-checks on the same topic. With ``--sources
xling+ct21`` the CheckThat! 2021 Task 2A English *train* split is added (same-language tweets
against 13,824 verified claims, weighted as much as (1); train tweets that duplicate a test tweet
of CT2021 2A or CT2020 Task 2, by id or text, are dropped; needs the claims' embeddings in the
bench cache). Candidates come from minbar's own retrieval. The no-match threshold maximises
acc@1 minus a penalty per unrelated query that gets a match, on the dev half. Models are compared
by leave-groups-out cross-validation on the dev half (``cv_acc@1``), never on a test split.
Note: CheckThat! 2021 2A English *dev* is the CheckThat! 2020 Task 2 *test* set (199 of 199
tweets), so ``--ct21-dev`` makes CT2020 a dev set. Writes src/minbar/matching/data/reranker.json.

With ``--nearmiss`` (default on) the near-miss DEV set benchmarks/data/nearmiss_dev.json joins
the dev queries: its extra fact-check is added to the store, its near-misses count as unrelated
queries (a match is a false match) and its restatements as positives. ``--features`` picks the
features the model uses (default: all of minbar.matching.features.FEATURES).

    python benchmarks/train_reranker.py [--sources xling|xling+ct21] [--out PATH] [--penalty 1]
        [--features cos,sparse,...] [--no-nearmiss] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import re
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
NEARMISS_DEV = Path(__file__).resolve().parent / "data" / "nearmiss_dev.json"


def nearmiss_queries(path: Path = NEARMISS_DEV) -> tuple[list[dict], list[dict]]:
    """(extra fact-checks, queries in the cross-lingual set's shape: group = target)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = [
        {
            "id": q["id"],
            "lang": q["lang"],
            "text": q["text"],
            "group": q["target"],
            "kind": "restatement" if q["target"] else "nearmiss",
        }
        for q in data["queries"]
    ]
    return data["factchecks"], queries


def add_extra_factchecks(store, matcher: Matcher, extra: list[dict]) -> None:
    """Insert fact-checks given as {id, lang, url, claim} with their e5 vectors."""
    from minbar.ingest.claimreview import FactCheckIn
    from minbar.store.factchecks import add_factchecks

    if not extra:
        return
    claims = [f["claim"] for f in extra]
    recs = [FactCheckIn(url=f["url"], claim=f["claim"], lang=f["lang"]) for f in extra]
    add_factchecks(
        store.engine,
        recs,
        matcher.embedder.passages(claims),
        matcher.embedder.sparse(claims),
    )
    matcher.refresh()


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


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _body(text: str) -> str:
    """A tweet without its "— author (@handle) date" signature."""
    return _norm(re.split(r"\s[—–-]\s[^—–]*\(@\w+\)", text)[0])


def test_items() -> tuple[set[str], set[str]]:
    """Ids and normalised texts (whole and without signature) of every English claim-retrieval
    test query: CheckThat! 2021 2A test and CheckThat! 2020 Task 2 test."""
    from _claims import ct21_queries
    from match_checkthat import load_ct20

    ct20 = load_ct20()
    ct21, _ = ct21_queries("test")
    texts = list(ct20.queries) + list(ct21.values())
    keys = {_norm(t) for t in texts} | {_body(t) for t in texts if len(_body(t)) > 20}
    return set(ct20.qids) | set(ct21), keys


def ct21_pairs(reranker: Reranker, split: str = "train") -> tuple[list, np.ndarray, np.ndarray]:
    """Same-language pairs: CheckThat! 2021 2A English tweets of ``split`` against the 13,824
    verified claims, with minbar's own candidates (embeddings cached under the bench cache).
    Train tweets that duplicate a test tweet (by id, or by text with or without signature) are
    dropped. Returns (query id per pair, features, labels)."""
    from _claims import ct21_queries, ct21_vclaims
    from match_checkthat import cached_dense, cached_sparse

    from minbar.ingest.claimreview import FactCheckIn
    from minbar.store.factchecks import add_factchecks

    ids, texts = ct21_vclaims()
    cd = cached_dense("ct21_vclaims", texts, "passages")
    cs = cached_sparse("ct21_vclaims", texts)
    queries, qrels = ct21_queries(split)
    qids = list(queries)
    qd = cached_dense(f"ct21_{split}_queries", [queries[q] for q in qids], "queries")
    qs = cached_sparse(f"ct21_{split}_queries", [queries[q] for q in qids])
    test_ids, test_keys = test_items()
    keep = [
        i
        for i, q in enumerate(qids)
        if split != "train"
        or (
            q not in test_ids
            and _norm(queries[q]) not in test_keys
            and _body(queries[q]) not in test_keys
        )
    ]
    if split == "train":
        print(f"ct21 train: {len(qids) - len(keep)} of {len(qids)} tweets duplicate a test tweet")
    Q, X, y = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings(data_dir=tmp))
        recs = [
            FactCheckIn(url=f"https://ct21.bench.invalid/{v}", claim=t, lang="en")
            for v, t in zip(ids, texts, strict=True)
        ]
        fids, _ = add_factchecks(store.engine, recs, cd, cs)
        vid = dict(zip(fids, ids, strict=True))
        matcher = Matcher(store.engine, reranker=reranker)
        for i in keep:
            qid = qids[i]
            for cand, feats in matcher.featurize(queries[qid], "en", qd[i], qs[i]):
                Q.append((qid, vid[cand.factcheck_id], qrels[qid]))
                X.append(feats)
                y.append(float(vid[cand.factcheck_id] in qrels[qid]))
    return Q, np.array(X), np.array(y)


def xling_rows(queries: list[dict], extra: list[dict] = (), same_flag: bool = False) -> list[tuple]:
    """(query index, group of candidate, features, label) for the cross-lingual queries, plus
    "query and fact-check in one language" when ``same_flag``; ``extra`` fact-checks ({id,
    lang, url, claim}) join the demo ones, their group is their id."""
    n = len(FEATURES)
    neutral = Reranker((0.0,) * n, 0.0, 0.5, (0.0,) * n, (1.0,) * n)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    group_of_url = {u: g["id"] for g in data["groups"] for u in g["factchecks"]}
    group_of_url.update({f["url"]: f["id"] for f in extra})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp)
        store = Store.open(settings)
        import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
        matcher = Matcher(store.engine, reranker=neutral)
        add_extra_factchecks(store, matcher, list(extra))
        fcs = get_factchecks(store.engine, list(range(1, 100_000)))
        qvecs = matcher.embedder.queries([q["text"] for q in queries])
        qsparse = matcher.embedder.sparse([q["text"] for q in queries])
        for qi, (q, qv, qs) in enumerate(zip(queries, qvecs, qsparse, strict=True)):
            for cand, feats in matcher.featurize(q["text"], q["lang"], qv, qs):
                fc = fcs[cand.factcheck_id]
                g = group_of_url[fc.url]
                row = (qi, g, feats, float(g == q["group"]))
                rows.append((*row, fc.lang == q["lang"]) if same_flag else row)
    return rows


COLS: list[int] = list(range(len(FEATURES)))
L2 = 1e-2


def fit(rows: list[tuple], ct: tuple | None, penalty: float, queries: list[dict]):
    """Logistic fit on the cross-lingual rows (and CheckThat! pairs, weighted equally as a
    source), then the no-match threshold that maximises acc@1 − penalty × false-match rate on
    the same cross-lingual queries. Returns (weights, bias, mean, scale, threshold)."""
    X = np.array([r[2] for r in rows])[:, COLS]
    y = np.array([r[3] for r in rows])
    if ct is not None:
        Xct, yct = ct
        Xct = Xct[:, COLS]
        weights = np.concatenate([np.full(len(y), 1 / len(y)), np.full(len(yct), 1 / len(yct))])
        w, b, mean, scale = fit_logistic(
            np.vstack([X, Xct]), np.concatenate([y, yct]), weights=weights
        )
    else:
        w, b, mean, scale = fit_logistic(X, y, l2=L2)
    thr = best_threshold(rows, _prob(X, w, b, mean, scale), queries, penalty)[1]
    return w, b, mean, scale, thr


def _prob(X, w, b, mean, scale) -> np.ndarray:
    return 1 / (1 + np.exp(-(((X - mean) / scale) @ w + b)))


def _tops(rows, prob) -> dict[int, tuple[float, str]]:
    top: dict[int, tuple[float, str]] = {}
    for (qi, g, _, _), p in zip(rows, prob, strict=True):
        if qi not in top or p > top[qi][0]:
            top[qi] = (float(p), g)
    return top


def outcome(rows, prob, queries, thr, subset=None) -> tuple[int, int, int, int]:
    """(correct, related queries, false matches, unrelated queries) at threshold ``thr``."""
    top = _tops(rows, prob)
    subset = range(len(queries)) if subset is None else subset
    ok = fm = n_rel = n_unrel = 0
    for qi in subset:
        q = queries[qi]
        hit = qi in top and top[qi][0] >= thr
        if q["group"]:
            n_rel += 1
            ok += hit and top[qi][1] == q["group"]
        else:
            n_unrel += 1
            fm += hit
    return ok, n_rel, fm, n_unrel


def best_threshold(rows, prob, queries, penalty) -> tuple[float, float]:
    best = None
    for thr in np.linspace(0.05, 0.99, 95):
        ok, n_rel, fm, n_unrel = outcome(rows, prob, queries, thr)
        objective = ok / n_rel - penalty * fm / max(1, n_unrel)
        if best is None or objective > best[0]:
            best = (objective, float(thr))
    return best


def cross_validate(rows, queries, ct, penalty, folds: int = 4) -> dict:
    """Leave-groups-out cross-validation on the dev half: each fold holds out whole fact-check
    groups (and a share of the unrelated queries); model and threshold are fit on the rest."""
    groups = sorted({q["group"] for q in queries if q["group"]})
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    unrel = [qi for qi, q in enumerate(queries) if not q["group"]]
    fold_q = {qi: fold_of[q["group"]] for qi, q in enumerate(queries) if q["group"]}
    fold_q.update({qi: k % folds for k, qi in enumerate(unrel)})
    tot = [0, 0, 0, 0]
    tot_nm = [0, 0, 0, 0]
    per_lang: dict[str, list[int]] = {}
    for f in range(folds):
        train_q = [qi for qi in fold_q if fold_q[qi] != f]
        held = [qi for qi in fold_q if fold_q[qi] == f]
        tr_rows = [r for r in rows if fold_q[r[0]] != f]
        remap = {qi: k for k, qi in enumerate(train_q)}
        sub_rows = [(remap[r[0]], *r[1:]) for r in tr_rows]
        w, b, mean, scale, thr = fit(sub_rows, ct, penalty, [queries[qi] for qi in train_q])
        X = np.array([r[2] for r in rows])[:, COLS]
        prob = _prob(X, w, b, mean, scale)
        res = outcome(rows, prob, queries, thr, held)
        tot = [a + c for a, c in zip(tot, res, strict=True)]
        nm = outcome(rows, prob, queries, thr, [qi for qi in held if queries[qi]["id"][0] == "n"])
        tot_nm = [a + c for a, c in zip(tot_nm, nm, strict=True)]
        for qi in held:
            q = queries[qi]
            if q["group"]:
                key = q["lang"]
                per_lang.setdefault(key, [0, 0])
                ok = outcome(rows, prob, queries, thr, [qi])[0]
                per_lang[key][0] += ok
                per_lang[key][1] += 1
    return {
        "cv_acc@1": round(tot[0] / tot[1], 4),
        "cv_false_matches": f"{tot[2]}/{tot[3]}",
        "cv_nearmiss_false_matches": f"{tot_nm[2]}/{tot_nm[3]}",
        "cv_objective": round(tot[0] / tot[1] - penalty * tot[2] / max(1, tot[3]), 4),
        "cv_acc@1_per_lang": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_lang.items())},
    }


def ct_map5(model: Reranker, pairs: tuple) -> float:
    """MAP@5 of the model's ranking of CheckThat! candidates (threshold ignored)."""
    from _claims import average_precision_at

    Q, X, _ = pairs
    prob = _prob(
        X[:, COLS],
        np.array(model.coef),
        model.intercept,
        np.array(model.mean),
        np.array(model.scale),
    )
    by_q: dict[str, list] = {}
    for (qid, vid, rel), p in zip(Q, prob, strict=True):
        by_q.setdefault(qid, [rel, []])[1].append((p, vid))
    aps = [
        average_precision_at([v for _, v in sorted(c, reverse=True)], rel)
        for rel, c in by_q.values()
    ]
    return float(np.mean(aps))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--penalty",
        type=float,
        default=1.0,
        help="cost of a false match on an unrelated query, in units of acc@1",
    )
    ap.add_argument("--sources", choices=("xling", "xling+ct21"), default="xling")
    ap.add_argument(
        "--ct21-dev",
        action="store_true",
        help="also report MAP@5 on CheckThat! 2021 2A English dev (= CT2020 test)",
    )
    ap.add_argument("--features", help="comma-separated subset of FEATURES (default: all)")
    ap.add_argument("--no-nearmiss", action="store_true", help="without nearmiss_dev.json")
    ap.add_argument("--l2", type=float, default=1e-2)
    ap.add_argument("--rows-cache", type=Path, help="reuse/write the dev feature rows (JSON)")
    ap.add_argument("--dry-run", action="store_true", help="report only, write no weights")
    args = ap.parse_args()
    t0 = time.time()
    names = args.features.split(",") if args.features else list(FEATURES)
    COLS[:] = [FEATURES.index(f) for f in names]
    global L2
    L2 = args.l2
    data = json.loads(DATA.read_text(encoding="utf-8"))
    queries = [q for q in data["queries"] if split_of(q) == "dev"]
    extra: list[dict] = []
    if not args.no_nearmiss:
        extra, nq = nearmiss_queries()
        queries += nq
    if args.rows_cache and args.rows_cache.exists():
        cached = json.loads(args.rows_cache.read_text())
        assert cached["ids"] == [q["id"] for q in queries], "rows cache is for other queries"
        rows = [tuple(r) for r in cached["rows"]]
    else:
        rows = xling_rows(queries, extra)
        if args.rows_cache:
            args.rows_cache.write_text(
                json.dumps({"ids": [q["id"] for q in queries], "rows": rows})
            )
    n = len(FEATURES)
    neutral = Reranker((0.0,) * n, 0.0, 0.5, (0.0,) * n, (1.0,) * n)
    ct = None
    if args.sources == "xling+ct21":
        _, Xct, yct = ct21_pairs(neutral, "train")
        ct = (Xct, yct)
    cv = cross_validate(rows, queries, ct, args.penalty)
    w, b, mean, scale, thr = fit(rows, ct, args.penalty, queries)
    X = np.array([r[2] for r in rows])[:, COLS]
    ok, n_rel, fm, n_unrel = outcome(rows, _prob(X, w, b, mean, scale), queries, thr)
    trained_on = (
        "minbar cross-lingual claim set dev half (split by fact-check group)"
        + (" + near-miss dev set" if extra else "")
        + (" + CheckThat! 2021 2A English train (test duplicates removed)" if ct else "")
    )
    model = Reranker(
        tuple(map(float, w)),
        float(b),
        round(thr, 3),
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        trained_on=trained_on,
        features=tuple(names),
    )
    report = {
        "sources": args.sources,
        "dev_queries": len(queries),
        "pairs": len(rows),
        "threshold": model.threshold,
        "dev_acc@1_in_sample": round(ok / n_rel, 4),
        "dev_false_matches_in_sample": f"{fm}/{n_unrel}",
        **cv,
    }
    if args.ct21_dev:
        report["ct21_dev_map@5"] = round(ct_map5(model, ct21_pairs(neutral, "dev")), 4)
    report["coef"] = {f: round(c, 3) for f, c in zip(names, model.coef, strict=True)}
    report["seconds"] = round(time.time() - t0, 1)
    if not args.dry_run:
        args.out.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
