"""Alert evaluation cost with 1,000 active watchlists, semantic matching as one matrix product,
and digest generation time.

The 168 demo articles (five languages) are ingested and enriched into a fresh store, then

* 1,000 keyword + entity watchlists (500 each: keywords drawn from the corpus' own words —
  single words, two-word AND queries, OR alternatives, quoted phrases — and words it does not
  contain; entity keys drawn from the corpus' stored entities and unknown ones) are evaluated
  over every article with :func:`minbar.watch.evaluate.evaluate_articles` (end to end: SQL
  reads, matching, alert inserts), repeated; and the matching core alone (no SQL);
* 1,000 semantic watchlists (e5 query vectors) against a batch of article vectors: one
  (1000 × 384) · (384 × batch) product;
* a committee digest (HTML, then PDF through WeasyPrint).

    .venv/bin/python benchmarks/alerts.py [--pg]   # writes benchmarks/results/alerts.json
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import emit, fresh_store, machine, percentiles  # noqa: E402
from minbar.store import watchlists as wstore  # noqa: E402
from minbar.store.schema import alerts, article_entities, article_stages, articles  # noqa: E402

DEMO = ROOT / "src" / "minbar" / "demo" / "data"
OUT = ROOT / "benchmarks" / "results" / "alerts.json"
N_WATCHLISTS = 1000
REPEATS = 5


def keyword_queries(rng: random.Random, titles: list[str], n: int) -> list[str]:
    words = sorted({w for t in titles for w in t.split() if len(w) >= 5 and w.isalpha()})
    out = []
    for i in range(n):
        shape = i % 5
        a, b = rng.choice(words), rng.choice(words)
        if shape == 0:
            out.append(a)
        elif shape == 1:
            out.append(f"{a} {b}")
        elif shape == 2:
            out.append(f"{a} OR {b} OR xqzzy{i}")
        elif shape == 3:
            out.append(f'"{a} {b}"')
        else:
            out.append(f"nothingmatches{i} zzword{i}")
    return out


def setup(store, settings, rng: random.Random) -> list[int]:
    from sqlalchemy import insert, select

    from minbar.enrichment import enrich
    from minbar.ingest.pipeline import ingest

    ingest(store, [str(p) for p in sorted(DEMO.glob("articles_p*.jsonl"))], settings)
    enrich(store)
    with store.engine.begin() as conn:
        ids = list(conn.execute(select(articles.c.id).order_by(articles.c.id)).scalars())
        titles = list(conn.execute(select(articles.c.title)).scalars())
        keys = sorted(set(conn.execute(select(article_entities.c.key)).scalars()))
        from minbar.store.schema import committees

        cid = conn.execute(
            insert(committees).values(
                slug="bench", name="Bench", names="{}", created_at=wstore.utcnow()
            )
        ).inserted_primary_key[0]
    half = N_WATCHLISTS // 2
    for q in keyword_queries(rng, titles, half):
        wstore.add_watchlist(
            store,
            {"committee_id": cid, "name": q[:50], "kind": "keyword", "query": q, "params": {}},
            [],
        )
    for i in range(half):
        key = rng.choice(keys) if i % 2 == 0 else f"PER:~nobody{i}"
        wstore.add_watchlist(
            store,
            {"committee_id": cid, "name": key, "kind": "entity", "query": key,
             "params": {"keys": [key]}},
            [],
        )  # fmt: skip
    return ids


def reset(store) -> None:
    from sqlalchemy import delete

    with store.engine.begin() as conn:
        conn.execute(delete(alerts))
        conn.execute(delete(article_stages).where(article_stages.c.stage == "watch"))


def bench_end_to_end(store, ids: list[int]) -> dict:
    from minbar.watch.evaluate import evaluate_articles

    per_article = []
    n_alerts = 0
    for _ in range(REPEATS):
        reset(store)
        t0 = time.perf_counter()
        n_alerts = evaluate_articles(store, ids)
        per_article.append((time.perf_counter() - t0) * 1000 / len(ids))
    return {"ms_per_article": percentiles(per_article), "alerts": n_alerts}


def bench_core(store, ids: list[int]) -> dict:
    from minbar.watch.evaluate import _entity, _keyword

    wls = wstore.list_watchlists(store, active_only=True)
    rows = wstore.articles_for_eval(store, ids)
    _keyword(wls, rows[:1], {})  # build the cached index once
    times = []
    for r in rows:
        t0 = time.perf_counter()
        hits: dict = {}
        _keyword(wls, [r], hits)
        times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    _entity(store, wls, rows, {})
    entity_ms = (time.perf_counter() - t0) * 1000 / len(rows)
    t0 = time.perf_counter()
    from minbar.watch.keywords import KeywordIndex

    KeywordIndex((w["id"], w["query"]) for w in wls if w["kind"] == "keyword")
    build_ms = (time.perf_counter() - t0) * 1000
    return {
        "keyword_match_ms_per_article": percentiles(times),
        "entity_ms_per_article_incl_sql": round(entity_ms, 3),
        "keyword_index_build_ms_500": round(build_ms, 1),
    }


def bench_semantic(store, ids: list[int], rng: np.random.Generator) -> dict:
    from minbar.analysis.embeddings import get_embedder

    vec_ids, vecs = wstore.vectors_of(store, ids)
    base = get_embedder().queries(["earthquake in Turkey", "gas exports", "peace talks"])
    q = base[rng.integers(0, len(base), N_WATCHLISTS)] + rng.normal(0, 0.02, (N_WATCHLISTS, 384))
    q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    from minbar.watch.vectors import similarities

    th = np.full(N_WATCHLISTS, 0.83, dtype=np.float32)
    out = {}
    for batch in (1, 16, len(vec_ids)):
        v = vecs[:batch]
        times = []
        for _ in range(50):
            t0 = time.perf_counter()
            np.nonzero(similarities(q, v) >= th[:, None])
            times.append((time.perf_counter() - t0) * 1000)
        out[f"batch_{batch}"] = {"ms_per_batch": percentiles(times),
                                 "ms_per_article": round(float(np.median(times)) / batch, 4)}  # fmt: skip
    return out


def bench_digest(store) -> dict:
    from minbar.watch.digest import build_digest, to_pdf

    cid = wstore.committee_id(store, "bench")
    t0 = time.perf_counter()
    d = build_digest(store, cid, "week", "ar")
    html_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    pdf = to_pdf(d["html"])
    pdf_ms = (time.perf_counter() - t0) * 1000
    return {"html_ms": round(html_ms, 1), "pdf_ms": round(pdf_ms, 1), "pdf_bytes": len(pdf),
            "alerts_listed": d["alerts"], "stories": d["stories"]}  # fmt: skip


def main() -> None:
    backends = ["sqlite", "postgres"] if "--pg" in sys.argv else ["sqlite"]
    result = {"machine": machine(), "watchlists": N_WATCHLISTS, "backends": {}}
    for backend in backends:
        with fresh_store(backend) as (store, settings):
            ids = setup(store, settings, random.Random(7))
            result["articles"] = len(ids)
            result["backends"][backend] = {
                "end_to_end_keyword_entity": bench_end_to_end(store, ids),
                "core": bench_core(store, ids),
                "semantic_1000": bench_semantic(store, ids, np.random.default_rng(7)),
                "digest": bench_digest(store),
            }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    emit(result)


if __name__ == "__main__":
    main()
