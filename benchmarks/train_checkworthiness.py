"""Train minbar's check-worthiness head (see src/minbar/analysis/claims.py).

Data (benchmarks/_cw_data.py): the *train* rows of CheckThat! 2021 1A (ar/tr/en), CheckThat!
2022 1A (and its 1B verifiable-claim labels), CheckThat! 2020 1 (en) and TrClaim-19 (tr), after
removing every tweet that also occurs (same id or same cleaned text) in a dev or test split.
Model selection, Platt calibration and the decision threshold use only the *dev* rows (CT21 1A
dev and CT22 1A dev, ar/tr/en). Test splits are read by checkworthiness.py only.

Inputs are the e5 query vector of ``clean_text(tweet)`` and minbar's surface features. Variants
(logistic regression, a one-hidden-layer MLP, with/without surface features, with/without an
auxiliary "verifiable claim" head) are scored by dev MAP averaged over the six dev sets; the
best is written to src/minbar/analysis/data/checkworthiness.npz.

    python benchmarks/train_checkworthiness.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from _common import emit, machine
from _cw_data import LANGS, assign_roles, load_all, vectors_for

from minbar.analysis.claims import SURFACE, surface_features

OUT = Path(__file__).resolve().parents[1] / "src" / "minbar" / "analysis" / "data"
DEV_SETS = [f"ct21/{lg}/dev" for lg in LANGS] + [f"ct22/{lg}/dev" for lg in LANGS]


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    """AP of one ranking (the CheckThat! scorer: mean precision at each positive, over all
    positives)."""
    order = np.argsort(-s, kind="stable")
    hits = np.asarray(y)[order] > 0
    if not hits.any():
        return 0.0
    prec = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(prec[hits].sum() / hits.sum())


def best_f1(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """(max F1 of the positive class, the threshold reaching it) over all cut points."""
    order = np.argsort(-p, kind="stable")
    ys, ps = np.asarray(y)[order] > 0, p[order]
    tp = np.cumsum(ys)
    prec, rec = tp / np.arange(1, len(ys) + 1), tp / max(1, ys.sum())
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0)
    i = int(np.argmax(f1))
    cut = (ps[i] + ps[i + 1]) / 2 if i + 1 < len(ps) else ps[i]
    return float(f1[i]), float(cut)


def f1_at(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    y, pred = np.asarray(y) > 0, p >= threshold
    tp = int((y & pred).sum())
    prec = tp / max(1, pred.sum())
    rec = tp / max(1, y.sum())
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"f1": round(f1, 4), "precision": round(prec, 4), "recall": round(rec, 4)}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def fit_head(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    hidden: int = 0,
    l2: float = 1e-3,
    epochs: int = 60,
    lr: float = 3e-3,
    seed: int = 0,
) -> dict:
    """Weighted (soft-label) cross-entropy with Adam: logistic regression when ``hidden`` is 0,
    else one ReLU layer. Returns the parameters as numpy arrays (the npz layout)."""
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    params = {}
    if hidden:
        params["W1"] = rng.normal(0, np.sqrt(2 / d), (d, hidden)).astype(np.float64)
        params["b1"] = np.zeros(hidden)
        params["w2"] = rng.normal(0, np.sqrt(1 / hidden), hidden)
    else:
        params["w2"] = np.zeros(d)
    params["b2"] = np.zeros(1)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    w = w / w.mean()
    step, batch = 0, 128
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            idx = order[start : start + batch]
            xb, yb, wb = X[idx], y[idx], w[idx]
            if hidden:
                h = np.maximum(0, xb @ params["W1"] + params["b1"])
                z = h @ params["w2"] + params["b2"][0]
            else:
                z = xb @ params["w2"] + params["b2"][0]
            g = (sigmoid(z) - yb) * wb / len(idx)
            grads = {"b2": np.array([g.sum()])}
            if hidden:
                grads["w2"] = h.T @ g + l2 * params["w2"]
                gh = np.outer(g, params["w2"]) * (h > 0)
                grads["W1"] = xb.T @ gh + l2 * params["W1"]
                grads["b1"] = gh.sum(0)
            else:
                grads["w2"] = xb.T @ g + l2 * params["w2"]
            step += 1
            for k, gk in grads.items():
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                mh, vh = m[k] / (1 - 0.9**step), v[k] / (1 - 0.999**step)
                params[k] -= lr * mh / (np.sqrt(vh) + 1e-8)
    return params


def logits(params: dict, X: np.ndarray) -> np.ndarray:
    if "W1" in params:
        return np.maximum(0, X @ params["W1"] + params["b1"]) @ params["w2"] + params["b2"][0]
    return X @ params["w2"] + params["b2"][0]


def platt(z: np.ndarray, y: np.ndarray, steps: int = 3000) -> tuple[float, float]:
    """Fit p = sigmoid(a*z + c) on dev by gradient descent (monotone, so ranking is unchanged)."""
    a, c = 1.0, 0.0
    zs = (z - z.mean()) / (z.std() or 1.0)
    for _ in range(steps):
        g = sigmoid(a * zs + c) - y
        a -= 0.1 * float((g * zs).mean())
        c -= 0.1 * float(g.mean())
    # Undo the standardisation: a*zs + c = (a/std)*z + (c - a*mean/std).
    std = z.std() or 1.0
    return a / std, c - a * z.mean() / std


class Data:
    """Design matrices of the train rows (deduplicated, soft labels) and of each dev set."""

    def __init__(self) -> None:
        rows = load_all()
        roles, groups = assign_roles(rows, with_groups=True)
        self.rows, self.roles = rows, roles
        keep = [i for i, role in enumerate(roles) if role in ("train", "dev")]
        vecs = vectors_for([rows[i].clean for i in keep])
        feats = surface_features([rows[i].clean for i in keep])
        self.vec = {i: vecs[j] for j, i in enumerate(keep)}
        self.feat = {i: feats[j] for j, i in enumerate(keep)}
        train_feats = np.stack([self.feat[i] for i in keep if roles[i] == "train"])
        self.feat_mean = train_feats.mean(0)
        self.feat_scale = train_feats.std(0) + 1e-6
        # One training example per duplicate group and task; label = mean of its copies' labels.
        self.train: dict[str, list] = {}
        for task in ("cw", "claim"):
            by_group: dict[int, list[int]] = defaultdict(list)
            for i in keep:
                if roles[i] == "train" and rows[i].task == task:
                    by_group[groups[i]].append(i)
            idx = [members[0] for members in by_group.values()]
            labels = np.array([np.mean([rows[i].label for i in m]) for m in by_group.values()])
            self.train[task] = [idx, labels]
        self.dev = {
            name: [i for i in keep if rows[i].source == name and roles[i] == "dev"]
            for name in DEV_SETS
        }

    def matrix(self, idx: list[int], surface: bool) -> np.ndarray:
        e5 = np.stack([self.vec[i] for i in idx]).astype(np.float64)
        if not surface:
            return e5
        f = (np.stack([self.feat[i] for i in idx]) - self.feat_mean) / self.feat_scale
        return np.hstack([e5, f])

    def weights(self, idx: list[int], balance: str) -> np.ndarray:
        """Per-row weights: ``none``, or ``lang`` (each language the same total weight)."""
        if balance == "none":
            return np.ones(len(idx))
        langs = [self.rows[i].lang for i in idx]
        count = {lg: langs.count(lg) for lg in set(langs)}
        return np.array([len(idx) / (len(count) * count[lg]) for lg in langs])


def fit_variant(data: Data, spec: dict) -> dict:
    """Train one variant: a cw head, and optionally an auxiliary claim head mixed in by ``beta``."""
    idx, y = data.train["cw"]
    X = data.matrix(idx, spec["surface"])
    hp = {k: spec[k] for k in ("hidden", "l2", "epochs", "lr") if k in spec}
    heads = [
        fit_head(X, y, data.weights(idx, spec["balance"]), seed=s, **hp)
        for s in range(spec.get("seeds", 1))
    ]
    model = {"cw": heads, "claim": [], "beta": 0.0}
    if spec.get("claim"):
        cidx, cy = data.train["claim"]
        Xc = data.matrix(cidx, spec["surface"])
        model["claim"] = [fit_head(Xc, cy, data.weights(cidx, spec["balance"]), seed=0, **hp)]
    return model


def model_logits(model: dict, X: np.ndarray, beta: float | None = None) -> np.ndarray:
    z = np.mean([logits(p, X) for p in model["cw"]], axis=0)
    if model["claim"]:
        b = model["beta"] if beta is None else beta
        z = z + b * np.mean([logits(p, X) for p in model["claim"]], axis=0)
    return z


def dev_map(data: Data, model: dict, surface: bool, beta: float | None = None) -> dict:
    out = {}
    for name, idx in data.dev.items():
        X = data.matrix(idx, surface)
        y = np.array([data.rows[i].label for i in idx])
        out[name] = round(average_precision(y, model_logits(model, X, beta)), 4)
    out["mean"] = round(float(np.mean([out[n] for n in DEV_SETS])), 4)
    return out


LR = {"hidden": 0, "surface": True, "balance": "none", "l2": 1e-3, "epochs": 40}
MLP = {"hidden": 128, "surface": True, "balance": "none", "l2": 1e-3, "epochs": 30, "lr": 1e-3}
VARIANTS = {
    "lr_e5": {**LR, "surface": False},
    "lr_e5_surface": LR,
    "lr_e5_surface_langbal": {**LR, "balance": "lang"},
    "lr_e5_surface_l2hi": {**LR, "l2": 1e-2},
    "lr_e5_surface_l2lo": {**LR, "l2": 1e-4},
    "mlp64_surface": {**MLP, "hidden": 64},
    "mlp64_e5": {**MLP, "hidden": 64, "surface": False},
    "mlp64_surface_l2lo": {**MLP, "hidden": 64, "l2": 1e-4},
    "mlp64_surface_x3": {**MLP, "hidden": 64, "seeds": 3},
    "mlp64_surface_l2lo_x3": {**MLP, "hidden": 64, "l2": 1e-4, "seeds": 3},
    "mlp64_surface_l2min": {**MLP, "hidden": 64, "l2": 1e-5},
    "mlp128_surface_l2lo": {**MLP, "l2": 1e-4},
    "mlp64_surface_l2lo_claim": {**MLP, "hidden": 64, "l2": 1e-4, "claim": True},
    "mlp128_surface_x3": {**MLP, "seeds": 3},
    "lr_e5_surface_claim": {**LR, "claim": True},
    "mlp128_surface_x3_claim": {**MLP, "seeds": 3, "claim": True},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT / "checkworthiness.npz")
    ap.add_argument("--variants", nargs="*", default=list(VARIANTS))
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = Data()
    report: dict = {
        "machine": machine(),
        "train_rows": {t: len(v[0]) for t, v in data.train.items()},
        "dev_rows": {n: len(v) for n, v in data.dev.items()},
        "variants": {},
    }
    best = None
    for name in args.variants:
        spec = VARIANTS[name]
        model = fit_variant(data, spec)
        if model["claim"]:
            # beta is a hyper-parameter: chosen on dev like the variant itself.
            scores = {b: dev_map(data, model, spec["surface"], b)["mean"] for b in (0.25, 0.5, 1.0)}
            model["beta"] = max(scores, key=scores.get)
        res = dev_map(data, model, spec["surface"])
        res["beta"] = model["beta"]
        report["variants"][name] = res
        print(name, json.dumps(res), flush=True)
        if best is None or res["mean"] > best[2]["mean"]:
            best = (name, model, res)
    name, model, res = best
    spec = VARIANTS[name]
    # Calibration and threshold on the pooled CT22 1A dev sets (the F1-scored task) plus CT21 dev.
    dev_idx = [i for n in DEV_SETS for i in data.dev[n]]
    Xd = data.matrix(dev_idx, spec["surface"])
    yd = np.array([data.rows[i].label for i in dev_idx], dtype=float)
    zd = model_logits(model, Xd)
    a, c = platt(zd, yd)
    ct22 = [j for j, i in enumerate(dev_idx) if data.rows[i].source.startswith("ct22/")]
    pd = sigmoid(a * zd + c)
    f1, threshold = best_f1(yd[ct22], pd[ct22])
    per_lang = {}
    for lg in LANGS:
        sel = [j for j in ct22 if data.rows[dev_idx[j]].lang == lg]
        per_lang[lg] = f1_at(yd[sel], pd[sel], threshold) | {
            "best_f1_own_threshold": round(best_f1(yd[sel], pd[sel])[0], 4)
        }
    report |= {
        "chosen": name,
        "spec": spec,
        "platt": [a, c],
        "threshold": threshold,
        "ct22_dev_pooled_f1": round(f1, 4),
        "ct22_dev_per_lang_at_threshold": per_lang,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    save(args.out, model, spec, data, a, c, threshold, name)
    emit(report)


def save(
    path: Path, model: dict, spec: dict, data: Data, a: float, c: float, thr: float, name: str
):
    """Write the npz read by minbar.analysis.claims: stacked heads (cw then claim, claim heads
    scaled by beta/len) so inference is a plain mean-free sum of logits."""
    arrays: dict[str, np.ndarray] = {}
    heads = [(p, 1.0 / len(model["cw"])) for p in model["cw"]]
    heads += [(p, model["beta"] / len(model["claim"])) for p in model["claim"]]
    for k, (p, scale) in enumerate(heads):
        for key, val in p.items():
            arrays[f"h{k}_{key}"] = val.astype(np.float32)
        arrays[f"h{k}_scale"] = np.array([scale], dtype=np.float32)
    meta = {
        "variant": name,
        "heads": len(heads),
        "surface": SURFACE if spec["surface"] else [],
        "platt": [a, c],
        "threshold": thr,
    }
    arrays["feat_mean"] = data.feat_mean.astype(np.float32)
    arrays["feat_scale"] = data.feat_scale.astype(np.float32)
    arrays["meta"] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)", flush=True)


if __name__ == "__main__":
    main()
