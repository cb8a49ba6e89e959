"""Reads the web pages need beyond the engine's use cases: dashboard aggregates, source
health, speakers and the public fact-check listing. Plain data in, plain data out."""

from __future__ import annotations

import copy
import logging
import os
import threading
import time

from minbar.errors import InvalidInput, NotFound

#: Seconds a dashboard aggregate is reused: every user sees the same numbers, and at a million
#: articles the window scans cost tens of milliseconds each.
CACHE_SECONDS = float(os.environ.get("MINBAR_WEB_CACHE_SECONDS", "30"))

log = logging.getLogger("minbar.web")


class WebMixin:
    """Dashboard and overview reads (SQL in :mod:`minbar.store.dashboard`)."""

    def _cached(self, key: tuple, compute):
        """``compute()``'s value, shared for :data:`CACHE_SECONDS`. Stale-while-revalidate with
        one computation per key at a time: when a value expires, the first caller starts one
        background refresh and everyone keeps getting the previous value meanwhile, so a burst of
        dashboard requests never recomputes a million-article scan ten times at once (measured:
        the cold dashboard aggregates take ~1 s on 1M articles)."""
        state = self.__dict__.setdefault("_web_cache", {})
        lock = self.__dict__.setdefault("_web_cache_lock", threading.Lock())
        if CACHE_SECONDS <= 0:
            return compute()
        now = time.monotonic()
        with lock:
            hit = state.get(key)
            if hit is not None and hit[0] > now:
                return copy.deepcopy(hit[1])
            flight = state.setdefault(("flight", key), threading.Lock())
        if hit is not None:  # stale: refresh in the background, answer with what we have
            if flight.acquire(blocking=False):
                threading.Thread(
                    target=self._refresh, args=(key, compute, flight), daemon=True
                ).start()
            return copy.deepcopy(hit[1])
        with flight:  # nothing yet: one computes, the others wait for its value
            with lock:
                hit = state.get(key)
            if hit is None or hit[0] <= time.monotonic():
                hit = self._store_cached(key, compute())
        return copy.deepcopy(hit[1])

    def _refresh(self, key: tuple, compute, flight: threading.Lock) -> None:
        try:
            self._store_cached(key, compute())
        except Exception:  # noqa: BLE001 - the stale value stays; the next caller retries
            log.exception("refreshing %s failed", key[0])
        finally:
            flight.release()

    def _store_cached(self, key: tuple, value) -> tuple[float, object]:
        state = self.__dict__["_web_cache"]
        with self.__dict__["_web_cache_lock"]:
            if len(state) > 512:
                state.clear()
            entry = (time.monotonic() + CACHE_SECONDS, value)
            state[key] = entry
        return entry

    def volume_series(self, days: int = 30, bucket: str = "day") -> dict:
        """Articles per day (or hour) by language and by source, on the stream clock."""
        from minbar.store.dashboard import volume

        if bucket not in ("day", "hour"):
            raise InvalidInput(f"bucket {bucket!r}: choose day or hour")
        if not (1 <= days <= 366):
            raise InvalidInput("days must be 1–366")
        key = ("volume", days, bucket)
        return self._cached(key, lambda: volume(self.store.engine, days, bucket))

    def trending_stories(self, hours: int = 24, limit: int = 15) -> list[dict]:
        """Stories active in the last ``hours`` of stream time, fastest-growing first."""
        from datetime import timedelta

        from minbar.store.dashboard import stream_now
        from minbar.store.db import connection

        def compute() -> list[dict]:
            with connection(self.store.engine) as conn:
                now = stream_now(conn)
            return self.stories(since=now - timedelta(hours=hours), sort="velocity", limit=limit)

        return self._cached(("trending", hours, limit), compute)

    def source_names(self) -> list[str]:
        from minbar.store.dashboard import source_names

        return self._cached(("source_names",), lambda: source_names(self.store.engine))

    def recent_claims(self, limit: int = 10, matched: bool = False) -> list[dict]:
        from minbar.store.dashboard import recent_claims

        limit = max(1, min(limit, 100))
        key = ("claims", limit, matched)
        return self._cached(key, lambda: recent_claims(self.store.engine, limit, matched))

    def source_health(self, days: int = 14) -> list[dict]:
        from minbar.store.dashboard import source_health

        days = max(1, min(days, 90))
        return self._cached(("health", days), lambda: source_health(self.store.engine, days))

    def top_speakers(self, limit: int = 40) -> list[dict]:
        from minbar.store.dashboard import top_speakers

        limit = max(1, min(limit, 500))
        return self._cached(("speakers", limit), lambda: top_speakers(self.store.engine, limit))

    def factcheck_list(
        self, query: str | None = None, lang: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[dict], int]:
        """Public fact-checks, newest first: (page, total)."""
        from minbar.store.dashboard import list_factchecks

        if query is not None and len(query) > 1000:
            raise InvalidInput(f"the query is {len(query)} characters; at most 1000")
        return list_factchecks(self.store.engine, query or None, lang or None, limit, offset)

    def factcheck_detail(self, factcheck_id: int) -> dict:
        """One fact-check with its ClaimReview and the monitored articles matched to it."""
        from minbar.store.dashboard import get_factcheck

        found = get_factcheck(self.store.engine, factcheck_id)
        if found is None:
            raise NotFound(f"no fact-check with id {factcheck_id}")
        return found

    def article_mentions(self, article_id: int) -> list[dict]:
        from minbar.store.dashboard import article_mentions

        return article_mentions(self.store.engine, article_id)

    def article_texts(self, ids: list[int]) -> dict[int, str]:
        from minbar.store.dashboard import article_texts

        return article_texts(self.store.engine, list(ids)[:200])
