"""Background work: the task queue, workers, leases and backups.

Two modes, chosen by ``MINBAR_REDIS_URL``:

* **embedded** (no Redis URL): ``SqliteHuey`` in the data dir; ``minbar run`` (or ``minbar serve``)
  polls sources every minute and enriches whatever is pending, one run at a time — as in round 1.
* **server** (Redis URL set): ``PriorityRedisHuey`` shared by any number of ``minbar worker``
  processes on any machines, all on one ``MINBAR_DATABASE_URL``. ``minbar ingest`` stores
  articles and queues their enrichment (:func:`minbar.work.queue.enqueue_pending`); a task
  carries article ids, the worker takes a lease on each (:mod:`minbar.store.leases`), enriches
  them and drops the leases. Articles retaken from a dead worker are queued with priority.
  The database says what is pending, so a worker killed with -9 loses nothing: its leases expire
  and every worker's sweep queues the articles again.

Tunables (environment, read by :meth:`WorkConfig.from_env`): ``MINBAR_LEASE_SECONDS`` (60: a dead
worker's articles are retaken after this, plus one sweep), ``MINBAR_SWEEP_SECONDS`` (30),
``MINBAR_QUEUE_TTL`` (600: a queued article not claimed within this is queued again),
``MINBAR_TASK_BATCH`` (8 articles per task), ``MINBAR_QUEUE_NAME`` ("minbar"),
``MINBAR_DELIVERY_SECONDS`` (10: how often alerts, retries and digests due are sent).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkConfig:
    lease_seconds: float = 60.0
    sweep_seconds: float = 30.0
    queue_ttl: float = 600.0
    task_batch: int = 8
    queue_name: str = "minbar"
    delivery_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> WorkConfig:
        env = os.environ
        return cls(
            lease_seconds=float(env.get("MINBAR_LEASE_SECONDS") or cls.lease_seconds),
            sweep_seconds=float(env.get("MINBAR_SWEEP_SECONDS") or cls.sweep_seconds),
            queue_ttl=float(env.get("MINBAR_QUEUE_TTL") or cls.queue_ttl),
            task_batch=int(env.get("MINBAR_TASK_BATCH") or cls.task_batch),
            queue_name=env.get("MINBAR_QUEUE_NAME") or cls.queue_name,
            delivery_seconds=float(env.get("MINBAR_DELIVERY_SECONDS") or cls.delivery_seconds),
        )
