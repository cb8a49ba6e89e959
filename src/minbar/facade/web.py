"""Reads the web pages need beyond the engine's use cases: dashboard aggregates, source
health, speakers and the public fact-check listing. Plain data in, plain data out."""

from __future__ import annotations

from minbar.errors import InvalidInput, NotFound


class WebMixin:
    """Dashboard and overview reads (SQL in :mod:`minbar.store.dashboard`)."""

    def volume_series(self, by: str = "lang", days: int = 30, bucket: str = "day") -> dict:
        from minbar.store.dashboard import volume

        if by not in ("lang", "source"):
            raise InvalidInput(f"by {by!r}: choose lang or source")
        if bucket not in ("day", "hour"):
            raise InvalidInput(f"bucket {bucket!r}: choose day or hour")
        if not (1 <= days <= 366):
            raise InvalidInput("days must be 1–366")
        return volume(self.store.engine, by, days, bucket)

    def recent_claims(self, limit: int = 10, matched: bool = False) -> list[dict]:
        from minbar.store.dashboard import recent_claims

        return recent_claims(self.store.engine, max(1, min(limit, 100)), matched)

    def source_health(self, days: int = 14) -> list[dict]:
        from minbar.store.dashboard import source_health

        return source_health(self.store.engine, max(1, min(days, 90)))

    def top_speakers(self, limit: int = 40) -> list[dict]:
        from minbar.store.dashboard import top_speakers

        return top_speakers(self.store.engine, max(1, min(limit, 500)))

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
