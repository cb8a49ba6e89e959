"""Cross-lingual fact-check matching on the project's own set (benchmarks/data/xling_claims.json).

Queries restate a bundled demo fact-check in a *different* language; unrelated and topical
near-miss queries must return nothing. Reports acc@1 (the top returned match checks the query's
claim; no match counts as wrong), per query language and per ordered language pair, false matches
on the unrelated queries, and the candidate recall before the no-match cut.

    python benchmarks/match_xling.py [--split all|dev|test] [--dump FILE]
    python benchmarks/match_xling.py --nearmiss    # the near-miss DEV set (nearmiss_dev.json)

``--nearmiss`` runs benchmarks/data/nearmiss_dev.json instead: its extra fact-check joins the
demo ones; near-misses must return nothing, its restatements must find the extra fact-check.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from minbar import demo
from minbar.config import Settings
from minbar.matching.factchecks import import_factchecks
from minbar.matching.match import Matcher
from minbar.matching.rerank import Reranker
from minbar.store.factchecks import get_factchecks
from minbar.store.repository import Store

DATA = Path(__file__).resolve().parent / "data" / "xling_claims.json"


def split_of(query: dict) -> str:
    """dev or test. Restatements are split by fact-check *group* (even group number = dev), so
    no claim has restatements in both halves; unrelated queries by id parity. (Until 2026-12 the
    split was by query id, so every claim was seen in training and in the test half.)"""
    key = query["group"] or query["id"]
    return "dev" if int(key[1:]) % 2 == 0 else "test"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all")
    ap.add_argument("--dump", type=Path, help="write per-query scores (JSONL) for calibration")
    ap.add_argument("--model", type=Path, help="re-ranker weights to evaluate (default: shipped)")
    ap.add_argument("--nearmiss", action="store_true", help="the near-miss dev set instead")
    args = ap.parse_args()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    group_of_url = {u: g["id"] for g in data["groups"] for u in g["factchecks"]}
    queries = [q for q in data["queries"] if args.split == "all" or split_of(q) == args.split]
    extra: list[dict] = []
    if args.nearmiss:
        from train_reranker import nearmiss_queries

        extra, queries = nearmiss_queries()
        args.split = "nearmiss_dev"
        group_of_url.update({f["url"]: f["id"] for f in extra})
        data["groups"] = data["groups"] + [{"id": f["id"], "factchecks": [f["url"]]} for f in extra]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp)
        store = Store.open(settings)
        import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
        reranker = None
        if args.model:
            reranker = Reranker.from_json(json.loads(args.model.read_text(encoding="utf-8")))
        matcher = Matcher(store.engine, reranker=reranker)
        if extra:
            from train_reranker import add_extra_factchecks

            add_extra_factchecks(store, matcher, extra)
        urls = {i: f.url for i, f in get_factchecks(store.engine, list(range(1, 10_000))).items()}
        t0 = time.time()
        qvecs = matcher.embedder.queries([q["text"] for q in queries])
        rows = []
        for q, qvec in zip(queries, qvecs, strict=True):
            scored = matcher.score(q["text"], q["lang"], qvec)
            rows.append(
                {
                    "id": q["id"],
                    "lang": q["lang"],
                    "group": q["group"],
                    "hard": q.get("hard", False),
                    "cands": [
                        (
                            group_of_url[urls[c.factcheck_id]],
                            round(p, 4),
                            round(c.cos, 4),
                            p >= matcher.threshold(c, q["lang"]),
                        )
                        for c, p in scored[:10]
                    ],
                }
            )
        seconds = time.time() - t0
    thr = matcher.reranker.threshold
    if matcher.same_reranker is not None:
        thr = {"cross-language": thr, "same-language": matcher.same_reranker.threshold}
    fc_langs = defaultdict(set)
    for g in data["groups"]:
        for u in g["factchecks"]:
            fc_langs[g["id"]].add(u)
    per_lang = defaultdict(lambda: [0, 0])
    per_pair = defaultdict(lambda: [0, 0])
    lang_of_url = {}
    for p in demo.factcheck_files():
        for fc in json.loads(p.read_text(encoding="utf-8")):
            lang_of_url[fc["url"]] = fc["inLanguage"]
    lang_of_url.update({f["url"]: f["lang"] for f in extra})
    correct = total = recall5 = false_matches = unrelated = hard_ok = hard_n = 0
    fm_lang = defaultdict(lambda: [0, 0])
    for r in rows:
        top = [c for c in r["cands"] if c[3]]
        if r["group"] is None:
            unrelated += 1
            false_matches += bool(top)
            fm_lang[r["lang"]][0] += bool(top)
            fm_lang[r["lang"]][1] += 1
            continue
        total += 1
        ok = bool(top) and top[0][0] == r["group"]
        correct += ok
        recall5 += any(c[0] == r["group"] for c in r["cands"][:5])
        per_lang[r["lang"]][0] += ok
        per_lang[r["lang"]][1] += 1
        if r["hard"]:
            hard_ok += ok
            hard_n += 1
        for lg in {lang_of_url[u] for u in fc_langs[r["group"]]} - {r["lang"]}:
            per_pair[f"{r['lang']}->{lg}"][0] += ok
            per_pair[f"{r['lang']}->{lg}"][1] += 1
    if args.dump:
        args.dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(
        json.dumps(
            {
                "split": args.split,
                "threshold": thr,
                "queries": total,
                "acc@1": round(correct / max(1, total), 4),
                "candidate_recall@5": round(recall5 / max(1, total), 4),
                "hard_acc@1": round(hard_ok / max(1, hard_n), 4),
                "hard": hard_n,
                "unrelated": unrelated,
                "false_matches": false_matches,
                "false_matches_per_lang": {k: f"{a}/{b}" for k, (a, b) in sorted(fm_lang.items())},
                "per_query_lang_n": {k: f"{a}/{b}" for k, (a, b) in sorted(per_lang.items())},
                "per_query_lang": {k: round(v[0] / v[1], 3) for k, v in sorted(per_lang.items())},
                "per_pair": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_pair.items())},
                "ms_per_query": round(1000 * seconds / len(rows), 1),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
