"""Huey tasks: the feed-polling schedule and the enrichment pipeline (:mod:`minbar.enrichment`).

Embedded mode uses ``SqliteHuey`` in the data dir; server mode uses ``RedisHuey`` when
``MINBAR_REDIS_URL`` is set, so several ``minbar worker`` processes can share one queue. Tasks carry
ids and settings, never articles, and are idempotent.
"""

from __future__ import annotations

import logging

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from minbar.config import Settings
from minbar.ingest.pipeline import HostThrottle
from minbar.ingest.poll import poll_due
from minbar.store.repository import Store

log = logging.getLogger("minbar.tasks")

#: Held while a poll runs: a poll can outlast its minute, and with several workers the next one
#: would fetch the same due sources again and race to insert the same articles.
POLL_LOCK = "minbar-poll-sources"


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

    poll_lock = huey.lock_task(POLL_LOCK)  # created here so consumers can flush it
    enrich_lock = huey.lock_task("minbar-enrich")

    def locked(lock, skipped: str, work):
        """Run ``work(store)`` holding ``lock`` (one run at a time across every worker), or
        return ``None`` when a previous run still holds it."""
        try:
            lock.acquire()
        except TaskLockedException:
            log.info(skipped)
            return None
        try:
            store = Store.open(settings)
            try:
                return work(store)
            finally:
                store.close()
        finally:
            lock.release()

    @huey.periodic_task(crontab(minute="*"), retries=0)
    def poll_sources() -> dict:
        skipped = "a previous poll is still running"
        report = locked(poll_lock, skipped, lambda store: poll_due(store, settings, throttle))
        if report is None:
            return {"skipped": skipped}
        if report.ingested or report.errors:
            log.info("polled sources: %s", report.to_dict())
        if report.ingested:
            enrich_articles()  # new articles: enrich now rather than at the next minute
        return report.to_dict()

    @huey.periodic_task(crontab(minute="*"), retries=0)
    def enrich_articles() -> dict:
        """Every pending enrichment stage (idempotent, incremental; one run at a time)."""
        from minbar.enrichment import enrich

        skipped = "a previous enrichment is still running"
        result = locked(enrich_lock, skipped, enrich)
        if result is None:
            return {"skipped": skipped}
        if result.enriched or result.errors:
            log.info("enriched: %s", result.to_dict())
        return result.to_dict()

    @huey.periodic_task(crontab(minute="17"), retries=0)
    def consolidate_stories() -> dict:
        """Hourly: merge stories that online assignment kept apart (under the enrichment lock,
        so it never races the clustering stage)."""
        from minbar.stories.store import consolidate

        skipped = "enrichment is running; consolidation waits for the next hour"
        merged = locked(enrich_lock, skipped, consolidate)
        if merged is None:
            return {"skipped": skipped}
        if merged:
            log.info("consolidation merged %d stories", merged)
        return {"merged": merged}

    huey.minbar_poll_sources = poll_sources  # type: ignore[attr-defined]
    huey.minbar_consolidate = consolidate_stories  # type: ignore[attr-defined]
    huey.minbar_enrich = enrich_articles  # type: ignore[attr-defined]
    return huey


def run_consumer(settings: Settings, workers: int = 1) -> None:
    """Block running the scheduler and workers (``minbar run`` / ``minbar worker``)."""
    huey = make_huey(settings)
    # flush_locks: a poll lock left by a killed consumer would otherwise stop polling for good.
    consumer = huey.create_consumer(
        workers=workers, periodic=True, check_worker_health=True, flush_locks=True
    )
    consumer.run()
