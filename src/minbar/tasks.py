"""Huey tasks: the feed-polling schedule and (later) the enrichment pipeline.

Embedded mode uses ``SqliteHuey`` in the data dir; server mode uses ``RedisHuey`` when
``MINBAR_REDIS_URL`` is set, so several ``minbar worker`` processes can share one queue. Tasks carry
ids and settings, never articles, and are idempotent.
"""

from __future__ import annotations

import logging

from huey import Huey, RedisHuey, SqliteHuey, crontab

from minbar.config import Settings
from minbar.ingest.pipeline import HostThrottle
from minbar.ingest.poll import poll_due
from minbar.store.repository import Store

log = logging.getLogger("minbar.tasks")


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """A Huey instance with minbar's periodic poll registered on it."""
    if settings.redis_url:
        huey: Huey = RedisHuey("minbar", url=settings.redis_url, immediate=immediate)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(
            "minbar", filename=str(settings.data_dir / "queue.db"), immediate=immediate
        )
    throttle = HostThrottle(settings.politeness_delay)

    @huey.periodic_task(crontab(minute="*"), retries=0)
    def poll_sources() -> dict:
        store = Store.open(settings)
        try:
            report = poll_due(store, settings, throttle)
        finally:
            store.close()
        if report.ingested or report.errors:
            log.info("polled sources: %s", report.to_dict())
        return report.to_dict()

    huey.minbar_poll_sources = poll_sources  # type: ignore[attr-defined]
    return huey


def run_consumer(settings: Settings, workers: int = 1) -> None:
    """Block running the scheduler and workers (``minbar run`` / ``minbar worker``)."""
    huey = make_huey(settings)
    consumer = huey.create_consumer(workers=workers, periodic=True, check_worker_health=True)
    consumer.run()
