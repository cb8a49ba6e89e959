"""Workers: ``minbar worker`` (server mode) and ``minbar run`` (embedded mode).

A server-mode worker is a Huey consumer on ``MINBAR_REDIS_URL`` plus two daemon threads:

* a **heartbeat** that renews this process's leases every third of ``lease_seconds``, so a
  long batch keeps its articles and a killed process (no heartbeat) loses them after one TTL;
* a **sweeper** that every ``sweep_seconds`` queues what the database says is unfinished and
  nobody holds (:func:`minbar.work.queue.enqueue_pending`): articles of a dead worker, tasks a
  flushed Redis lost, fact-check imports that re-opened matching.

Run as many as you like, on any machines sharing the database and Redis.
"""

from __future__ import annotations

import logging
import threading
import time

from minbar.config import Settings
from minbar.store.repository import Store
from minbar.work import WorkConfig
from minbar.work.batch import process_store

log = logging.getLogger("minbar.work")


class Sweeper:
    """Every ``sweep_seconds``, queue what is unfinished and unheld (a daemon thread)."""

    def __init__(self, settings: Settings, huey, config: WorkConfig) -> None:
        self.settings, self.huey, self.config = settings, huey, config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="minbar-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def sweep(self) -> int:
        from minbar.work.queue import enqueue_pending

        return enqueue_pending(process_store(self.settings), self.huey, self.config)

    def _run(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:  # database or Redis away: try again at the next sweep
                log.exception("sweep failed")
            if self._stop.wait(self.config.sweep_seconds):
                return

    def stop(self) -> None:
        self._stop.set()


def run_consumer(settings: Settings, workers: int = 1) -> None:
    """Block running the scheduler and workers (``minbar run``; ``minbar worker`` when a
    Redis URL is set)."""
    from minbar.work.queue import make_huey

    config = WorkConfig.from_env()
    huey = make_huey(settings, config=config)
    sweeper = Sweeper(settings, huey, config).start() if settings.redis_url else None
    # flush_locks: a poll lock left by a killed consumer would otherwise stop polling for good.
    consumer = huey.create_consumer(
        workers=workers, periodic=True, check_worker_health=True, flush_locks=True
    )
    try:
        consumer.run()
    finally:
        if sweeper:
            sweeper.stop()


def warm_up() -> None:
    """Load the models before taking tasks, so that the first task is not the slow one and a
    worker that cannot load them fails at start, not with leases held."""
    from minbar.analysis.claims import get_checkworthiness
    from minbar.analysis.embeddings import get_embedder

    get_embedder().queries(["warm up"])
    get_checkworthiness()


def require_queue(settings: Settings) -> None:
    """:class:`~minbar.errors.InvalidInput` unless a Redis queue is configured."""
    from minbar.errors import InvalidInput

    if not settings.redis_url:
        raise InvalidInput(
            "minbar worker needs MINBAR_REDIS_URL (and MINBAR_DATABASE_URL for several "
            "machines); without them `minbar run` does the background work"
        )


def run_worker(settings: Settings, concurrency: int = 1) -> None:
    """``minbar worker``: a consumer on the Redis queue (``concurrency`` worker threads; the
    model is shared and one batch at a time encodes, so scale with processes, not threads)."""
    require_queue(settings)
    Store.open(settings).close()  # migrate once before the threads start
    started = time.monotonic()
    warm_up()
    log.info(
        "minbar worker ready in %.1f s: %d thread(s) on %s",
        time.monotonic() - started,
        concurrency,
        settings.redis_url,
    )
    run_consumer(settings, workers=concurrency)
    log.info("minbar worker stopped after %.0f s", time.monotonic() - started)
