"""Story clustering: B-cubed quality (dev/test, per language, mono/cross-lingual, three arrival
orders), SemEval-2022 Task 8 pair similarity (ar-ar, tr-tr genuine rows), and the amortised
clustering cost per article with 100k articles in the store (SQLite and PostgreSQL).

    python benchmarks/stories.py [--tune] [--skip-speed] [--speed-n 100000]
    python benchmarks/stories.py --quality-only   # B-cubed per arrival order only, seconds
    python benchmarks/stories.py --db-orders      # through the database, chunks of 40, ~1 min

``--tune`` grid-searches the weights and the join threshold on the DEV half only (odd event
numbers) and prints the best; the shipped constants in ``minbar.stories.clustering`` are set
from it by hand. Results go to benchmarks/results/stories.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED, machine, pg_settings, sqlite_settings  # noqa: E402
from _stories_data import (  # noqa: E402
    bcubed,
    bcubed_mix,
    build_items,
    cached_vectors,
    entity_keys_fn,
    load_records,
)

from minbar.analysis.article_vectors import article_passage  # noqa: E402
from minbar.stories.clustering import (  # noqa: E402
    REGROUP,
    Item,
    Params,
    cluster_items,
    overlap,
    pair_similarity,
)
from minbar.text.dates import parse_datetime  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "stories.json"
SEMEVAL = SHARED / "semeval2022_task8"
LANGS = ("ar", "tr", "az", "en", "ru")


def orders(items: list[Item]) -> dict[str, list[Item]]:
    chrono = sorted(items, key=lambda i: (i.t, i.id))
    out = {"chronological": chrono, "reversed": chrono[::-1]}
    for seed in (1, 2, 3):
        shuffled = list(chrono)
        random.Random(seed).shuffle(shuffled)
        out[f"shuffled_{seed}"] = shuffled
    return out


def evaluate(items, records, params: Params, consolidate: bool = False, **how) -> dict:
    gold = {r["idx"]: r["event"] for r in records}
    lang = {r["idx"]: r["lang"] for r in records}
    subsets = {
        "all": set(gold),
        "dev": {r["idx"] for r in records if r["split"] == "dev"},
        "test": {r["idx"] for r in records if r["split"] == "test"},
    }
    out = {}
    for name, seq in orders(items).items():
        pred = cluster_items(seq, params, consolidate, **how)
        res = {k: bcubed(pred, gold, s) for k, s in subsets.items()}
        res["test_per_language"] = {
            lg: bcubed(pred, gold, {i for i in subsets["test"] if lang[i] == lg}) for lg in LANGS
        }
        res["all_per_language"] = {
            lg: bcubed(pred, gold, {i for i in subsets["all"] if lang[i] == lg}) for lg in LANGS
        }
        res["test_mix"] = bcubed_mix(pred, gold, lang, subsets["test"])
        res["all_mix"] = bcubed_mix(pred, gold, lang, subsets["all"])
        res["stories"] = len(set(pred.values()))
        out[name] = res
    return out


def fit_weights(items, records) -> tuple[float, float, float]:
    """Logistic regression (numpy, Newton, light L2) on DEV article pairs within 96 h:
    same event or not from cosine, entity overlap, number overlap and days apart. Returns the
    weights relative to the cosine's, i.e. the clusterer's (w_ent, w_num, w_time)."""
    dev = [i for i in items if records[i.id]["split"] == "dev"]
    feats, labels = [], []
    for a in range(len(dev)):
        for b in range(a + 1, len(dev)):
            x, y = dev[a], dev[b]
            gap = abs(x.t - y.t)
            if gap > 96:
                continue
            feats.append(
                [
                    1.0,
                    float(x.vec @ y.vec),
                    overlap(x.keys, set(y.keys)),
                    overlap(x.numbers, set(y.numbers)),
                    min(gap / 24.0, 3.0),
                ]
            )
            labels.append(records[x.id]["event"] == records[y.id]["event"])
    X, y = np.asarray(feats), np.asarray(labels, float)
    w = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + 1e-3 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + 1e-3 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w[2] / w[1], w[3] / w[1], -w[4] / w[1]


def tune(items, records) -> tuple[Params, float]:
    """Weights from :func:`fit_weights`, then the join threshold (and a scale on the non-vector
    weights, since stories are scored against their most frequent keys, not one article's) by
    mean B-cubed F1 of the DEV events over three arrival orders."""
    gold = {r["idx"]: r["event"] for r in records}
    dev = {r["idx"] for r in records if r["split"] == "dev"}
    seqs = list(orders(items).values())[:3]
    w_ent, w_num, w_time = fit_weights(items, records)
    print(
        f"pair logistic: w_ent {w_ent:.3f} w_num {w_num:.3f} w_time {w_time:.3f}", file=sys.stderr
    )
    best = (Params(), -1.0)
    for scale in (0.5, 0.75, 1.0, 1.25, 1.5):
        for join in np.round(np.arange(0.82, 1.20, 0.005), 3):
            params = Params(
                w_ent=round(w_ent * scale, 4),
                w_num=round(w_num * scale, 4),
                w_time=round(max(w_time, 0.0) * scale, 4),
                join=float(join),
            )
            f1 = float(np.mean([bcubed(cluster_items(s, params), gold, dev)["f1"] for s in seqs]))
            if f1 > best[1] + 1e-9:
                best = (params, f1)
    base = best[0]
    for merge in np.round(np.arange(base.join, base.join + 0.2, 0.02), 3).tolist() + [9.0]:
        params = Params(**{**base.__dict__, "merge": merge})
        f1 = float(np.mean([bcubed(cluster_items(s, params, True), gold, dev)["f1"] for s in seqs]))
        print(f"merge {merge}: dev F1 {f1:.4f}", file=sys.stderr)
    return best


def tune_regroup(items, records) -> float:
    """The regrouping cut (average linkage, order-free) by B-cubed F1 of the DEV events."""
    gold = {r["idx"]: r["event"] for r in records}
    dev = {r["idx"] for r in records if r["split"] == "dev"}
    best = (REGROUP, -1.0)
    for cut in np.round(np.arange(0.80, 0.95, 0.005), 3).tolist():
        pred = cluster_items(items, Params(regroup=cut), regrouped=True)
        f1 = bcubed(pred, gold, dev)["f1"]
        print(f"regroup {cut}: dev F1 {f1:.4f}", file=sys.stderr)
        if f1 > best[1] + 1e-9:
            best = (cut, f1)
    return best[0]


def developing_link(items, records, params: Params) -> dict:
    """Does the Van rebuilding follow-up (x-e10, 18 days later) start its own story linked to
    the Van earthquake story (p1-e01), rather than joining it?"""
    from minbar.stories.clustering import Clusterer

    clusterer = Clusterer(params=params)
    for item in sorted(items, key=lambda i: (i.t, i.id)):
        clusterer.add(item)
    ev = {r["idx"]: r["event"] for r in records}
    quake = {id(clusterer.story_of(i)) for i, e in ev.items() if e == "p1-e01"}
    follow = [clusterer.story_of(i) for i, e in ev.items() if e == "x-e10"]
    ids = {id(s): s.id for s in clusterer.stories}
    parents = {s.parent_id for s in follow}
    return {
        "followup_joined_old_story": bool({id(s) for s in follow} & quake),
        "followup_parent_is_quake_story": bool(parents & {ids[q] for q in quake}),
    }


def db_path(
    settings_cm,
    label: str,
    records,
    items,
    chunk: int = 40,
    arrival: str = "chronological",
    consolidation: bool = False,
) -> dict:
    """The same set through the real pipeline: ingest (near-duplicate links included), the
    article vectors ``minbar enrich`` would compute (from the cache), entity rows as the entity
    stage writes them, then :func:`cluster_pending` in batches of arrival (``arrival``: a key of
    :func:`orders`), and with ``consolidation`` the periodic consolidation (the hourly job's
    call, :func:`consolidate` with its defaults) after every batch."""
    from sqlalchemy import insert

    from minbar.analysis.embeddings import to_bytes
    from minbar.ingest.prepare import prepare_batch
    from minbar.models import ArticleIn
    from minbar.store.repository import Store
    from minbar.store.schema import article_entities, article_vectors
    from minbar.stories.stage import cluster_pending, consolidate, load_items

    by_idx = {i.id: i for i in items}
    order = [records[i.id] for i in orders(items)[arrival]]
    with settings_cm() as settings:
        store = Store.open(settings)
        art_of = {}
        t0 = time.perf_counter()
        if chunk >= len(order):
            order = order[::-1]  # a backfill stored newest first: the stage takes it as one batch
        for k in range(0, len(order), chunk):  # arrival in chunks, clustered as they come
            part = order[k : k + chunk]
            ids = store.add_articles(
                prepare_batch(
                    [
                        ArticleIn(
                            url=r["url"],
                            title=r["title"],
                            text=r["text"],
                            published=parse_datetime(r["published"]),
                            source=r["source"],
                            lang=r["lang"],
                        )
                        for r in part
                    ]
                )
            ).article_ids
            with store.engine.begin() as conn:
                conn.execute(
                    insert(article_vectors),
                    [
                        {"article_id": a, "vector": to_bytes(by_idx[r["idx"]].vec)}
                        for a, r in zip(ids, part, strict=True)
                    ],
                )
                ents = [
                    {"article_id": a, "key": key, "canonical": key.split(":", 1)[-1],
                     "type": key.split(":", 1)[0][:8], "mention": key, "count": 1}
                    for a, r in zip(ids, part, strict=True)
                    for key in sorted(by_idx[r["idx"]].keys)
                ]  # fmt: skip
                if ents:
                    conn.execute(insert(article_entities), ents)
            art_of.update({a: r["idx"] for a, r in zip(ids, part, strict=True)})
            cluster_pending(store)
            if consolidation:
                consolidate(store)
        seconds = time.perf_counter() - t0
        assert len(load_items(store, list(art_of))) == len(art_of)
        from minbar.stories.provenance import list_stories

        pred = {
            art_of[a]: s["id"] for s in list_stories(store, limit=10_000) for a in s["article_ids"]
        }
        store.close()
    gold = {r["idx"]: r["event"] for r in records}
    lang = {r["idx"]: r["lang"] for r in records}
    test = {r["idx"] for r in records if r["split"] == "test"}
    return {
        "backend": label,
        "arrival_chunk": chunk,
        "arrival": arrival,
        "consolidation_after_each_chunk": consolidation,
        "all": bcubed(pred, gold),
        "test": bcubed(pred, gold, test),
        "test_per_language": {
            lg: bcubed(pred, gold, {i for i in test if lang[i] == lg}) for lg in LANGS
        },
        "seconds": round(seconds, 1),
    }


# --- SemEval-2022 Task 8 --------------------------------------------------------------------


def semeval_rows() -> dict[str, list[dict]]:
    csv.field_size_limit(10**9)
    base = SEMEVAL / "official_urls_labels"
    genuine = set()
    for name in (
        "semeval-2022_task8_train-data_batch.csv",
        "semeval-2022_task8_train-data_batch2.csv",
    ):
        with (base / name).open(encoding="utf-8") as fh:
            genuine |= {r["pair_id"] for r in csv.DictReader(fh)}
    out: dict[str, dict[str, dict]] = {"ar": {}, "tr": {}}
    for name in ("training_set.csv", "testing_set.csv"):
        with (SEMEVAL / "hfl_sample_texts" / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                lg = r["lang1"]
                if lg in out and r["lang2"] == lg and r["pair_id"] in genuine:
                    out[lg].setdefault(r["pair_id"], r)
    return {k: list(v.values()) for k, v in out.items()}


def pearson(a, b) -> float:
    return float(np.corrcoef(np.asarray(a, float), np.asarray(b, float))[0, 1])


def semeval(params: Params, keys: tuple) -> dict:
    from minbar.stories.features import article_text, numbers

    name, keys_fn = keys
    out = {
        "entity_keys": name,
        "note": "genuine training pairs of the HFL sample files, not "
        "the official evaluation set (whose texts are not available offline)",
    }
    for lg, rows in semeval_rows().items():
        texts = [r["text1"] for r in rows] + [r["text2"] for r in rows]
        vecs = cached_vectors([article_passage("", t) for t in texts], f"semeval_{lg}")
        n = len(rows)
        items = [
            Item(
                id=k,
                vec=vecs[k],
                t=0.0,
                lang=lg,
                keys=keys_fn(article_text("", t), lg),
                numbers=numbers(article_text("", t)),
            )
            for k, t in enumerate(texts)
        ]
        sims = [pair_similarity(items[k], items[n + k], params, use_time=False) for k in range(n)]
        cos = [float(items[k].vec @ items[n + k].vec) for k in range(n)]
        gold = [-float(r["Overall"]) for r in rows]  # 1 = very similar
        out[f"{lg}-{lg}"] = {
            "pairs": n,
            "pearson": round(pearson(sims, gold), 4),
            "pearson_cosine_only": round(pearson(cos, gold), 4),
        }
    return out


# --- speed ----------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(settings_cm, label: str, n_store: int, n_new: int, records, seed_vecs) -> dict:
    """Amortised cost of :func:`cluster_pending` for ``n_new`` articles with ``n_store``
    already clustered (synthetic stories around real vectors, 90 days, most of them closed)."""
    from sqlalchemy import insert

    from minbar.analysis.embeddings import to_bytes
    from minbar.store.repository import Store
    from minbar.store.schema import (
        article_stages,
        article_vectors,
        articles,
        stories,
        story_articles,
    )
    from minbar.stories.stage import cluster_pending

    rng = np.random.default_rng(7)
    end = datetime(2026, 12, 1, tzinfo=UTC)
    start = end - timedelta(days=90)

    def noisy(v, sigma):
        x = v + rng.normal(0, sigma, v.shape).astype(np.float32)
        return (x / np.linalg.norm(x)).astype(np.float32)

    with settings_cm() as settings:
        store = Store.open(settings)
        t0 = time.perf_counter()
        art_rows, vec_rows, st_rows, link_rows, stage_rows = [], [], [], [], []
        aid = sid = 0
        centers = []
        while aid < n_store:
            sid += 1
            size = min(int(rng.geometric(0.3)), n_store - aid)
            center = noisy(seed_vecs[rng.integers(len(seed_vecs))], 0.03)
            t_story = start + timedelta(hours=float(rng.uniform(0, 90 * 24 - 24)))
            vsum = np.zeros_like(center)
            first = last = None
            for _ in range(size):
                aid += 1
                rec = records[rng.integers(len(records))]
                at = t_story + timedelta(hours=float(rng.uniform(0, 30)))
                vec = noisy(center, 0.02)
                vsum += vec
                first, last = min(first or at, at), max(last or at, at)
                art_rows.append(_article_row(aid, rec, at))
                vec_rows.append({"article_id": aid, "vector": to_bytes(vec)})
                link_rows.append(
                    {"article_id": aid, "story_id": sid, "similarity": None, "joined_at": end}
                )
                stage_rows.append({"article_id": aid, "stage": "story", "done_at": end})
            centers.append((center, last))
            st_rows.append(
                {
                    "id": sid,
                    "title": "t",
                    "titles": "{}",
                    "languages": "[]",
                    "first_article_id": aid,
                    "first_published": first,
                    "last_published": last,
                    "article_count": size,
                    "centroid": to_bytes(vsum),
                    "entities": "{}",
                    "status": "closed" if last < end - timedelta(hours=72) else "open",
                    "created_at": end,
                    "updated_at": end,
                }
            )
        with store.engine.begin() as conn:
            for table, rows in (
                (articles, art_rows),
                (article_vectors, vec_rows),
                (stories, st_rows),
                (story_articles, link_rows),
                (article_stages, stage_rows),
            ):
                for k in range(0, len(rows), 5000):
                    conn.execute(insert(table), rows[k : k + 5000])
        if store.dialect == "postgresql":
            from sqlalchemy import text

            with store.engine.begin() as conn:
                conn.execute(text("SELECT setval('stories_id_seq', :n)"), {"n": sid})
                conn.execute(text("SELECT setval('articles_id_seq', :n)"), {"n": aid})
                conn.execute(text("ANALYZE"))
        build_s = time.perf_counter() - t0
        recent = [c for c, last in centers if last > end - timedelta(hours=48)]
        new_rows, new_vecs = [], []
        for k in range(n_new):
            aid += 1
            rec = records[rng.integers(len(records))]
            at = end + timedelta(minutes=float(k) * 720 / n_new)
            if k % 2 and recent:
                vec = noisy(recent[rng.integers(len(recent))], 0.02)
            else:
                vec = noisy(noisy(seed_vecs[rng.integers(len(seed_vecs))], 0.03), 0.02)
            new_rows.append(_article_row(aid, rec, at))
            new_vecs.append({"article_id": aid, "vector": to_bytes(vec)})
        with store.engine.begin() as conn:
            conn.execute(insert(articles), new_rows)
            conn.execute(insert(article_vectors), new_vecs)
        tracemalloc.start()
        t0 = time.perf_counter()
        done = cluster_pending(store)
        total = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
    return {
        "backend": label,
        "articles_in_store": n_store,
        "stories_in_store": sid,
        "new_articles": done,
        "build_store_s": round(build_s, 1),
        "total_s": round(total, 2),
        "ms_per_article": round(1000 * total / max(done, 1), 2),
        "python_peak_alloc_mb": round(peak / 2**20, 1),
        "process_max_rss_mb": round(_rss_mb(), 1),
    }


def _article_row(aid: int, rec: dict, at: datetime) -> dict:
    return {
        "id": aid,
        "url": f"https://synthetic.example/{aid}",
        "canonical_url": f"https://synthetic.example/{aid}",
        "title": rec["title"],
        "text": rec["text"],
        "text_norm": "",
        "text_stem": "",
        "lang": rec["lang"],
        "published": at,
        "fetched_at": at,
        "content_hash": f"{aid:064x}",
        "word_count": 0,
    }


def db_orders(records, items, result: dict) -> None:
    """Chunks of 40 in every arrival order through both backends, online only and followed by
    the consolidation; writes benchmarks/results/stories_db_orders.json."""
    result["when"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
    rows = result["db_path_chunks_of_40"] = []
    for label, cm in (("sqlite", sqlite_settings), ("postgresql", pg_settings)):
        for consolidation in (False, True):
            for arrival in orders(items):
                r = db_path(cm, label, records, items, 40, arrival, consolidation)
                rows.append(r)
                print(
                    f"{label:10} {arrival:13} consolidation={consolidation!s:5} "
                    f"all {r['all']['f1']:.3f} test {r['test']['f1']:.3f} {r['seconds']} s",
                    flush=True,
                )
    out = RESULTS.with_name("stories_db_orders.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-semeval", action="store_true")
    ap.add_argument("--speed-n", type=int, default=100_000)
    ap.add_argument("--speed-new", type=int, default=1000)
    ap.add_argument("--keys", choices=("auto", "fallback"), default="auto")
    ap.add_argument("--skip-db", action="store_true", help="skip the SQLite/PostgreSQL path")
    ap.add_argument("--quality-only", action="store_true", help="B-cubed only (seconds)")
    ap.add_argument(
        "--db-orders",
        action="store_true",
        help="only: through SQLite and PostgreSQL in chunks of 40 in all five arrival orders, "
        "with and without the periodic consolidation after each chunk (~1 min)",
    )
    args = ap.parse_args()
    records = load_records()
    keys_name, keys_fn = entity_keys_fn(args.keys == "fallback")
    items = build_items(records, keys_fn=keys_fn)
    params = Params()
    result: dict = {"machine": machine(), "entity_keys": keys_name}
    if args.db_orders:
        db_orders(records, items, result)
        return
    if args.quality_only:
        args.skip_speed = args.skip_semeval = args.skip_db = True
    if args.tune:
        print(f"regroup cut on dev: {tune_regroup(items, records)}", file=sys.stderr)
        best, f1 = tune(items, records)
        print(f"best on dev: {best} F1 {f1:.4f}", file=sys.stderr)
        result["tuned_on_dev"] = {**best.__dict__, "dev_f1": round(f1, 4)}
    result["params"] = params.__dict__
    events = {r["event"] for r in records}
    result["dataset"] = {
        "articles": len(records),
        "events": sum(1 for e in events if "single" not in e),
        "singletons": sum(1 for e in events if "single" in e),
        "per_language": {lg: sum(r["lang"] == lg for r in records) for lg in LANGS},
    }
    result["quality"] = evaluate(items, records, params)
    result["quality_with_consolidation"] = {
        k: {s: v[s] for s in ("all", "dev", "test")}
        for k, v in evaluate(items, records, params, consolidate=True).items()
    }
    # Arrival-order independence (docs/round2/names-and-stories.md): the order-free consolidation
    # (online assignment, then everything regrouped by average linkage) and arrival in batches.
    result["quality_regrouped"] = {
        k: {s: v[s] for s in ("all", "dev", "test", "test_per_language", "test_mix")}
        for k, v in evaluate(items, records, params, regrouped=True).items()
    }
    for size in (40, 1000):
        result[f"quality_batches_of_{size}"] = {
            k: {s: v[s] for s in ("all", "dev", "test")}
            for k, v in evaluate(items, records, params, batch=size).items()
        }
    result["developing_story"] = developing_link(items, records, params)
    if not args.skip_db:
        result["db_path_chronological"] = [
            db_path(sqlite_settings, "sqlite", records, items),
            db_path(pg_settings, "postgresql", records, items),
        ]
        # a backfill: the whole set pending at once (regrouped by the stage), any storage order
        result["db_path_one_batch"] = [
            db_path(sqlite_settings, "sqlite", records, items, chunk=1000),
            db_path(pg_settings, "postgresql", records, items, chunk=1000),
        ]
    if not args.skip_semeval:
        result["semeval2022_task8"] = semeval(params, (keys_name, keys_fn))
    if not args.skip_speed:
        seeds = cached_vectors(
            [article_passage(r["title"], r["text"]) for r in records], "articles"
        )
        result["speed"] = [
            speed(sqlite_settings, "sqlite", args.speed_n, args.speed_new, records, seeds),
            speed(pg_settings, "postgresql", args.speed_n, args.speed_new, records, seeds),
        ]
    from _stories_data import NER_FAILURES

    result["entity_extraction_failures"] = len(NER_FAILURES)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS.with_name("stories_orders.json") if args.quality_only else RESULTS
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "quality"}, indent=2, default=str))
    for part in ("quality", "quality_regrouped", "quality_batches_of_40"):
        print(part)
        for name, res in result[part].items():
            print(" ", name, "all", res["all"], "test", res["test"], "dev", res["dev"])


if __name__ == "__main__":
    main()
