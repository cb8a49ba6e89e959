"""A large synthetic SQLite store for search benchmarks, built by a bulk path.

Articles are recombined from real texts: SaudiNewsNet (Arabic) and the demo corpus (tr, az, en,
ru). Article ``i`` is generated from its own seeded RNG (so two worker processes can each make a
share): pick a language by ``LANG_MIX``, take a base article of that language, replace about half
of its sentences by random sentences of other articles of the same language, swap adjacent words
and substitute random words (drawn from the language's running text, so word frequencies stay
Zipfian), give it one of the language's outlets (25 in all) and a random date over a year.

Rows get the same keys the ingest path computes (``prepare_batch`` minus language detection and
MinHash): ``text_norm`` = title+body tokens, ``text_stem`` = ``stem_key``, ``content_hash`` of the
body key. They are inserted into ``articles`` with ``executemany`` in large transactions, then the
FTS5 index is rebuilt once. ``minhash`` stays NULL and ``article_bands`` empty (search does not
read them). The schema comes from ``Store.open`` (Alembic migrations), so it is the real one.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

from _common import saudi_records

from minbar.config import Settings
from minbar.demo import load_articles
from minbar.store.repository import Store
from minbar.text.dedup import canonical_url, content_hash
from minbar.text.normalize import search_key, stem_key

LANG_MIX = (("ar", 0.60), ("tr", 0.12), ("en", 0.12), ("az", 0.08), ("ru", 0.08))
SAUDI_OUTLETS_EXTRA = ("Sahil News", "Al-Rawi Daily", "Levant Observer")
MAX_SENTENCES = 15
START = datetime(2025, 12, 1, tzinfo=UTC)
SPLIT = re.compile(r"(?<=[.!?؟])\s+|\n+")
SEED = 20261128
CHUNK = 5000


@dataclass
class LangPool:
    articles: list[tuple[str, list[str]]] = field(default_factory=list)  # (title, sentences)
    sentences: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in SPLIT.split(text) if len(s.strip()) >= 15]


def load_pools() -> dict[str, LangPool]:
    pools = {lang: LangPool() for lang, _ in LANG_MIX}
    for r in saudi_records():
        sents = sentences_of(r.get("content") or "")
        if sents and r.get("title"):
            pools["ar"].articles.append((r["title"].strip(), sents))
            if r["source"] not in pools["ar"].sources:
                pools["ar"].sources.append(r["source"])
    pools["ar"].sources.extend(SAUDI_OUTLETS_EXTRA)
    for r in load_articles():
        p = pools[r["lang"]]
        p.articles.append((r["title"], sentences_of(r["text"])))
        if r["source"] not in p.sources and r["source"] not in SAUDI_OUTLETS_EXTRA:
            p.sources.append(r["source"])
    for p in pools.values():
        p.sentences = [s for _, ss in p.articles for s in ss]
        p.words = [w for s in p.sentences for w in s.split()]
    return pools


_POOLS: dict[str, LangPool] | None = None


def _init() -> None:
    global _POOLS
    _POOLS = load_pools()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower().encode("ascii", "ignore").decode()) or "outlet"


def perturb(sentence: str, rng: random.Random, words: list[str]) -> str:
    toks = sentence.split()
    if len(toks) > 3 and rng.random() < 0.3:
        j = rng.randrange(len(toks) - 1)
        toks[j], toks[j + 1] = toks[j + 1], toks[j]
    if toks and rng.random() < 0.2:
        toks[rng.randrange(len(toks))] = rng.choice(words)
    return " ".join(toks)


def generate(i: int, pools: dict[str, LangPool]) -> dict:
    rng = random.Random(SEED * 1_000_003 + i)
    x, lang = rng.random(), LANG_MIX[-1][0]
    for code, share in LANG_MIX:
        if x < share:
            lang = code
            break
        x -= share
    p = pools[lang]
    title, base = rng.choice(p.articles)
    sents = [
        perturb(s if rng.random() < 0.5 else rng.choice(p.sentences), rng, p.words)
        for s in base[:MAX_SENTENCES]
    ]
    if rng.random() < 0.5:
        title = perturb(title, rng, p.words)
    source = rng.choice(p.sources)
    published = START + timedelta(seconds=rng.randrange(365 * 86400))
    url = f"https://{slug(source)}.example/{published:%Y/%m/%d}/a{i}"
    return {
        "url": url,
        "title": title,
        "text": "\n".join(sents),
        "lang": lang,
        "source": source,
        "published": published,
    }


def _sqlite_dt(value: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores values (naive UTC text)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def make_rows(bounds: tuple[int, int]) -> list[tuple]:
    assert _POOLS is not None
    fetched = _sqlite_dt(datetime.now(UTC))
    rows = []
    for i in range(*bounds):
        a = generate(i, _POOLS)
        body = search_key(a["text"])
        norm = " ".join(filter(None, (search_key(a["title"]), body)))
        rows.append(
            (
                i + 1,
                a["url"],
                canonical_url(a["url"]),
                a["title"],
                a["text"],
                norm,
                stem_key(f"{a['title']}\n{a['text']}", a["lang"]),
                a["lang"],
                "input",
                _sqlite_dt(a["published"]),
                fetched,
                a["source"],
                content_hash(body),
                len(body.split()),
            )
        )
    return rows


INSERT = (
    "INSERT INTO articles (id, url, canonical_url, title, text, text_norm, text_stem, lang, "
    "lang_source, published, fetched_at, source_id, content_hash, word_count) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def build(path: Path, n: int, processes: int = 2, log=print) -> dict:
    """Create ``path`` (a data dir) holding ``minbar.db`` with ``n`` articles; returns timings."""
    path.mkdir(parents=True, exist_ok=True)
    db = path / "minbar.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (path / "meta.json").unlink(missing_ok=True)
    Store.open(Settings(data_dir=path)).close()  # the real schema, via Alembic
    pools = load_pools()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    now = _sqlite_dt(datetime.now(UTC))
    source_ids = {}
    for lang_pool in pools.values():
        for name in lang_pool.sources:
            if name not in source_ids:
                cur = conn.execute(
                    "INSERT INTO sources (name, kind, active, created_at) VALUES (?, 'outlet', 1, ?)",
                    (name, now),
                )
                source_ids[name] = cur.lastrowid
    t0 = time.perf_counter()
    chunks = [(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
    done = 0
    with Pool(processes, initializer=_init) as workers:
        conn.execute("BEGIN")
        for k, rows in enumerate(workers.imap(make_rows, chunks), 1):
            conn.executemany(INSERT, [r[:11] + (source_ids[r[11]],) + r[12:] for r in rows])
            done += len(rows)
            if k % 20 == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                log(f"  {done:,} rows, {done / (time.perf_counter() - t0):,.0f}/s")
        conn.execute("COMMIT")
    t_rows = time.perf_counter() - t0
    t1 = time.perf_counter()
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    t_fts = time.perf_counter() - t1
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    meta = {
        "articles": n,
        "sources": len(source_ids),
        "lang_mix": dict(LANG_MIX),
        "seed": SEED,
        "rows_s": round(t_rows, 1),
        "fts_rebuild_s": round(t_fts, 1),
        "build_s": round(t_rows + t_fts, 1),
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "processes": processes,
    }
    (path / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta
