"""Benchmark the shipped check-worthiness model (minbar.analysis.claims), per language.

* CheckThat! 2021 Task 1A **test** (ar 600, tr 1013, en 350 tweets): MAP, the official metric
  (one ranking per language, AP over all positives, as the lab's scorer).
* CheckThat! 2022 Task 1A **dev_test** (ar 691, tr 660, en 574; the official test gold is not
  public): F1 of the positive class at the shipped threshold (official metric), with P/R, and MAP.
* benchmarks/data/checkworthy_az_ru.jsonl: 48 news-style sentences each in az and ru written and
  labelled for minbar (24 check-worthy factual claims, 24 opinions/announcements/questions/
  trivia): ROC AUC, and P/R/F1 at the threshold. No public az/ru check-worthiness set exists.
* Speed: sentences/s of ``score()`` with and without precomputed e5 vectors (demo sentences).

Tweets are cleaned with ``clean_text`` (as in training) and scored from the cached e5 vectors
(benchmarks/_cw_data.py). Writes benchmarks/results/checkworthiness.json.

    python benchmarks/checkworthiness.py
"""

from __future__ import annotations

import json
import time

import numpy as np
from _common import ROOT, emit, machine
from _cw_data import LANGS, load_all, vectors_for
from train_checkworthiness import average_precision, best_f1, f1_at

from minbar import demo
from minbar.analysis.claims import get_checkworthiness
from minbar.analysis.embeddings import get_embedder
from minbar.text.sentences import split_sentences

AZ_RU = ROOT / "benchmarks" / "data" / "checkworthy_az_ru.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "checkworthiness.json"
#: From memory of the CLEF overview papers, NOT verified against a public source here.
LEADERBOARD_CT21_1A_MAP = {"ar": 0.658, "tr": 0.581, "en": 0.224}


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    y = np.asarray(y) > 0
    pos, neg = s[y], s[~y]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def tweet_scores(rows) -> np.ndarray:
    model = get_checkworthiness()
    clean = [r.clean for r in rows]
    return model.score(clean, [r.lang for r in rows], vectors=vectors_for(clean))


def checkthat() -> dict:
    rows = load_all()
    out: dict = {"ct21_1a_test": {}, "ct22_1a_dev_test": {}}
    thr = get_checkworthiness().threshold
    for lg in LANGS:
        test = [r for r in rows if r.source == f"ct21/{lg}/test"]
        s = tweet_scores(test)
        y = np.array([r.label for r in test])
        out["ct21_1a_test"][lg] = {
            "n": len(test),
            "positives": int(y.sum()),
            "map": round(average_precision(y, s), 4),
            "leaderboard_1st_map_from_memory": LEADERBOARD_CT21_1A_MAP[lg],
        }
        dt = [r for r in rows if r.source == f"ct22/{lg}/test"]
        s = tweet_scores(dt)
        y = np.array([r.label for r in dt])
        out["ct22_1a_dev_test"][lg] = {
            "n": len(dt),
            "positives": int(y.sum()),
            **f1_at(y, s, thr),
            "oracle_best_f1": round(best_f1(y, s)[0], 4),
            "map": round(average_precision(y, s), 4),
        }
    return out


def az_ru() -> dict:
    items = [json.loads(line) for line in AZ_RU.read_text(encoding="utf-8").splitlines() if line]
    model = get_checkworthiness()
    s = model.score([i["text"] for i in items], [i["lang"] for i in items])
    out = {}
    for lg in ("az", "ru"):
        sel = [k for k, i in enumerate(items) if i["lang"] == lg]
        y = np.array([items[k]["label"] for k in sel])
        out[lg] = {
            "n": len(sel),
            "positives": int(y.sum()),
            "auc": round(roc_auc(y, s[sel]), 4),
            "map": round(average_precision(y, s[sel]), 4),
            **f1_at(y, s[sel], model.threshold),
            "errors_at_threshold": [
                {"id": items[k]["id"], "label": items[k]["label"], "score": round(float(s[k]), 3)}
                for k in sel
                if bool(s[k] >= model.threshold) != bool(items[k]["label"])
            ],
        }
    return out


def speed(n: int = 200) -> dict:
    """Scoring throughput on demo news sentences (all five languages)."""
    sents: list[tuple[str, str]] = []
    for art in demo.load_articles():
        sents += [(s, art["lang"]) for s in split_sentences(art["text"], art["lang"])]
    sents = sents[:n]
    texts, langs = [s for s, _ in sents], [lg for _, lg in sents]
    model = get_checkworthiness()
    get_embedder().queries(texts[:4])  # load the model outside the timing
    t0 = time.perf_counter()
    full = model.score(texts, langs)
    t_full = time.perf_counter() - t0
    vecs = get_embedder().queries(texts)
    t0 = time.perf_counter()
    head = model.score(texts, langs, vectors=vecs)
    t_head = time.perf_counter() - t0
    return {
        "sentences": len(texts),
        "sentences_per_s_embedding_included": round(len(texts) / t_full, 1),
        "sentences_per_s_with_vectors": round(len(texts) / t_head, 1),
        "max_abs_diff_vectors_vs_embedding": float(np.abs(full - head).max()),
        "checkworthy_share_at_threshold": round(float(model.checkworthy(head).mean()), 3),
    }


def main() -> None:
    model = get_checkworthiness()
    result = {
        "machine": machine(),
        "model": {"variant": model.variant, "threshold": round(model.threshold, 4)},
        **checkthat(),
        "az_ru_news_sentences": az_ru(),
        "speed": speed(),
        "notes": (
            "CT21 leaderboard numbers are from memory (unverified). CT22 1A official test gold "
            "is not public: dev_test is used as the held-out test. Training excluded every "
            "tweet of these test sets (same id or same cleaned text)."
        ),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    emit(result)


if __name__ == "__main__":
    main()
