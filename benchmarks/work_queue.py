"""Cost of the work queue's bookkeeping: leases (offer, claim, renew, release) per article, the
story lock per acquisition, and queueing tasks in Redis — what every enriched article pays on top
of the enrichment itself.

    python benchmarks/work_queue.py [--articles 2000] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import time

from _common import emit, fresh_store, machine
from sqlalchemy import insert

from minbar.store import leases, stages
from minbar.store.repository import utcnow
from minbar.store.schema import articles
from minbar.work import WorkConfig
from minbar.work.queue import make_huey

REDIS_URL = os.environ.get("MINBAR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _articles(store, n: int) -> list[int]:
    now = utcnow()
    rows = [
        {
            "url": f"https://b.example/{i}",
            "canonical_url": f"https://b.example/{i}",
            "title": "t",
            "text": "x",
            "text_norm": "x",
            "text_stem": "x",
            "fetched_at": now,
            "content_hash": f"h{i}",
            "word_count": 1,
        }
        for i in range(n)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(articles), rows)
    return stages.unfinished_ids(store)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = ap.parse_args()
    info = machine()
    batch = WorkConfig().task_batch
    with fresh_store(args.backend) as (store, settings):
        ids = _articles(store, args.articles)
        n = len(ids)
        t0 = time.perf_counter()
        pending = stages.unfinished_ids(store)
        t_pending = time.perf_counter() - t0
        t0 = time.perf_counter()
        leases.offer(store.engine, pending, ttl=600)
        t_offer = time.perf_counter() - t0
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            chunk = ids[start : start + batch]
            got = leases.claim(store.engine, chunk, "bench", ttl=60)
            leases.release(store.engine, got, "bench")
        t_claim_release = time.perf_counter() - t0
        leases.claim(store.engine, ids, "bench", ttl=60)
        t0 = time.perf_counter()
        leases.renew(store.engine, "bench", ttl=60)
        t_renew = time.perf_counter() - t0
        locks = 200
        t0 = time.perf_counter()
        for _ in range(locks):
            with leases.exclusive(store.engine, leases.STORY_LOCK):
                pass
        t_lock = time.perf_counter() - t0
        redis = None
        try:
            import redis as redis_mod

            redis_mod.Redis.from_url(REDIS_URL).ping()
            from dataclasses import replace

            queued = replace(settings, redis_url=REDIS_URL)
            config = WorkConfig(queue_name=f"bench-{secrets.token_hex(4)}")
            huey = make_huey(queued, config=config)
            t0 = time.perf_counter()
            for start in range(0, n, batch):
                huey.minbar_enrich(ids[start : start + batch])
            redis = {
                "tasks": huey.pending_count(),
                "ms_per_task": round(1000 * (time.perf_counter() - t0) / (n / batch), 3),
            }
            huey.storage.flush_all()
        except Exception as exc:  # no Redis here: report the database side only
            redis = {"skipped": repr(exc)}
    emit(
        {
            "machine": info,
            "backend": args.backend,
            "articles": n,
            "task_batch": batch,
            "pending_query_ms": round(1000 * t_pending, 1),
            "offer_ms_per_article": round(1000 * t_offer / n, 3),
            "claim_release_ms_per_article": round(1000 * t_claim_release / n, 3),
            "renew_ms_for_all": round(1000 * t_renew, 1),
            "story_lock_ms_per_acquisition": round(1000 * t_lock / locks, 3),
            "redis_enqueue": redis,
        }
    )


if __name__ == "__main__":
    main()
