"""People across scripts: does every spelling of one person get one entity key?

benchmarks/data/names_xscript.json: 66 people, each written in Azerbaijani Latin, English Latin,
Russian Cyrillic and Arabic; 20 pairs of *different* people with near-identical names (Əliyev /
Əliyeva / Алиева). Each spelling goes through ``EntityRecognizer.resolve(name, lang)``, what quote
speakers and entity extraction use. A person is *linked* when all four spellings get the same key;
a near pair is a *wrong merge* when both get the same key.

benchmarks/data/names_xscript_dev2.json (``--split dev2``): a second development list of 71
further people and 35 near-name pairs, same shape, written before the round-3 key changes; the
rules are tuned on dev + dev2, the test half of names_xscript.json is run once at the end.

    python benchmarks/names_xscript.py [--split dev|dev2|test|all] [--show] [--data FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from minbar.analysis.entities import get_recognizer

DATA = Path(__file__).resolve().parent / "data" / "names_xscript.json"
DATA_DEV2 = DATA.with_name("names_xscript_dev2.json")


def key_of(rec, text: str, lang: str) -> str | None:
    m = rec.resolve(text, lang)
    return m.key if m else None


def evaluate(split: str = "all", show: bool = False, data_path: Path | None = None) -> dict:
    """Linking and near-name merges of one split; ``dev2`` reads names_xscript_dev2.json (its
    own near pairs), the others names_xscript.json (``data_path`` overrides the file)."""
    path = data_path or (DATA_DEV2 if split == "dev2" else DATA)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rec = get_recognizer()
    names = [n for n in data["names"] if split == "all" or n["split"] == split]
    linked = pairs = pairs_ok = 0
    by_script = {}
    misses = []
    for n in names:
        keys = [key_of(rec, t, lang) for t, lang in n["spellings"]]
        ok = None not in keys and len(set(keys)) == 1
        linked += ok
        ref = keys[0]
        for (_t, lang), k in zip(n["spellings"][1:], keys[1:], strict=True):
            pairs += 1
            pairs_ok += k is not None and k == ref
            s = by_script.setdefault(lang, [0, 0])
            s[0] += k is not None and k == ref
            s[1] += 1
        if not ok:
            texts = [t for t, _ in n["spellings"]]
            misses.append({"id": n["id"], "keys": list(zip(texts, keys, strict=True))})
    merges = []
    for a, b in data["near"]:
        ka, kb = key_of(rec, *a), key_of(rec, *b)
        if ka is not None and ka == kb:
            merges.append(f"{a[0]} = {b[0]} ({ka})")
    if show:
        for m in misses:
            print("MISS", m)
        for m in merges:
            print("MERGE", m)
    return {
        "split": split,
        "people": len(names),
        "linked_all_four": round(linked / max(1, len(names)), 4),
        "linked_count": f"{linked}/{len(names)}",
        "pairs_with_az_spelling": f"{pairs_ok}/{pairs}",
        "per_script_vs_az": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_script.items())},
        "near_pairs": len(data["near"]),
        "wrong_merges": merges,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "dev2", "test", "all"), default="dev")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--data", type=Path, help="another list of the same shape")
    args = ap.parse_args()
    r = evaluate(args.split, args.show, args.data)
    print(json.dumps(r, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
