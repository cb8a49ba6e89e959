"""Search latency (p50/p95/p99) of ``Store.search`` on a 1,000,000-article SQLite store.

The store is built once by a bulk path (``benchmarks/_bigcorpus.py``: recombined SaudiNewsNet +
demo texts, keys computed with the library's own normaliser, rows inserted directly, FTS5 rebuilt)
and cached under ``../.bench/search-<N>/`` (``--rebuild`` rebuilds it). The query set (seeded)
mixes 1-3-word queries in ar/tr/az/en/ru: very common words and stopwords, rare words, phrases,
typing variants (unvocalised/vocalised Arabic, ASCII and upper-case Turkish, az without ə,
upper-case Russian), and queries with lang/date/source filters. One warm-up pass, then
``--reps`` measured passes; each sample is the wall time of one ``Store.search`` call (connection
checkout included). The slowest queries are then diagnosed: FTS match count, the same ranking
done in the FTS table alone, an unranked match, and the query plan.

    python benchmarks/search_latency.py [--articles 1000000] [--rebuild] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bigcorpus as big  # noqa: E402
from _common import CACHE_DIR, Timer, emit, machine, percentiles  # noqa: E402
from sqlalchemy import event  # noqa: E402

from minbar.config import Settings  # noqa: E402
from minbar.store.repository import Store  # noqa: E402
from minbar.store.search import Filters, fts5_expression, query_terms  # noqa: E402
from minbar.text.normalize import lower  # noqa: E402

TARGET_P95_MS = 50.0
WORD = re.compile(r"[^\W\d_]{2,}")
AR_TYPED = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
TR_ASCII = str.maketrans("şğıçöüŞĞİÇÖÜəƏ", "sgicouSGICOUeE")


@dataclass
class Query:
    cls: str
    text: str
    filters: Filters = field(default_factory=Filters)
    samples: list[float] = field(default_factory=list)
    hits: int = 0


def tr_upper(s: str) -> str:
    return s.replace("i", "İ").replace("ı", "I").upper()


def vocalise(word: str) -> str:
    return "".join(ch + ("\u064e" if n % 2 == 0 else "") for n, ch in enumerate(word))


def make_queries(pools: dict, rng: random.Random) -> list[Query]:
    out: list[Query] = []
    per_lang = {"ar": 15, "tr": 5, "az": 5, "en": 5, "ru": 5}
    for lang, k in per_lang.items():
        p = pools[lang]
        df: Counter = Counter()
        for _, sents in p.articles:
            df.update({lower(w) for s in sents for w in WORD.findall(s)})
        ranked = [w for w, _ in df.most_common()]
        out += [Query(f"{lang}_stopword", w) for w in ranked[:2]]
        common = [w for w in ranked[:300] if len(w) >= 4][:40]
        out += [Query(f"{lang}_common_1w", w) for w in rng.sample(common, k)]
        rare = sorted(w for w, c in df.items() if c == 1 and len(w) >= 6)
        out += [Query(f"{lang}_rare_1w", w) for w in rng.sample(rare, k)]
        for n_words in (2, 3):
            for _ in range(k if n_words == 2 else max(3, k * 2 // 3)):
                while True:
                    words = WORD.findall(rng.choice(p.sentences))
                    if len(words) > n_words:
                        break
                j = rng.randrange(len(words) - n_words + 1)
                out.append(Query(f"{lang}_{n_words}w", " ".join(words[j : j + n_words])))
        variant_words = {
            "ar": [w for w in common + rare if re.search("[أإآةى]", w)],
            "tr": [w for w in common + rare if re.search("[şğıçöü]", w)],
            "az": [w for w in common + rare if "ə" in w],
            "ru": common + rare,
            "en": [],
        }[lang]
        if not variant_words:
            continue
        picks = rng.sample(variant_words, min(len(variant_words), 10 if lang == "ar" else 5))
        if lang == "ar":
            out += [Query("ar_unvocalised_typed", w.translate(AR_TYPED)) for w in picks]
            out += [Query("ar_vocalised", vocalise(w)) for w in picks[:5]]
        elif lang == "tr":
            out += [Query("tr_ascii", w.translate(TR_ASCII)) for w in picks]
            out += [Query("tr_upper", tr_upper(w)) for w in picks[:3]]
        elif lang == "az":
            out += [Query("az_no_schwa", w.replace("ə", "e")) for w in picks]
        else:
            out += [Query("ru_upper", w.upper()) for w in picks[:3]]
    base = [q for q in out if not q.cls.endswith("stopword")]
    start = big.START
    for kind, n in (("lang", 20), ("date", 15), ("lang_date", 10), ("source", 5)):
        for q in rng.sample(base, n):
            lang = q.cls.split("_")[0]
            since = start + timedelta(days=rng.randrange(330))
            f = Filters()
            if "lang" in kind:
                f.lang = lang
            if "date" in kind:
                f.since, f.until = since, since + timedelta(days=30)
            if kind == "source":
                f.source = rng.choice(pools[lang].sources)
            out.append(Query(f"filter_{kind}", q.text, f))
    return out


def ensure_corpus(n: int, rebuild: bool) -> tuple[Path, dict]:
    path = CACHE_DIR / f"search-{n}"
    meta_path = path / "meta.json"
    if rebuild or not meta_path.exists():
        print(f"building {n:,} articles under {path} …", file=sys.stderr)
        meta = big.build(path, n, log=lambda m: print(m, file=sys.stderr))
        meta.update(index_size(path / "minbar.db"))
        meta_path.write_text(json.dumps(meta, indent=2))
    return path, json.loads(meta_path.read_text())


def index_size(db: Path) -> dict:
    conn = sqlite3.connect(db)
    sizes: dict[str, int] = defaultdict(int)
    try:
        for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            group = "fts" if name.startswith("articles_fts") else name
            sizes[group] += size
    except sqlite3.OperationalError as exc:  # dbstat not compiled in
        return {"db_bytes": db.stat().st_size, "dbstat": str(exc)}
    finally:
        conn.close()
    total = db.stat().st_size
    return {
        "db_bytes": total,
        "fts_bytes": sizes["fts"],
        "fts_share": round(sizes["fts"] / total, 3),
        "articles_table_bytes": sizes["articles"],
        "largest_objects_mb": {
            k: round(v / 1e6, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:8]
        },
    }


def diagnose(db: Path, q: Query, sql: str, params: dict) -> dict:
    conn = sqlite3.connect(db)
    expr = fts5_expression(query_terms(q.text, q.filters.lang))

    def ms(stmt, args):
        t = time.perf_counter()
        rows = conn.execute(stmt, args).fetchall()
        return round((time.perf_counter() - t) * 1000, 1), rows

    _, ((matches,),) = ms("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (expr,))
    t_rank, _ = ms(
        "SELECT rowid, -bm25(articles_fts, 1.0, 0.5) AS s FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY s DESC LIMIT 20",
        (expr,),
    )
    t_plain, _ = ms("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT 20", (expr,))
    join = (
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
    )
    t_join, _ = ms(f"SELECT count(*) {join}", (expr,))
    t_join_wide, _ = ms(f"SELECT count(a.published) {join}", (expr,))
    plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    return {
        "class": q.cls,
        "query": q.text,
        "filters": {k: str(v) for k, v in vars(q.filters).items() if v and k != "limit"},
        "median_ms": round(statistics.median(q.samples), 1),
        "fts_matches": matches,
        "fts_only_bm25_top20_ms": t_rank,
        "fts_unranked_first20_ms": t_plain,
        "join_all_matches_ms": t_join,
        "join_all_matches_read_published_ms": t_join_wide,
        "plan": plan,
    }


def match_counts(db: Path, queries: list[Query]) -> dict:
    """FTS match count per query, and latency by match-count bucket."""
    conn = sqlite3.connect(db)
    buckets: dict[str, list[float]] = defaultdict(list)
    rare_slow = []
    for q in queries:
        expr = fts5_expression(query_terms(q.text, q.filters.lang))
        sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
        n = conn.execute(sql, (expr,)).fetchone()[0]
        edge = next(e for e in (1_000, 10_000, 100_000, 10**9) if n < e)
        buckets[f"< {edge:,}" if edge < 10**9 else ">= 100,000"].extend(q.samples)
        if "rare" in q.cls and statistics.median(q.samples) > TARGET_P95_MS:
            terms = query_terms(q.text, q.filters.lang)
            rare_slow.append({"query": q.text, "terms": terms, "fts_matches": n})
    conn.close()
    return {
        "latency_ms_by_fts_matches": {b: percentiles(v) for b, v in buckets.items()},
        "rare_queries_over_target": rare_slow,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000, help="corpus size (default 1M)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus")
    ap.add_argument("--reps", type=int, default=3, help="measured passes (default 3)")
    ap.add_argument("--slowest", type=int, default=12, help="queries to diagnose (default 12)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    result: dict = {"benchmark": "search_latency", "machine": machine()}
    path, meta = ensure_corpus(args.articles, args.rebuild)
    result["corpus"] = meta | {"path": str(path)}
    queries = make_queries(big.load_pools(), random.Random(args.seed))
    store = Store.open(Settings(data_dir=path))
    captured: dict[int, tuple[str, dict]] = {}
    current: list[Query] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany):
        if current and "articles_fts MATCH" in statement:
            captured[id(current[0])] = (statement, parameters)

    with Timer() as warm:
        for q in queries:
            current[:] = [q]
            q.hits = len(store.search(q.text, q.filters))
    current.clear()
    for _ in range(args.reps):
        for q in queries:
            t = time.perf_counter()
            store.search(q.text, q.filters)
            q.samples.append((time.perf_counter() - t) * 1000)
    store.close()
    every = [s for q in queries for s in q.samples]
    by_cls: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        by_cls[q.cls].extend(q.samples)
    result["queries"] = {
        "n": len(queries),
        "classes": {c: sum(q.cls == c for q in queries) for c in by_cls},
        "with_no_hits": sum(q.hits == 0 for q in queries),
        "warmup_pass_s": round(warm.seconds, 1),
    }
    result["latency_ms"] = percentiles(every)
    result["latency_ms_per_class"] = {c: percentiles(v) for c, v in sorted(by_cls.items())}
    p95 = result["latency_ms"]["p95"]
    result["target"] = {
        "p95_ms": TARGET_P95_MS,
        "measured_p95_ms": p95,
        "met": p95 <= TARGET_P95_MS,
    }
    slow = sorted(queries, key=lambda q: -statistics.median(q.samples))[: args.slowest]
    db = path / "minbar.db"
    result["slowest"] = [diagnose(db, q, *captured[id(q)]) for q in slow if id(q) in captured]
    result.update(match_counts(db, queries))
    result["fastest_median_ms"] = round(min(statistics.median(q.samples) for q in queries), 2)
    result["no_hit_queries"] = [(q.cls, q.text) for q in queries if q.hits == 0][:20]
    emit(result)


if __name__ == "__main__":
    main()
