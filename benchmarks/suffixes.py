"""Turkish/Azerbaijani suffix handling on benchmarks/data/inflections_az_tr.json.

A pair counts as linked when a search for the base form finds a document holding only the
inflected form: one of the query stems of the base (``normalize.query_stems``, what search and
keyword watchlists use) is among the stems the document indexes (``normalize.doc_stems``). A
negative pair (two distinct words) is a wrong merge when a search for either finds the other.
Compares the shipped stemmer with the former 5-letter prefix (decision D4) on the same list.

    python benchmarks/suffixes.py [--split dev|test|all] [--show]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from minbar.text.normalize import doc_stems, fold_token, light_tokens, query_stems

DATA = Path(__file__).resolve().parent / "data" / "inflections_az_tr.json"


def prefix5(query: str, doc: str, lang: str) -> bool:
    return fold_token(light_tokens(query)[0])[:5] == fold_token(light_tokens(doc)[0])[:5]


def shipped(query: str, doc: str, lang: str) -> bool:
    q, d = light_tokens(query)[0], light_tokens(doc)[0]
    return bool(set(query_stems(q, lang)) & set(doc_stems(d, lang)))


def evaluate(split: str, show: bool = False) -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    pos = [p for p in data["positive"] if split == "all" or p["split"] == split]
    neg = [p for p in data["negative"] if split == "all" or p["split"] == split]
    out = {}
    for name, fn in (("prefix5", prefix5), ("shipped", shipped)):
        ok = defaultdict(lambda: [0, 0])
        for p in pos:
            hit = fn(p["base"], p["form"], p["lang"])
            ok[p["lang"]][0] += hit
            ok[p["lang"]][1] += 1
            if show and not hit and name == "shipped":
                print("MISS", p["lang"], p["base"], p["form"])
        merged = []
        for p in neg:
            if fn(p["a"], p["b"], p["lang"]) or fn(p["b"], p["a"], p["lang"]):
                merged.append(f"{p['a']}={p['b']}")
        if show and name == "shipped":
            print("MERGED", merged)
        n = sum(v[1] for v in ok.values())
        out[name] = {
            "linked": round(sum(v[0] for v in ok.values()) / max(1, n), 4),
            "n": n,
            "per_lang": {k: f"{v[0]}/{v[1]}" for k, v in sorted(ok.items())},
            "wrong_merges": f"{len(merged)}/{len(neg)}",
            "merged": merged,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    print(json.dumps(evaluate(args.split, args.show), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
