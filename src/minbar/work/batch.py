"""One queued task's work: lease the articles, enrich them, release the leases (with the
process's store and lease heartbeat). Used by the Huey task :mod:`minbar.work.queue` registers
and run by :mod:`minbar.work.worker` processes."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading

from minbar.config import Settings
from minbar.store import leases, stages
from minbar.store.repository import Store
from minbar.work import WorkConfig

log = logging.getLogger("minbar.work")

_LOCAL = threading.Lock()
_STORES: dict[tuple[int, str], Store] = {}
_HEARTBEATS: dict[tuple[int, str], Heartbeat] = {}


def process_store(settings: Settings) -> Store:
    """One store (engine, pool) per process and database, opened (and migrated) once."""
    key = (os.getpid(), settings.db_url)
    with _LOCAL:
        if key not in _STORES:
            _STORES[key] = Store.open(settings)
        return _STORES[key]


class Heartbeat:
    """This process's lease owner name and the thread that keeps its leases alive."""

    def __init__(self, store: Store, ttl: float) -> None:
        host = socket.gethostname()[:60]
        self.owner = f"{host}:{os.getpid()}:{secrets.token_hex(3)}"
        self.store = store
        self.ttl = ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="minbar-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                leases.renew(self.store.engine, self.owner, self.ttl)
            except Exception:  # the database is away: try again at the next beat
                log.exception("lease heartbeat failed")

    def stop(self) -> None:
        self._stop.set()

    @classmethod
    def of_process(cls, store: Store, ttl: float) -> Heartbeat:
        key = (os.getpid(), str(store.engine.url))
        with _LOCAL:
            if key not in _HEARTBEATS:
                _HEARTBEATS[key] = cls(store, ttl)
            return _HEARTBEATS[key]


def run_batch(settings: Settings, ids: list[int], config: WorkConfig | None = None) -> dict:
    """The body of one queued task: lease ``ids`` (those nobody else holds), enrich them,
    release them; what is still unfinished afterwards is recorded as failed and offered again
    after one lease period (up to ``leases.MAX_ATTEMPTS`` claims)."""
    from minbar.enrichment import enrich_ids

    config = config or WorkConfig.from_env()
    store = process_store(settings)
    beat = Heartbeat.of_process(store, config.lease_seconds)
    claimed = leases.claim(store.engine, ids, beat.owner, config.lease_seconds)
    if not claimed:
        return {"claimed": 0}
    try:
        result = enrich_ids(store, claimed)
    except Exception as exc:
        log.exception("enrichment of %s failed", claimed)
        leases.fail(store.engine, claimed, beat.owner, repr(exc), config.lease_seconds)
        return {"claimed": len(claimed), "failed": len(claimed), "error": repr(exc)}
    left = stages.unfinished_ids(store, claimed)
    if left:
        detail = "; ".join(f"{e.input}: {e.error}" for e in result.errors) or "stage not done"
        leases.fail(store.engine, left, beat.owner, detail, config.lease_seconds)
    unfinished = set(left)
    leases.release(store.engine, [i for i in claimed if i not in unfinished], beat.owner)
    return {"claimed": len(claimed), "failed": len(left), **result.to_dict()}
