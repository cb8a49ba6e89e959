"""Moved to :mod:`minbar.work` (queue, workers, leases); kept so old imports keep working."""

from minbar.work.queue import ENRICH_LOCK, POLL_LOCK, enqueue_pending, make_huey
from minbar.work.worker import run_consumer, run_worker

__all__ = ["ENRICH_LOCK", "POLL_LOCK", "enqueue_pending", "make_huey", "run_consumer", "run_worker"]
