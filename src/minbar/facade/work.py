"""Background work as facade methods: status, queueing enrichment, backup and restore."""

from __future__ import annotations

from pathlib import Path


class WorkMixin:
    """``status``, ``enqueue_pending``, ``backup``, ``restore`` on :class:`minbar.Minbar`."""

    _huey = None

    def status(self) -> dict:
        """``{"articles", "enriched", "pending", "failed"}``: failed = articles whose enrichment
        failed ``MAX_ATTEMPTS`` times (kept out of the queue until re-opened); pending = the
        rest of the unfinished ones (queued, running, or waiting for a sweep)."""
        from minbar.store import leases, stages

        counts = stages.counts(self.store)
        failed = leases.failed_count(self.store.engine)
        return {
            "articles": counts["articles"],
            "enriched": counts["enriched"],
            "pending": max(counts["articles"] - counts["enriched"] - failed, 0),
            "failed": failed,
        }

    def queue(self):
        """The Huey instance of this deployment (Redis when ``MINBAR_REDIS_URL`` is set)."""
        if self._huey is None:
            from minbar.work.queue import make_huey

            self._huey = make_huey(self.settings)
        return self._huey

    def enqueue_pending(self) -> int:
        """Queue the enrichment of every unfinished article for the workers (server mode);
        returns how many articles were queued. Embedded mode queues nothing: ``minbar run``
        enriches what is pending every minute."""
        if not self.settings.redis_url:
            return 0
        from minbar.work.queue import enqueue_pending

        return enqueue_pending(self.store, self.queue())

    def backup(self, path: str | Path) -> dict:
        """A consistent copy of the embedded database at ``path`` (a new file)."""
        from minbar.store.backup import backup

        return backup(self.settings, path)

    def restore(self, path: str | Path) -> dict:
        """Replace the embedded database with a backup (this facade's caches are dropped)."""
        from minbar.store.backup import restore

        self.close()
        return restore(self.settings, path)
