"""Full enrichment throughput: articles/s for every stage after ingest, per-stage breakdown,
per-language cost of the analysis stage, and peak memory.

Corpus: the demo articles (five languages) plus SaudiNewsNet articles (Arabic news, real length)
ingested into a fresh store, with the demo fact-checks imported so the matching stage does real
work. Then ``minbar.enrichment.enrich`` runs once over everything, exactly as ``minbar enrich``.

    python benchmarks/enrich_throughput.py [--saudi 300] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from _common import emit, fresh_store, machine, saudi_files

from minbar import demo
from minbar.analysis.analyze import analyze_texts
from minbar.enrichment import enrich
from minbar.ingest.pipeline import ingest
from minbar.matching.factchecks import import_factchecks


def per_language(records: list[dict]) -> dict:
    """Analysis stage alone (sentences, e5 sentence vectors, check-worthiness, entities, quotes)
    per language, on the demo articles of that language, plus the share spent embedding."""
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_lang[r["lang"]].append(r)
    analyze_texts(["warm up the models."], ["en"])
    out = {}
    for lang, arts in sorted(by_lang.items()):
        t0 = time.perf_counter()
        results = analyze_texts(
            [a["text"] for a in arts], [lang] * len(arts), titles=[a["title"] for a in arts]
        )
        dt = time.perf_counter() - t0
        sentences = sum(len(a.sentences) for a in results)
        out[lang] = {
            "articles": len(arts),
            "articles_per_s": round(len(arts) / dt, 2),
            "sentences_per_article": round(sentences / len(arts), 1),
            "sentences_per_s": round(sentences / dt, 1),
            "checkworthy_share": round(
                sum(int(a.checkworthy.sum()) for a in results) / max(sentences, 1), 3
            ),
            "quotes_per_article": round(sum(len(a.quotes) for a in results) / len(arts), 2),
            "entities_per_article": round(
                sum(len({e.key for e in a.entities}) for a in results) / len(arts), 2
            ),
        }
    return out


def cache_stats() -> dict:
    """Dense texts served from the embedder's cache (copies, repeated sentences) vs encoded."""
    from minbar.analysis.embeddings import get_embedder

    e = get_embedder()
    return {"hits": getattr(e, "hits", None), "encoded": getattr(e, "misses", None)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--saudi", type=int, default=300, help="SaudiNewsNet articles to add")
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    ap.add_argument("--no-demo", action="store_true", help="SaudiNewsNet articles only")
    ap.add_argument("--skip-per-language", action="store_true")
    args = ap.parse_args()
    info = machine()
    demo_records = demo.load_articles()
    saudi = json.loads(saudi_files()[0].read_text(encoding="utf-8"))[: args.saudi]
    with tempfile.TemporaryDirectory() as tmp, fresh_store(args.backend) as (store, settings):
        extra = Path(tmp) / "saudi.json"
        extra.write_text(json.dumps(saudi, ensure_ascii=False), encoding="utf-8")
        inputs = [] if args.no_demo else [str(p) for p in demo.article_files()]
        inputs.append(str(extra))
        report = ingest(store, inputs, settings)
        import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
        from minbar.analysis.embeddings import get_embedder

        emb = get_embedder()
        emb.hits = emb.misses = 0  # count the enrichment only, not the fact-check import
        t0 = time.perf_counter()
        result = enrich(store)
        total = time.perf_counter() - t0
        cache = cache_stats()
    n = result.enriched
    stages = {
        name: {
            "seconds": round(sec, 2),
            "articles_per_s": round(n / sec, 1) if sec else None,
            "share": round(sec / total, 3),
        }
        for name, sec in result.seconds.items()
    }
    emit(
        {
            "machine": info,
            "backend": args.backend,
            "articles": n,
            "ingested": report.ingested,
            "enrich_seconds": round(total, 2),
            "articles_per_s": round(n / total, 2),
            "target_articles_per_s": 20,
            "stages": stages,
            "result": result.to_dict(),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "embedding_cache": cache,
            "analysis_per_language_demo": None
            if args.skip_per_language
            else per_language(demo_records),
        }
    )


if __name__ == "__main__":
    main()
