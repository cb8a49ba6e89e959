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


class Every:
    """Run ``fn()`` every ``seconds`` in a daemon thread until stopped; a failure (database,
    Redis or a receiver away) is logged and tried again at the next round."""

    def __init__(self, name: str, seconds: float, fn) -> None:
        self.name, self.seconds, self.fn = name, seconds, fn
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"minbar-{name}", daemon=True)

    def start(self) -> Every:
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            try:
                self.fn()
            except Exception:  # noqa: BLE001
                log.exception("%s failed", self.name)
            if self._stop.wait(self.seconds):
                return

    def stop(self) -> None:
        self._stop.set()


def sweeper(settings: Settings, huey, config: WorkConfig) -> Every:
    """Every ``sweep_seconds``, queue what is unfinished and unheld."""
    from minbar.work.queue import enqueue_pending

    def sweep() -> int:
        return enqueue_pending(process_store(settings), huey, config)

    return Every("sweeper", config.sweep_seconds, sweep)


def deliverer(settings: Settings, config: WorkConfig) -> Every:
    """Every ``delivery_seconds`` (10), one round of alert delivery: story-velocity and
    source-silence rules, webhooks and e-mail due (first tries and retries), digests due. Any
    number of processes may run it at once (deliveries are claimed in the database)."""
    from minbar.watch.deliver import deliver_due

    return Every(
        "delivery",
        config.delivery_seconds,
        lambda: deliver_due(process_store(settings), settings),
    )


def background_threads(settings: Settings, huey, config: WorkConfig) -> list[Every]:
    """The threads every consumer process runs beside its Huey workers (started)."""
    threads = [deliverer(settings, config)]
    if settings.redis_url:
        threads.append(sweeper(settings, huey, config))
    return [t.start() for t in threads]


def run_consumer(settings: Settings, workers: int = 1) -> None:
    """Block running the scheduler and workers (``minbar run``; ``minbar worker`` when a
    Redis URL is set)."""
    from minbar.work.queue import make_huey

    config = WorkConfig.from_env()
    huey = make_huey(settings, config=config)
    threads = background_threads(settings, huey, config)
    # flush_locks: a poll lock left by a killed consumer would otherwise stop polling for good.
    consumer = huey.create_consumer(
        workers=workers, periodic=True, check_worker_health=True, flush_locks=True
    )
    try:
        consumer.run()
    finally:
        for thread in threads:
            thread.stop()


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
