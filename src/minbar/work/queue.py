"""The Huey queue: the feed-polling schedule, enrichment tasks and story consolidation.

Embedded mode (no Redis URL) uses ``SqliteHuey`` in the data dir and enriches everything pending
once a minute, one run at a time (the "minbar-enrich" task lock, one machine). Server mode uses
``PriorityRedisHuey``: enrichment is per article — :func:`enqueue_pending` queues the articles the
database says are unfinished, in tasks of a few ids, and any worker runs them
(:func:`minbar.work.batch.run_batch`); only the story assignment inside is serialised (a
database lock, :func:`minbar.store.leases.exclusive`). Tasks carry ids, never articles, and are
idempotent.
"""

from __future__ import annotations

import logging

from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from minbar.config import Settings
from minbar.store import leases, stages
from minbar.store.repository import Store
from minbar.work import WorkConfig

log = logging.getLogger("minbar.work")

#: Held while a poll runs: a poll can outlast its minute, and with several workers the next one
#: would fetch the same due sources again and race to insert the same articles.
POLL_LOCK = "minbar-poll-sources"
#: Embedded mode only: one full enrichment run at a time.
ENRICH_LOCK = "minbar-enrich"
#: Articles looked at per sweep (the rest waits for the next one).
SWEEP_LIMIT = 20_000
#: Priority of articles some worker already claimed once (retaken from a dead or failed one).
RETAKEN_PRIORITY = 10


def make_huey(
    settings: Settings, *, immediate: bool = False, config: WorkConfig | None = None
) -> Huey:
    """A Huey instance with minbar's tasks registered on it (``huey.minbar_*``)."""
    config = config or WorkConfig.from_env()
    if settings.redis_url:
        # results=False: nobody reads a worker's return value; kept, they would pile up in Redis
        # a priority queue: articles retaken from a dead worker go before the backlog
        huey: Huey = PriorityRedisHuey(
            config.queue_name, url=settings.redis_url, immediate=immediate, results=False
        )
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(
            "minbar", filename=str(settings.data_dir / "queue.db"), immediate=immediate
        )
    from minbar.ingest.pipeline import HostThrottle

    throttle = HostThrottle(settings.politeness_delay)
    poll_lock = huey.lock_task(POLL_LOCK)  # created here so consumers can flush it
    enrich_lock = huey.lock_task(ENRICH_LOCK)

    def with_store(work):
        store = Store.open(settings)
        try:
            return work(store)
        finally:
            store.close()

    def locked(lock, skipped: str, work):
        """Run ``work(store)`` holding ``lock``, or return ``None`` when it is held."""
        try:
            lock.acquire()
        except TaskLockedException:
            log.info(skipped)
            return None
        try:
            return with_store(work)
        finally:
            lock.release()

    @huey.periodic_task(crontab(minute="*"), retries=0)
    def poll_sources() -> dict:
        from minbar.ingest.poll import poll_due

        skipped = "a previous poll is still running"
        report = locked(poll_lock, skipped, lambda store: poll_due(store, settings, throttle))
        if report is None:
            return {"skipped": skipped}
        if report.ingested or report.errors:
            log.info("polled sources: %s", report.to_dict())
        if report.ingested:  # new articles: enrich now rather than at the next minute
            if settings.redis_url:
                with_store(lambda store: enqueue_pending(store, huey, config))
            else:
                enrich_articles()
        return report.to_dict()

    def enrich_all() -> dict:
        """Every pending enrichment stage (idempotent, incremental; one run at a time)."""
        from minbar.enrichment import enrich

        skipped = "a previous enrichment is still running"
        result = locked(enrich_lock, skipped, enrich)
        if result is None:
            return {"skipped": skipped}
        if result.enriched or result.errors:
            log.info("enriched: %s", result.to_dict())
        return result.to_dict()

    def enrich_batch(ids: list[int]) -> dict:
        """A few article ids: leased, enriched, released (what :func:`enqueue_pending` queues;
        workers also sweep the database themselves, :func:`minbar.work.worker.sweeper`)."""
        from minbar.work.batch import run_batch

        return run_batch(settings, ids, config)

    if settings.redis_url:
        enrich_articles = huey.task(retries=0)(enrich_batch)
    else:
        enrich_articles = huey.periodic_task(
            crontab(minute="*"), retries=0, name="enrich_articles"
        )(enrich_all)

    @huey.periodic_task(crontab(minute="17"), retries=0)
    def consolidate_stories() -> dict:
        """Hourly: regroup the recent window's stories order-free (merges what online assignment
        kept apart, splits what it chained), under the story lock, so it never races an
        assignment on any machine."""
        from minbar.stories.stage import consolidate

        def work(store: Store) -> int:
            with leases.exclusive(store.engine, leases.STORY_LOCK):
                return consolidate(store)

        changed = with_store(work)
        if changed:
            log.info("consolidation merged or split %d stories", changed)
        return {"changed": changed}

    huey.minbar_poll_sources = poll_sources  # type: ignore[attr-defined]
    huey.minbar_consolidate = consolidate_stories  # type: ignore[attr-defined]
    huey.minbar_enrich = enrich_articles  # type: ignore[attr-defined]
    huey.minbar_config = config  # type: ignore[attr-defined]
    return huey


def enqueue_pending(store: Store, huey: Huey, config: WorkConfig | None = None) -> int:
    """Queue every unfinished article nobody holds, in tasks of ``task_batch`` ids; returns how
    many articles were queued. Safe to call from any number of processes at once (an article is
    offered to one of them), and cheap when there is nothing to do."""
    config = config or huey.minbar_config  # type: ignore[attr-defined]
    unowned = leases.unowned_ids(store.engine)
    if unowned:  # leases left on articles that got finished anyway
        finished = set(unowned) - set(stages.unfinished_ids(store, unowned))
        leases.forget(store.engine, finished)
    ids = stages.unfinished_ids(store, limit=SWEEP_LIMIT)
    if not ids:
        return 0
    offered = leases.offer(store.engine, ids, config.queue_ttl)
    retaken = leases.attempted(store.engine, offered) if offered else set()
    for group, priority in (
        ([i for i in offered if i in retaken], RETAKEN_PRIORITY),
        ([i for i in offered if i not in retaken], None),
    ):
        for start in range(0, len(group), config.task_batch):
            chunk = group[start : start + config.task_batch]
            huey.minbar_enrich(chunk, priority=priority)  # type: ignore[attr-defined]
    if offered:
        log.info("queued %d articles", len(offered))
    return len(offered)
