"""Server time of the web pages on a 1,000,000-article store, 10 concurrent clients.

The store is the bulk-built corpus of ``benchmarks/_bigcorpus.py`` (recombined SaudiNewsNet + demo
texts, real schema, real FTS index; cached under ``../.bench/web-<N>/``), with stories added by a
bulk path so that the dashboard and the story pages have something to show: the articles of one
language and one day are cut, in id order, into stories of 2-12 articles (about 180,000 stories),
and the newest 20,000 articles get scored sentences (their first three, scores drawn from a seeded
RNG) so the dashboard's "newest check-worthy claims" reads a real table. Nothing is enriched by
the model: this measures the web layer and its queries, not enrichment.

``minbar serve`` runs as a separate process (uvicorn, ``--processes`` server processes (1 by
default), ``--no-worker``: background work would compete for the two cores), and ten client threads send a shuffled mix of
requests for four page kinds — dashboard ``/``, ``/search?q=…`` (the search benchmark's query set:
common, rare, multi-word, typed variants in ar/tr/az/en/ru), ``/articles/{random id}``,
``/stories/{random id}`` — authenticated by a Bearer token. Each sample is the time from sending a
request to reading its whole body on loopback, so it is the server time plus a fraction of a
millisecond of client overhead. The server's peak resident memory (``VmHWM``) is read from /proc.

    python benchmarks/web_latency.py [--articles 1000000] [--clients 10] [--requests 400]
                                     [--processes 1]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bigcorpus as big  # noqa: E402
import httpx  # noqa: E402
from _common import CACHE_DIR, emit, machine, percentiles  # noqa: E402

TARGET_P95_MS = 200.0
TARGET_RSS_GB = 2.0
KINDS = ("dashboard", "search", "article", "story")


def ensure_store(n: int) -> Path:
    path = CACHE_DIR / f"web-{n}"
    meta_path = path / "meta.json"
    if not meta_path.exists():
        print(f"building {n:,} articles under {path} …", file=sys.stderr)
        big.build(path, n, log=lambda m: print(m, file=sys.stderr))
    meta = json.loads(meta_path.read_text())
    if "stories" not in meta:
        meta.update(add_stories(path / "minbar.db"))
        meta_path.write_text(json.dumps(meta, indent=2))
    return path


def add_stories(db: Path, seed: int = 11) -> dict:
    """Stories of 2-12 same-language same-day articles, and scored sentences for the newest."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    t0 = time.perf_counter()
    rows = conn.execute(
        "SELECT id, lang, substr(published, 1, 10), published, title FROM articles "
        "ORDER BY lang, substr(published, 1, 10), id"
    ).fetchall()
    now = datetime.now(UTC).isoformat(sep=" ")
    conn.execute("BEGIN")
    n_stories = 0
    i = 0
    while i < len(rows):
        size = rng.randint(2, 12)
        group = [r for r in rows[i : i + size] if r[1] == rows[i][1] and r[2] == rows[i][2]]
        i += len(group)
        first = min(group, key=lambda r: r[3])
        last = max(group, key=lambda r: r[3])
        cur = conn.execute(
            "INSERT INTO stories (title, titles, languages, first_article_id, first_published, "
            "last_published, article_count, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
            (
                first[4],
                json.dumps({first[1]: first[4]}, ensure_ascii=False),
                json.dumps([first[1]]),
                first[0],
                first[3],
                last[3],
                len(group),
                now,
                now,
            ),
        )
        conn.executemany(
            "INSERT INTO story_articles (article_id, story_id, similarity, joined_at) "
            "VALUES (?, ?, 0.9, ?)",
            [(r[0], cur.lastrowid, now) for r in group],
        )
        n_stories += 1
    newest = conn.execute(
        "SELECT id, text FROM articles ORDER BY published DESC LIMIT 20000"
    ).fetchall()
    sentences = []
    for aid, text in newest:
        for idx, sent in enumerate(big.sentences_of(text)[:3]):
            score = rng.random()
            sentences.append((aid, idx, sent, score, score >= 0.7))
    conn.executemany(
        "INSERT OR IGNORE INTO article_sentences (article_id, idx, text, claim_score, checkworthy)"
        " VALUES (?, ?, ?, ?, ?)",
        sentences,
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return {
        "stories": n_stories,
        "scored_sentences": len(sentences),
        "stories_build_s": round(time.perf_counter() - t0, 1),
    }


def bench_token(path: Path) -> str:
    from minbar import Minbar
    from minbar.auth import Actor

    system = Actor.system("benchmark")
    with Minbar(data_dir=path) as mb:
        if not any(o["slug"] == "bench" for o in mb.orgs(system)):
            mb.add_org(system, "bench", "Benchmark")
            mb.add_user(system, "bench@example.org", "bench", admin=True)
        return mb.create_token(system, "bench@example.org", label="web_latency")["token"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, port: int, processes: int = 1) -> subprocess.Popen:
    if processes == 1:
        code = (
            "import uvicorn; from minbar import Minbar; from minbar.web.app import create_app; "
            f"uvicorn.run(create_app(Minbar(data_dir={str(path)!r})), host='127.0.0.1', "
            f"port={port}, log_level='warning', access_log=False)"
        )
    else:  # what `minbar serve --processes N` runs, without access logs
        code = (
            "import os, uvicorn; "
            f"os.environ['MINBAR_DATA_DIR'] = {str(path)!r}; "
            "uvicorn.run('minbar.web.serve:app_factory', factory=True, host='127.0.0.1', "
            f"port={port}, workers={processes}, log_level='warning', access_log=False, "
            "lifespan='off')"
        )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not come up in 120 s")


def _tree(pid: int) -> list[int]:
    out = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            out += _tree(int(child))
    return out


def memory_kb(pid: int) -> dict:
    """VmRSS and VmHWM summed over the server process and its children (uvicorn workers)."""
    out = {"VmRSS": 0, "VmHWM": 0, "processes": 0}
    for p in _tree(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] += int(value.split()[0])
        out["processes"] += 1
    return out


def urls(path: Path, n_requests: int, rng: random.Random) -> list[tuple[str, str]]:
    import search_latency as sl

    pools = big.load_pools()
    queries = [q.text for q in sl.make_queries(pools, random.Random(7))]
    conn = sqlite3.connect(path / "minbar.db")
    max_article = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    max_story = conn.execute("SELECT max(id) FROM stories").fetchone()[0]
    conn.close()
    out = []
    for _ in range(n_requests):
        out.append(("dashboard", "/"))
        out.append(("search", "/search?q=" + quote(rng.choice(queries))))
        out.append(("article", f"/articles/{rng.randint(1, max_article)}"))
        out.append(("story", f"/stories/{rng.randint(1, max_story)}"))
    rng.shuffle(out)
    return out


def run_clients(port: int, token: str, work: list[tuple[str, str]], clients: int) -> dict:
    samples: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()
    queue = list(work)

    def client() -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    kind, url = queue.pop()
                t = time.perf_counter()
                r = http.get(url)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    samples[kind].append(ms)
                    statuses[kind][r.status_code] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "wall_s": round(wall, 1),
        "requests_per_s": round(len(work) / wall, 1),
        "pages": {
            k: percentiles(samples[k]) | {"n": len(samples[k]), "status": dict(statuses[k])}
            for k in KINDS
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--requests", type=int, default=400, help="requests per page kind")
    ap.add_argument("--processes", type=int, default=1, help="server processes (uvicorn workers)")
    args = ap.parse_args()
    result = {"machine": machine()}
    path = ensure_store(args.articles)
    result["corpus"] = json.loads((path / "meta.json").read_text())
    token = bench_token(path)
    port = free_port()
    server = start_server(path, port, args.processes)
    result["processes"] = args.processes
    try:
        rng = random.Random(3)
        warm = urls(path, 10, rng)
        run_clients(port, token, warm, args.clients)
        result["after_warmup_kb"] = memory_kb(server.pid)
        result["run"] = run_clients(port, token, urls(path, args.requests, rng), args.clients)
        result["server_memory_kb"] = memory_kb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    pages = result["run"]["pages"]
    result["target"] = {
        "p95_ms": TARGET_P95_MS,
        "met": {k: pages[k]["p95"] <= TARGET_P95_MS for k in KINDS},
        "rss_gb": TARGET_RSS_GB,
        "rss_met": result["server_memory_kb"]["VmHWM"] / 1024**2 <= TARGET_RSS_GB,
    }
    emit(result)


if __name__ == "__main__":
    main()
