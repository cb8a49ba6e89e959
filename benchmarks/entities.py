"""Entity recognition and cross-script linking, per language and type.

Measures, with no embeddings (fast enough for CI gates):

* P/R/F1 per language and type (PER/ORG/LOC) on ``benchmarks/data/entities_gold.jsonl`` — 40
  news sentences per language (the same 40 stories in ar/tr/az/en/ru, written by us), split by
  line parity into dev (even lines, used for tuning) and test (odd lines, reported only);
  *exact* (same span and type) and *lenient* (overlapping span, same type);
* cross-script linking: over pairs of found gold mentions, how often mentions of the same gold
  entity get the same key (pair recall), and how often different entities share one (false
  merges) — for all entities and for people in no shipped list (skeleton keys);
* F1 on ``../shared/data/az_ner_mnahmadov`` (Azerbaijani, encyclopedic, token BIO; DATE
  ignored): ``sents/tags`` as dev, ``test-*`` as test;
* speed: ms per demo article (168 articles, 5 languages) and per 3,000 characters.

    .venv/bin/python benchmarks/entities.py            # writes benchmarks/results/entities.json
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import AZ_NER_DIR, emit, machine  # noqa: E402
from minbar.analysis.entities import get_recognizer  # noqa: E402
from minbar.analysis.transliterate import skeleton  # noqa: E402

GOLD = ROOT / "benchmarks" / "data" / "entities_gold.jsonl"
OUT = ROOT / "benchmarks" / "results" / "entities.json"
DEMO = ROOT / "src" / "minbar" / "demo" / "data"
LANGS = ("ar", "tr", "az", "en", "ru")
TYPES = ("PER", "ORG", "LOC")


def load_gold(split: str | None = None) -> list[dict]:
    """Gold sentences; ``split`` = "dev" (even lines), "test" (odd lines) or None (all)."""
    rows = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]
    if split is None:
        return rows
    parity = 0 if split == "dev" else 1
    return [r for i, r in enumerate(rows) if i % 2 == parity]


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score_spans(
    gold: list[tuple[int, int, str]], pred: list[tuple[int, int, str]], lenient: bool
) -> dict[str, list[int]]:
    """Per-type [tp, fp, fn]; lenient counts an overlapping span of the same type."""
    counts = {t: [0, 0, 0] for t in TYPES}
    used: set[int] = set()
    for gs, ge, gt in gold:
        hit = None
        for k, (ps, pe, pt) in enumerate(pred):
            if k in used or pt != gt:
                continue
            if (ps, pe) == (gs, ge) or (lenient and ps < ge and gs < pe):
                hit = k
                break
        if hit is None:
            counts[gt][2] += 1
        else:
            used.add(hit)
            counts[gt][0] += 1
    for k, (_, _, pt) in enumerate(pred):
        if k not in used:
            counts[pt][1] += 1
    return counts


def _table(per_lang: dict[str, dict[str, list[int]]]) -> dict:
    out = {}
    for lang, counts in per_lang.items():
        row = {t: _prf(*counts[t]) for t in TYPES}
        row["all"] = _prf(*(sum(counts[t][i] for t in TYPES) for i in range(3)))
        out[lang] = row
    return out


def evaluate_gold(rows: list[dict], rec) -> dict:
    exact = {lang: {t: [0, 0, 0] for t in TYPES} for lang in LANGS}
    lenient = {lang: {t: [0, 0, 0] for t in TYPES} for lang in LANGS}
    linked: list[tuple[str, str, bool]] = []  # (gold key, predicted key, listed entity?)
    errors = []
    listed = set(rec.gaz.by_key)
    for row in rows:
        pred = rec.extract(row["text"], row["lang"])
        g = [(e["start"], e["end"], e["type"]) for e in row["entities"]]
        p = [(m.start, m.end, m.type) for m in pred]
        for store, len_ in ((exact, False), (lenient, True)):
            for t, c in score_spans(g, p, len_).items():
                for i in range(3):
                    store[row["lang"]][t][i] += c[i]
        for e in row["entities"]:
            m = next(
                (
                    m
                    for m in pred
                    if m.type == e["type"] and m.start < e["end"] and e["start"] < m.end
                ),
                None,
            )
            if m is not None:
                linked.append((e["key"], m.key, m.key in listed))
        missed = sorted(set(g) - set(p))
        spurious = sorted(set(p) - set(g))
        if missed or spurious:
            errors.append(
                {
                    "id": row["id"],
                    "missed": [row["text"][s:e] + f" ({t})" for s, e, t in missed],
                    "spurious": [row["text"][s:e] + f" ({t})" for s, e, t in spurious],
                }
            )
    return {
        "exact": _table(exact),
        "lenient": _table(lenient),
        "linking": linking(linked),
        "errors": errors,
    }


def skeleton_agreement(rows: list[dict]) -> dict:
    """How often the consonant skeleton alone joins spellings of one person: over pairs of gold
    PER mentions (gold spans, so detection errors do not count) in different languages."""
    mentions = [
        (e["key"], skeleton(e["text"], row["lang"]), row["lang"])
        for row in rows
        for e in row["entities"]
        if e["type"] == "PER"
    ]
    same = same_ok = diff = diff_bad = 0
    for (g1, s1, l1), (g2, s2, l2) in combinations(mentions, 2):
        if l1 == l2:
            continue
        if g1 == g2:
            same += 1
            same_ok += s1 == s2
        else:
            diff += 1
            diff_bad += s1 == s2
    return {
        "cross_language_pairs": same,
        "pair_recall": round(same_ok / same, 3) if same else None,
        "false_merge_rate": round(diff_bad / diff, 4) if diff else None,
    }


def linking(linked: list[tuple[str, str, bool]]) -> dict:
    """Pair recall (same gold entity → same key) and false merges (different → same key)."""

    def pairs(items):
        same = same_ok = diff = diff_bad = 0
        for (g1, p1, _), (g2, p2, _) in combinations(items, 2):
            if g1 == g2:
                same += 1
                same_ok += p1 == p2
            else:
                diff += 1
                diff_bad += p1 == p2
        return {
            "same_entity_pairs": same,
            "pair_recall": round(same_ok / same, 3) if same else None,
            "false_merge_rate": round(diff_bad / diff, 4) if diff else None,
        }

    by_gold: dict[str, list[str]] = defaultdict(list)
    for g, p, _ in linked:
        by_gold[g].append(p)
    unknown_people = [x for x in linked if x[0].startswith("PER:") and x[1].startswith("PER:~")]
    unknown_gold = {g for g, p, _ in unknown_people}
    return {
        "all": pairs(linked),
        "people_in_no_list": pairs([x for x in linked if x[0] in unknown_gold]),
        "entities_one_key_across_5_langs": sum(
            1 for keys in by_gold.values() if len(keys) >= 5 and len(set(keys)) == 1
        ),
        "entities_with_5_found_mentions": sum(1 for keys in by_gold.values() if len(keys) >= 5),
    }


# --- az_ner (token BIO) ------------------------------------------------------------------------


def load_az_ner(split: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence joined by spaces, gold char spans) for ``dev`` (sents/tags) or ``test``."""
    prefix = "test-" if split == "test" else ""
    sents = (AZ_NER_DIR / f"{prefix}sents.txt").read_text("utf-8").splitlines()
    tags = (AZ_NER_DIR / f"{prefix}tags.txt").read_text("utf-8").splitlines()
    out = []
    for sent, tag in zip(sents, tags, strict=True):
        words, labels = sent.split(" "), tag.split(" ")
        if len(words) != len(labels):
            continue
        offsets, pos = [], 0
        for w in words:
            offsets.append((pos, pos + len(w)))
            pos += len(w) + 1
        spans, cur = [], None
        for (s, e), lab in zip(offsets, labels, strict=True):
            kind = lab[2:] if lab != "O" else None
            if lab.startswith("B-") or (lab.startswith("I-") and (cur is None or cur[2] != kind)):
                if cur:
                    spans.append(tuple(cur))
                cur = [s, e, kind]
            elif lab.startswith("I-"):
                cur[1] = e
            else:
                if cur:
                    spans.append(tuple(cur))
                cur = None
        if cur:
            spans.append(tuple(cur))
        out.append((" ".join(words), [sp for sp in spans if sp[2] in TYPES]))
    return out


def evaluate_az_ner(split: str, rec) -> dict:
    exact = {t: [0, 0, 0] for t in TYPES}
    lenient = {t: [0, 0, 0] for t in TYPES}
    data = load_az_ner(split)
    for text, gold in data:
        pred = [(m.start, m.end, m.type) for m in rec.extract(text, "az")]
        for store, len_ in ((exact, False), (lenient, True)):
            for t, c in score_spans(gold, pred, len_).items():
                for i in range(3):
                    store[t][i] += c[i]
    return {
        "sentences": len(data),
        "exact": _table({"az": exact})["az"],
        "lenient": _table({"az": lenient})["az"],
    }


# --- speed -------------------------------------------------------------------------------------


def speed(rec, repeats: int = 5) -> dict:
    articles = []
    for path in sorted(DEMO.glob("articles_p*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                a = json.loads(line)
                articles.append((a.get("title", "") + "\n\n" + a.get("text", ""), a.get("lang")))
    chars = sum(len(t) for t, _ in articles)
    for text, lang in articles:  # warm the token-form cache as a long-running worker would
        rec.extract(text, lang)
    best = best_cpu = float("inf")
    for _ in range(repeats):  # wall and CPU time: the CPU figure is steadier on a shared box
        t0, c0 = time.perf_counter(), time.process_time()
        for text, lang in articles:
            rec.extract(text, lang)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    per_lang: dict[str, float] = {}
    for lang in LANGS:
        sub = [(t, lg) for t, lg in articles if lg == lang]
        t0 = time.perf_counter()
        for text, lg in sub:
            rec.extract(text, lg)
        per_lang[lang] = round(1000 * (time.perf_counter() - t0) / max(1, len(sub)), 2)
    return {
        "articles": len(articles),
        "mean_chars": round(chars / len(articles)),
        "ms_per_article": round(1000 * best / len(articles), 2),
        "ms_per_3000_chars": round(1000 * best / chars * 3000, 2),
        "cpu_ms_per_3000_chars": round(1000 * best_cpu / chars * 3000, 2),
        "ms_per_article_by_lang": per_lang,
    }


def main() -> None:
    t0 = time.perf_counter()
    rec = get_recognizer()
    build_s = time.perf_counter() - t0
    result = {"machine": machine(), "build_seconds": round(build_s, 2)}
    for split in ("dev", "test"):
        result[f"gold_{split}"] = evaluate_gold(load_gold(split), rec)
    result["gold_all_linking"] = evaluate_gold(load_gold(), rec)["linking"]
    result["gold_all_linking"]["skeleton_only_gold_spans"] = skeleton_agreement(load_gold())
    if AZ_NER_DIR.exists():
        result["az_ner_dev"] = evaluate_az_ner("dev", rec)
        result["az_ner_test"] = evaluate_az_ner("test", rec)
    result["speed"] = speed(rec)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    summary = {k: v for k, v in result.items() if not k.startswith("gold_")}
    summary["gold_test_exact_f1"] = {
        lang: row["all"]["f1"] for lang, row in result["gold_test"]["exact"].items()
    }
    summary["gold_test_lenient_f1"] = {
        lang: row["all"]["f1"] for lang, row in result["gold_test"]["lenient"].items()
    }
    summary["gold_dev_exact_f1"] = {
        lang: row["all"]["f1"] for lang, row in result["gold_dev"]["exact"].items()
    }
    summary["linking"] = result["gold_all_linking"]
    emit(summary)


if __name__ == "__main__":
    main()
