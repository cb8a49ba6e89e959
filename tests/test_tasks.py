"""Huey tasks: the periodic feed poll on SQLite storage and on a real Redis (db 15)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from huey.api import PeriodicTask

from minbar.config import Settings
from minbar.store.repository import Store
from minbar.store.sources import add_source, list_sources
from minbar.tasks import POLL_LOCK, make_huey
from tests.conftest import running

REDIS_URL = os.environ.get("MINBAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

RECORDS = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in [
        {
            "url": f"https://kervan.example/{i}",
            "title": f"Haber {i}",
            "text": text,
            "source": "Kervan",
        }
        for i, text in enumerate(
            [
                "İstanbul'da kar yağışı nedeniyle okullar bugün de tatil edildi.",
                "Merkez Bankası politika faizini yüzde 35'te sabit tuttu.",
                "Milli takım hazırlık maçında rakibini iki golle yendi.",
            ]
        )
    ]
).encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Content-Length", str(len(RECORDS)))
        self.end_headers()
        self.wfile.write(RECORDS)


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.paths = []  # type: ignore[attr-defined]
    with running(srv):
        yield srv


def _settings(tmp_path: Path, **kw) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        allow_hosts=frozenset({"127.0.0.1"}),
        politeness_delay=0.0,
        **kw,
    )


def _register(settings: Settings, server) -> str:
    """One due source on the local server; returns its path."""
    path = f"/feed/{secrets.token_hex(4)}.jsonl"
    store = Store.open(settings)
    try:
        add_source(
            store.engine,
            f"http://127.0.0.1:{server.server_address[1]}{path}",
            name=None,
            every_seconds=600,
            now=datetime.now(UTC),
        )
    finally:
        store.close()
    return path


def _polled(settings: Settings) -> tuple[int, list]:
    store = Store.open(settings)
    try:
        return store.summary()["articles"], list_sources(store.engine, polled_only=True)
    finally:
        store.close()


def test_sqlite_huey_registers_the_periodic_poll(tmp_path) -> None:
    settings = _settings(tmp_path)
    huey = make_huey(settings)
    assert isinstance(huey, SqliteHuey)
    assert (settings.data_dir / "queue.db").exists()
    task = huey.minbar_poll_sources
    periodic = huey.read_periodic(datetime(2026, 11, 20, 12, 34))
    assert sorted(type(t).__name__ for t in periodic) == sorted(
        [task.task_class.__name__, huey.minbar_enrich.task_class.__name__]
    )
    assert issubclass(task.task_class, PeriodicTask)
    assert task.task_class.__name__ == "poll_sources"
    # story consolidation runs once an hour, at minute 17
    at_17 = huey.read_periodic(datetime(2026, 11, 20, 12, 17))
    assert "consolidate_stories" in {type(t).__name__ for t in at_17}
    assert huey.minbar_consolidate.call_local() == {"changed": 0}  # empty store: nothing to do


def test_underlying_function_polls_due_sources(tmp_path, server) -> None:
    settings = _settings(tmp_path)
    huey = make_huey(settings)
    path = _register(settings, server)
    result = huey.minbar_poll_sources.call_local()
    assert result == {"ingested": 3, "duplicates": 0, "near_duplicates": 0, "errors": []}
    assert server.paths.count(path) == 1
    articles, (src,) = _polled(settings)
    assert articles == 3 and src.last_status == "ok"
    # nothing is due any more: a second run fetches nothing
    assert huey.minbar_poll_sources.call_local()["ingested"] == 0
    assert server.paths.count(path) == 1


def test_immediate_mode_runs_the_task_in_process(tmp_path, server) -> None:
    settings = _settings(tmp_path)
    huey = make_huey(settings, immediate=True)
    path = _register(settings, server)
    huey.minbar_poll_sources()
    assert server.paths.count(path) == 1
    assert _polled(settings)[0] == 3


def test_sqlite_queue_enqueue_and_execute(tmp_path, server) -> None:
    settings = _settings(tmp_path)
    huey = make_huey(settings)
    path = _register(settings, server)
    huey.minbar_poll_sources()  # enqueued in <data dir>/queue.db
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())
    assert server.paths.count(path) == 1 and _polled(settings)[0] == 3
    # new articles: the poll queued their enrichment right away
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert task.name.endswith("enrich_articles")
    result = huey.execute(task)
    assert result["stages"]["analysis"] == 3 and result["stages"]["stories"] == 3
    assert huey.pending_count() == 0


def test_overlapping_polls_do_not_fetch_twice(tmp_path, server) -> None:
    settings = _settings(tmp_path)
    huey = make_huey(settings)
    path = _register(settings, server)
    with huey.lock_task(POLL_LOCK):  # a previous poll is still running
        result = huey.minbar_poll_sources.call_local()
    assert "skipped" in result and path not in server.paths
    assert huey.minbar_poll_sources.call_local()["ingested"] == 3  # the lock was released


@pytest.fixture
def redis_settings(tmp_path, monkeypatch) -> Iterator[Settings]:
    """Server-mode settings on a queue of this test's own (other tests share the Redis db)."""
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    monkeypatch.setenv("MINBAR_QUEUE_NAME", f"minbar-test-{secrets.token_hex(4)}")
    settings = _settings(tmp_path, redis_url=REDIS_URL)
    try:
        yield settings
    finally:
        make_huey(settings).storage.flush_all()
        conn.close()


def test_redis_huey_enqueue_and_execute(redis_settings, server) -> None:
    huey = make_huey(redis_settings)
    assert isinstance(huey, RedisHuey)
    assert huey.storage.conn.connection_pool.connection_kwargs["db"] == 15
    path = _register(redis_settings, server)
    huey.minbar_poll_sources()
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())
    assert server.paths.count(path) == 1
    articles, (src,) = _polled(redis_settings)
    assert articles == 3 and src.last_status == "ok"


def test_redis_consumer_thread_runs_the_task(redis_settings, server) -> None:
    huey = make_huey(redis_settings)
    path = _register(redis_settings, server)
    consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05, max_delay=0.2)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    consumer.start()  # worker threads; start() also installs signal handlers, restored below
    try:
        huey.minbar_poll_sources()
        deadline = time.monotonic() + 120  # the enrichment it queues loads the models
        while time.monotonic() < deadline and _analysed(redis_settings) < 3:
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)  # waits for the running task to finish
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert server.paths.count(path) == 1
    articles, (src,) = _polled(redis_settings)
    assert articles == 3 and src.last_status == "ok"
    assert _analysed(redis_settings) == 3  # the poll queued the enrichment, a worker ran it
    assert huey.pending_count() == 0


def _analysed(settings: Settings) -> int:
    from sqlalchemy import func, select

    from minbar.store.schema import article_stages

    store = Store.open(settings)
    try:
        with store.engine.connect() as conn:
            return conn.execute(
                select(func.count())
                .select_from(article_stages)
                .where(article_stages.c.stage == "analysis")
            ).scalar_one()
    finally:
        store.close()


def test_store_open_from_concurrent_threads(tmp_path) -> None:
    settings = _settings(tmp_path)
    Store.open(settings).close()
    errors: list[BaseException] = []
    for _ in range(3):
        barrier = threading.Barrier(8)

        def open_close(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                Store.open(settings).close()
            except Exception as exc:  # collected, asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_close) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
