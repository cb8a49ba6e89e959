"""The kill -9 promise, end to end on a real PostgreSQL and Redis.

Two ``python -m minbar.work`` worker processes share one queue; one is killed with SIGKILL while
it holds leases, a third starts. Every article must end enriched exactly once, in exactly one
story, with no duplicate analysis or match rows. Leases last 3 s here (60 s in production) and
workers sweep every second, so the test is bounded by the model loads, not by waiting.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from minbar import demo
from minbar.config import Settings
from minbar.store import leases
from minbar.store.repository import Store
from minbar.store.schema import article_stages, article_vectors, story_articles
from minbar.work import WorkConfig
from minbar.work.queue import make_huey
from tests.conftest import write_jsonl

REDIS_URL = os.environ.get("MINBAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
N_ARTICLES = 16
ENV = {
    "MINBAR_LEASE_SECONDS": "3",
    "MINBAR_SWEEP_SECONDS": "1",
    "MINBAR_QUEUE_TTL": "30",
    "MINBAR_TASK_BATCH": "2",
}


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Demo articles of a few events in several languages, wire copies included, and the
    fact-checks of the demo (so matching does real work)."""
    records = demo.load_articles()
    events = []
    for r in records:
        if r.get("event") and r["event"] not in events:
            events.append(r["event"])
    chosen = [r for r in records if r.get("event") in events[:3]][:N_ARTICLES]
    for r in chosen:
        r.pop("event", None)
        r.pop("copy_of", None)
    arts = write_jsonl(tmp_path / "articles.jsonl", chosen)
    checks = tmp_path / "factchecks.json"
    checks.write_text(json.dumps(demo.load_factchecks()[:12], ensure_ascii=False), "utf-8")
    return arts, checks


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "minbar.work"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _scalar(store: Store, stmt) -> int:
    with store.engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


@pytest.fixture
def redis_ok():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        conn.close()


def test_kill_minus_9_loses_nothing_and_does_nothing_twice(
    tmp_path, pg_url, redis_ok, monkeypatch
) -> None:
    from minbar import Minbar

    queue = f"minbar-test-{secrets.token_hex(4)}"
    for k, v in {**ENV, "MINBAR_QUEUE_NAME": queue}.items():
        monkeypatch.setenv(k, v)
    settings = Settings(data_dir=tmp_path / "data", database_url=pg_url, redis_url=REDIS_URL)
    env = {
        **os.environ,
        "MINBAR_DATABASE_URL": pg_url,
        "MINBAR_REDIS_URL": REDIS_URL,
        "MINBAR_DATA_DIR": str(tmp_path / "data"),
        "OMP_NUM_THREADS": "1",
    }
    arts, checks = _corpus(tmp_path)
    mb = Minbar(settings=settings)
    huey = make_huey(settings, config=WorkConfig.from_env())
    procs: list[subprocess.Popen] = []
    try:
        from minbar.matching.factchecks import import_factchecks

        import_factchecks(mb.store, [str(checks)], settings)
        ingested = mb.ingest([str(arts)])  # server mode: stores and queues, enriches nothing
        n = mb.status()["articles"]
        assert n == N_ARTICLES and ingested["queued"] == n
        assert mb.status() == {"articles": n, "enriched": 0, "pending": n, "failed": 0}
        assert huey.pending_count() == n // 2
        store = mb.store

        doomed = _worker(env, tmp_path / "doomed.log")
        procs.append(doomed)
        procs.append(_worker(env, tmp_path / "second.log"))
        # kill the first worker while it holds leases, preferably after it wrote a stage
        victim: list[int] = []
        first_seen = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            mine = [
                r["article_id"]
                for r in leases.held(store.engine)
                if r["owner"] and f":{doomed.pid}:" in r["owner"]
            ]
            if mine:
                first_seen = first_seen or time.monotonic()
                wrote = _scalar(
                    store,
                    select(func.count())
                    .select_from(article_vectors)
                    .where(article_vectors.c.article_id.in_(mine)),
                )
                if wrote or time.monotonic() - first_seen > 20:
                    os.kill(doomed.pid, signal.SIGKILL)
                    victim = mine
                    break
            time.sleep(0.05)
        assert victim, (
            "the first worker never took a lease: " + (tmp_path / "doomed.log").read_text()
        )
        doomed.wait(10)
        procs.append(_worker(env, tmp_path / "third.log"))

        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and mb.status()["enriched"] < n:
            time.sleep(0.5)
        status = mb.status()
        logs = "\n".join(p.read_text()[-3000:] for p in sorted(tmp_path.glob("*.log")))
        assert status == {"articles": n, "enriched": n, "pending": 0, "failed": 0}, logs

        # exactly once: one story per article, one mark per stage, no duplicated rows
        assert _scalar(store, select(func.count()).select_from(story_articles)) == n
        for stage in ("analysis", "story", "match"):
            done = select(func.count()).where(article_stages.c.stage == stage)
            assert _scalar(store, done.select_from(article_stages)) == n, stage
        with store.engine.connect() as conn:
            for table, cols in (
                ("quotes", "article_id, sentence_idx, quote"),
                ("claim_matches", "article_id, sentence, factcheck_id"),
                ("article_entities", "article_id, key"),
            ):
                dup = conn.execute(
                    text(
                        f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY {cols} "
                        "HAVING count(*) > 1) d"
                    )
                ).scalar_one()
                assert dup == 0, table
            assert conn.execute(text("SELECT count(*) FROM quotes")).scalar_one() > 0
            # the stories' stored aggregates count every article once
            counted = conn.execute(
                text("SELECT coalesce(sum(article_count), 0) FROM stories WHERE status != 'merged'")
            ).scalar_one()
            assert counted == n
        assert leases.held(store.engine) == []  # every lease released
        assert doomed.returncode == -signal.SIGKILL
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
        huey.storage.flush_all()
        mb.close()
