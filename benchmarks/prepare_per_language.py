"""Per-language cost of the language-dependent ingest stage (prepare: normalise, stem, language
ID, hashes, MinHash) on the demo articles, each language's articles repeated to ~1,000.

The end-to-end ingest benchmark (ingest_throughput.py) uses SaudiNewsNet, which is Arabic only;
the storage half of ingest does not depend on the language, this half does.

    python benchmarks/prepare_per_language.py [--copies 30]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

from _common import machine

from minbar import demo
from minbar.ingest.prepare import prepare_batch
from minbar.models import ArticleIn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=30)
    args = ap.parse_args()
    by_lang: dict[str, list[ArticleIn]] = defaultdict(list)
    for r in demo.load_articles():
        by_lang[r["lang"]].append(ArticleIn(url=r["url"], title=r["title"], text=r["text"]))
    prepare_batch(by_lang["en"][:5])  # load lingua once
    out = {}
    for lang, arts in sorted(by_lang.items()):
        batch = arts * args.copies
        t0 = time.perf_counter()
        for start in range(0, len(batch), 500):
            prepare_batch(batch[start : start + 500])
        dt = time.perf_counter() - t0
        words = sum(len(a.text.split()) for a in batch)
        out[lang] = {
            "articles": len(batch),
            "articles_per_s": round(len(batch) / dt, 1),
            "words_per_s": round(words / dt),
        }
    print(json.dumps({"machine": machine(), "prepare": out}, indent=2))


if __name__ == "__main__":
    main()
