"""Choose how candidates are ordered, on dev data only: the cross-lingual dev half (+ near-miss
dev set) and CheckThat! 2021 2A English dev (= CheckThat! 2020 Task 2 test, so CT2020 is no
longer a held-out number once this is used).

Every variant is a rule over the same feature rows (the shipped Matcher's own candidates and
features), so the comparison is about ordering and vetoes only:

* ``xling`` — the shipped re-ranker (fitted on the cross-lingual dev half).
* ``veto=…`` — which argument vetoes apply, and to which pairs (all, or cross-language only).
* ``same=ct21`` — same-language pairs scored by a second logistic model fitted on CheckThat!
  2021 2A English *train* (test duplicates removed); cross-language pairs keep the shipped one.

For each variant: CT21 dev MAP@5, and on the cross-lingual dev queries acc@1, false matches on
unrelated + near-miss queries at the shipped threshold, and the objective the re-ranker was
chosen by (acc@1 − false-match rate). The test splits are not read.

    python benchmarks/rerank_dev.py [--rows-cache PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
from _claims import average_precision_at
from match_xling import DATA, split_of
from train_reranker import ct21_pairs, fit_logistic, nearmiss_queries, xling_rows

from minbar.matching import features
from minbar.matching.features import FEATURES
from minbar.matching.match import VETO
from minbar.matching.rerank import Reranker, default_reranker

N = len(FEATURES)


def _conflict_all(qe: frozenset[str], ce: frozenset[str]) -> bool:
    """The rule before 2026-12-06 (second session): every entity key counts."""
    return bool(qe and ce) and not qe & ce


def _conflict_listed(qe: frozenset[str], ce: frozenset[str]) -> bool:
    """Listed entities only (measured, not chosen)."""
    qk, ck = qe & features._listed_keys(), ce & features._listed_keys()
    return bool(qk and ck) and not qk & ck


CONFLICT_RULES = {"all": _conflict_all, "listed": _conflict_listed}
NEUTRAL = Reranker((0.0,) * N, 0.0, 0.5, (0.0,) * N, (1.0,) * N)


class _Fixed:
    """Scores computed elsewhere (cross-validated), in row order."""

    def __init__(self, p: np.ndarray) -> None:
        self.p = p


def prob(model, X: np.ndarray) -> np.ndarray:
    if isinstance(model, _Fixed):
        return model.p
    cols = [FEATURES.index(f) for f in model.features]
    z = ((X[:, cols] - np.array(model.mean)) / np.array(model.scale)) @ np.array(model.coef)
    return 1 / (1 + np.exp(-(z + model.intercept)))


def scores(X, same, variant: dict, models: dict) -> np.ndarray:
    p = prob(models["xling"], X)
    if variant.get("same"):
        p = np.where(same, prob(models[variant["same"]], X), p)
    veto = variant.get("veto", VETO)
    if veto:
        hit = np.zeros(len(X), dtype=bool)
        for f in veto:
            hit |= X[:, FEATURES.index(f)] > 0
        if variant.get("veto_scope") == "cross":
            hit &= ~same
        p = np.where(hit, 0.0, p)
    return p


def xling_outcome(rows, p, queries, thr, thr_same=None) -> dict:
    """acc@1 and false matches at the no-match cut (``thr_same`` for same-language pairs)."""
    top: dict[int, tuple[float, str, bool]] = {}
    for (qi, g, _f, _y, same), s in zip(rows, p, strict=True):
        if qi not in top or s > top[qi][0]:
            top[qi] = (float(s), g, same)
    ok = n_rel = fm = n_unrel = 0
    for qi, q in enumerate(queries):
        cut = thr if qi not in top or not top[qi][2] or thr_same is None else thr_same
        hit = qi in top and top[qi][0] >= cut and top[qi][0] > 0
        if q["group"]:
            n_rel += 1
            ok += hit and top[qi][1] == q["group"]
        else:
            n_unrel += 1
            fm += hit
    return {
        "acc@1": round(ok / n_rel, 4),
        "false_matches": f"{fm}/{n_unrel}",
        "objective": round(ok / n_rel - fm / n_unrel, 4),
    }


def ct_map5(pairs, p) -> float:
    Q = pairs[0]
    by_q: dict[str, list] = {}
    for (qid, vid, rel), s in zip(Q, p, strict=True):
        by_q.setdefault(qid, [rel, []])[1].append((s, vid))
    return round(
        float(
            np.mean(
                [
                    average_precision_at([v for _, v in sorted(c, key=lambda x: -x[0])], rel)
                    for rel, c in by_q.values()
                ]
            )
        ),
        4,
    )


def fit_model(X, y, name: str, thr: float, weights=None) -> Reranker:
    w, b, mean, scale = fit_logistic(X, y, weights=weights)
    return Reranker(
        tuple(map(float, w)),
        float(b),
        thr,
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        trained_on=name,
    )


VARIANTS = {
    "hybrid_rrf": None,
    "xling, veto all (shipped)": {},
    "xling, no veto": {"veto": ()},
    "xling, veto numbers only": {"veto": ("num_conflict",)},
    "xling, veto cross-language pairs only": {"veto_scope": "cross"},
    "same-lang ct21 model, veto all": {"same": "ct21"},
    "same-lang ct21 model, veto cross only": {"same": "ct21", "veto_scope": "cross"},
    "same-lang ct21 model, veto numbers": {"same": "ct21", "veto": ("num_conflict",)},
    "same-lang ct21 model, no veto": {"same": "ct21", "veto": ()},
}


def mixed_same_cv(rows, queries, Xtr, ytr, thr: float, folds: int = 4) -> np.ndarray:
    """Same-language scores for the cross-lingual rows from a model fitted on CheckThat! train
    pairs + the cross-lingual dev half's same-language rows, leave-groups-out: each fold's
    rows are scored by a model that never saw its fact-check groups (or its unrelated
    queries); the two sources weigh equally."""
    fold_q = {}
    groups = sorted({q["group"] for q in queries if q["group"]})
    gfold = {g: i % folds for i, g in enumerate(groups)}
    unrel = [qi for qi, q in enumerate(queries) if not q["group"]]
    for qi, q in enumerate(queries):
        fold_q[qi] = gfold[q["group"]] if q["group"] else unrel.index(qi) % folds
    X = np.array([r[2] for r in rows])
    y = np.array([r[3] for r in rows])
    same = np.array([r[4] for r in rows])
    fold = np.array([fold_q[r[0]] for r in rows])
    out = np.zeros(len(rows))
    for f in range(folds):
        tr = same & (fold != f)
        m = fit_mixed(X[tr], y[tr], Xtr, ytr, thr)
        held = fold == f
        out[held] = prob(m, X[held])
    return out


def fit_mixed(Xa, ya, Xb, yb, thr: float) -> Reranker:
    """One model over two sources weighted equally (``fit_logistic`` per-row weights)."""
    w = np.concatenate([np.full(len(ya), 1 / len(ya)), np.full(len(yb), 1 / len(yb))])
    return fit_model(np.vstack([Xa, Xb]), np.concatenate([ya, yb]), "mixed", thr, w)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows-cache", type=Path)
    ap.add_argument(
        "--write-same",
        type=Path,
        help="write the same-language model (mixed sources, veto all, cut chosen here) to PATH",
    )
    ap.add_argument(
        "--conflict",
        choices=("shipped", "all", "listed"),
        default="shipped",
        help="entity-conflict rule to featurise with (experiments; 'shipped' = the code's)",
    )
    args = ap.parse_args()
    if args.conflict != "shipped":
        features.entity_conflict = CONFLICT_RULES[args.conflict]
    data = json.loads(DATA.read_text(encoding="utf-8"))
    queries = [q for q in data["queries"] if split_of(q) == "dev"]
    extra, nq = nearmiss_queries()
    queries += nq
    if args.rows_cache and args.rows_cache.exists():
        rows = [tuple(r) for r in json.loads(args.rows_cache.read_text())]
    else:
        rows = xling_rows(queries, extra, same_flag=True)
        if args.rows_cache:
            args.rows_cache.write_text(json.dumps(rows))
    shipped = default_reranker()
    Qtr, Xtr, ytr = ct21_pairs(NEUTRAL, "train")
    dev = ct21_pairs(NEUTRAL, "dev")
    models = {"xling": shipped, "ct21": fit_model(Xtr, ytr, "ct21 train", shipped.threshold)}
    Xx = np.array([r[2] for r in rows])
    same_x = np.array([r[4] for r in rows])
    Xd = dev[1]
    same_d = np.ones(len(Xd), dtype=bool)
    report = {"xling_dev_queries": len(queries), "ct21_dev_queries": len({q for q, *_ in dev[0]})}
    same_rows = [r for r in rows if r[4]]
    models["mixed"] = fit_mixed(
        np.array([r[2] for r in same_rows]),
        np.array([r[3] for r in same_rows]),
        Xtr,
        ytr,
        shipped.threshold,
    )
    cv_same = mixed_same_cv(rows, queries, Xtr, ytr, shipped.threshold)
    for name, veto, scope in (
        ("same-lang mixed model (cv), veto all", VETO, None),
        ("same-lang mixed model (cv), veto cross only", VETO, "cross"),
        ("same-lang mixed model (cv), veto numbers", ("num_conflict",), None),
    ):
        variant = {"same": "mixed", "veto": veto, "veto_scope": scope}
        px = np.where(same_x, cv_same, prob(shipped, Xx))
        px = scores(Xx, same_x, {"veto": veto, "veto_scope": scope}, {"xling": _Fixed(px)})
        pd = scores(Xd, same_d, variant, models)
        report[name] = {
            "ct21_dev_map@5": ct_map5(dev, pd),
            **xling_outcome(rows, px, queries, shipped.threshold),
        }
    # The same-language model's own no-match cut: best objective on the cross-validated scores,
    # the cross-language cut fixed.
    px = scores(Xx, same_x, {}, {"xling": _Fixed(np.where(same_x, cv_same, prob(shipped, Xx)))})
    best = max(
        (xling_outcome(rows, px, queries, shipped.threshold, t)["objective"], -t)
        for t in np.round(np.linspace(0.05, 0.99, 95), 3)
    )
    thr_same = float(-best[1])
    report["same-lang mixed model (cv), veto all, own cut"] = {
        "cut": thr_same,
        **xling_outcome(rows, px, queries, shipped.threshold, thr_same),
    }
    if args.write_same:
        out = dataclasses.replace(
            models["mixed"],
            threshold=thr_same,
            trained_on="same-language pairs: minbar cross-lingual dev half (its same-language "
            "candidates) + near-miss dev set, and CheckThat! 2021 2A English train (test "
            "duplicates removed); sources weighted equally; chosen on dev (benchmarks/rerank_dev.py)",
        )
        args.write_same.write_text(json.dumps(out.to_json(), indent=2) + "\n", encoding="utf-8")
    for name, variant in VARIANTS.items():
        if variant is None:
            pd = Xd[:, FEATURES.index("rrf")]
            report[name] = {"ct21_dev_map@5": ct_map5(dev, pd)}
            continue
        px = scores(Xx, same_x, variant, models)
        pd = scores(Xd, same_d, variant, models)
        report[name] = {
            "ct21_dev_map@5": ct_map5(dev, pd),
            **xling_outcome(rows, px, queries, shipped.threshold),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
