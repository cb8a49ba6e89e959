"""The engine's use cases: ingest, enrichment, search, articles, stories, analysis, matching,
fact-checks and sources.

Every method takes and returns plain data (dicts and lists ready for JSON), raises
:mod:`minbar.errors` for what a caller must tell apart, and holds the rules the front ends used to
carry themselves (which search mode runs what, re-matching after a fact-check import, source
validation). Heavy modules are imported inside the methods so that ``minbar --help`` and the web
app's start stay fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from minbar.errors import InvalidInput, NotFound

SEARCH_MODES = ("text", "semantic", "hybrid")
STORY_SORTS = ("recent", "velocity", "size")
MAX_QUERY_CHARS = 1000


def _lang(value: str | None) -> str | None:
    """A content-language filter: stored codes are lowercase ISO 639-1."""
    if value is None or not value.strip():
        return None
    code = value.strip().lower()
    if not (2 <= len(code) <= 3 and code.isalpha() and code.isascii()):
        raise InvalidInput(f"language {value!r}: give a two-letter code such as ar, tr, az, en, ru")
    return code


def parse_date(value: str | datetime | None, name: str = "date") -> datetime | None:
    """An ISO date or date-time (naive = UTC); :class:`InvalidInput` naming the field otherwise."""
    if value is None or isinstance(value, datetime):
        return value
    if not str(value).strip():
        return None
    from minbar.text.dates import parse_datetime

    try:
        return parse_datetime(str(value))
    except ValueError:
        raise InvalidInput(f"{name}: not a date: {value!r} (use e.g. 2026-11-20)") from None


class EngineMixin:
    """Ingest, enrichment, search, stories, analysis and matching as facade methods."""

    # --- ingest and enrichment ---------------------------------------------------------------

    def ingest(
        self,
        inputs: list[str],
        *,
        source: str | None = None,
        enrich: bool = False,
        progress=None,
        enrich_progress=None,
    ) -> dict:
        """Ingest files, directories and URLs; the contract's ``minbar ingest`` JSON.

        With a Redis queue configured, new articles are handed to the workers instead of being
        enriched here (``enrich`` then only asks for it to happen inline in embedded mode)."""
        from minbar.ingest.pipeline import ingest as run_ingest

        report = run_ingest(self.store, inputs, self.settings, progress=progress, source=source)
        data = report.to_dict()
        if self.settings.redis_url and hasattr(self, "enqueue_pending"):
            data["queued"] = self.enqueue_pending()
        elif enrich:
            enriched = self.enrich(progress=enrich_progress)
            data["errors"] = data["errors"] + enriched["errors"]
            data["enrich"] = enriched
        return data

    def enrich(self, progress=None) -> dict:
        """Run every pending enrichment stage; the contract's ``minbar enrich`` JSON."""
        from minbar.enrichment import enrich as run_enrich

        return run_enrich(self.store, progress=progress).to_dict()

    def reindex(self) -> dict:
        """Rebuild the full-text indexes and embed fact-checks that have no vector."""
        from minbar.matching.factchecks import embed_missing

        n = self.store.rebuild_index()
        return {"articles": n, "factcheck_vectors": embed_missing(self.store)}

    def ingest_log(self, errors_only: bool = False, limit: int = 50) -> list[dict]:
        return self.store.recent_log(limit, errors_only=errors_only)

    # --- search and articles -----------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        source: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        mode: str = "text",
        limit: int = 20,
        offset: int = 0,
    ) -> list[dict]:
        """Articles for ``query``: ``text`` (BM25 over the normalised text), ``semantic`` (e5
        vectors, any language) or ``hybrid`` (both, fused by reciprocal rank)."""
        from minbar.store.search import Filters

        if mode not in SEARCH_MODES:
            raise InvalidInput(f"mode {mode!r}: choose text, semantic or hybrid")
        if not query or not query.strip():
            raise InvalidInput("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"the query is {len(query)} characters; at most {MAX_QUERY_CHARS}")
        if not (1 <= limit <= 1000) or offset < 0:
            raise InvalidInput("limit must be 1–1000 and offset ≥ 0")
        filters = Filters(
            lang=_lang(lang),
            source=source or None,
            since=parse_date(since, "since"),
            until=parse_date(until, "until"),
            limit=limit + offset,
        )
        if mode == "text":
            hits = self.store.search(query, filters)
        else:
            from minbar.analysis import article_vectors as av

            fn = av.search_semantic if mode == "semantic" else av.search_hybrid
            hits = fn(self.store, query, filters)
        return [h.to_dict() for h in hits[offset : offset + limit]]

    def pending_vectors(self) -> int:
        """Articles not embedded yet (semantic search cannot find them before ``enrich``)."""
        from minbar.analysis import article_vectors as av

        return av.count_pending(self.store)

    def article(self, article_id: int) -> dict:
        """One article with everything known about it (the API's ``/articles/{id}``)."""
        from minbar.analysis.records import list_quotes
        from minbar.store.analysis import top_entities
        from minbar.store.article_detail import article_sentences_of, story_of

        art = self.store.article(article_id)
        if art is None:
            raise NotFound(f"no article with id {article_id}")
        data = art.to_dict()
        data["copies"] = self.store.copies_of(article_id)
        data["entities"] = top_entities(self.store, [article_id], 200)
        data["quotes"] = list_quotes(self.store, article_id, None, 500)
        data["claims"] = article_sentences_of(self.store.engine, article_id)
        found = self.matches(article_id)
        data["matches"] = found[0]["matches"] if found else []
        data["matched_claims"] = found
        data["story_id"] = story_of(self.store.engine, article_id)
        return data

    def matches(self, article_id: int | None = None) -> list[dict]:
        """Claims in stored articles with the fact-checks they match."""
        from minbar.matching.auto import list_matches

        return list_matches(self.store, article_id)

    # --- stories -----------------------------------------------------------------------------

    def stories(
        self,
        since: str | datetime | None = None,
        sort: str = "recent",
        limit: int = 50,
        min_articles: int = 1,
    ) -> list[dict]:
        from minbar.stories.provenance import list_stories

        if sort not in STORY_SORTS:
            raise InvalidInput(f"sort {sort!r}: choose recent, velocity or size")
        return list_stories(self.store, parse_date(since, "since"), sort, limit, min_articles)

    def story(self, story_id: int) -> dict:
        from minbar.stories.provenance import get_story

        record = get_story(self.store, story_id)
        if record is None:
            raise NotFound(f"no story with id {story_id}")
        return record

    def story_brief(self, story_id: int) -> dict:
        """Title, size and first article of a story, without its members (article pages);
        a merged story answers with the story it was merged into."""
        from minbar.store.article_detail import story_brief

        seen: set[int] = set()
        while True:
            brief = story_brief(self.store.engine, story_id)
            if brief is None:
                raise NotFound(f"no story with id {story_id}")
            if brief["status"] != "merged" or brief["parent_id"] in (None, *seen):
                return brief
            seen.add(story_id)
            story_id = brief["parent_id"]

    def pending_stories(self) -> int:
        from minbar.stories.stage import pending_ids

        return len(pending_ids(self.store))

    # --- analysis ----------------------------------------------------------------------------

    def _recognizer(self):
        from minbar.analysis.enrich import load_entity_defs
        from minbar.analysis.entities import get_recognizer

        # User entities count when a store exists; stateless analysis never creates one.
        defs = load_entity_defs(self.store) if self.store_exists() else []
        return get_recognizer(tuple(defs))

    def analyze(self, text: str, lang: str | None = None) -> dict:
        """Stateless analysis of one text: sentences, entities, quotes, check-worthiness."""
        return self.analyze_many([text], [lang])[0]

    def analyze_many(self, texts: list[str], langs: list[str | None]) -> list[dict]:
        from minbar.analysis.analyze import analyze_texts

        if any(not (t or "").strip() for t in texts):
            raise InvalidInput("the text is empty")
        found = analyze_texts(texts, [_lang(x) for x in langs], recognizer=self._recognizer())
        return [a.to_dict() for a in found]

    def quotes(
        self, article_id: int | None = None, speaker: str | None = None, limit: int = 1000
    ) -> list[dict]:
        from minbar.analysis.records import list_quotes

        return list_quotes(self.store, article_id, speaker or None, limit)

    def entities(self, article_id: int | None = None, limit: int = 50) -> list[dict]:
        from minbar.store.analysis import top_entities

        return top_entities(self.store, [article_id] if article_id is not None else None, limit)

    def import_entities(self, path: str | Path) -> dict:
        """User entities (CSV or YAML); every stored article is re-analysed on the next enrich."""
        from minbar.analysis.enrich import save_entity_defs
        from minbar.analysis.entities import parse_entity_file

        try:
            defs = parse_entity_file(Path(path))
        except (OSError, ValueError) as exc:
            raise InvalidInput(str(exc)) from None
        return save_entity_defs(self.store, defs)

    # --- fact-checks and matching ------------------------------------------------------------

    def _matcher(self):
        from minbar.matching.factchecks import current_matcher

        # Reloads its fact-check index when another process (a worker, a second web node, a
        # published case) added fact-checks: no restart, no re-index step.
        return current_matcher(self.store)

    def match(self, text: str, lang: str | None = None, limit: int = 5) -> list[dict]:
        """Fact-checks of the same claim in any language; ``[]`` when none confidently is."""
        if not text or not text.strip():
            raise InvalidInput("the text is empty")
        if not (1 <= limit <= 50):
            raise InvalidInput("limit must be 1–50")
        return [m.to_dict() for m in self._matcher().match(text, _lang(lang), limit)]

    def match_many(
        self, texts: list[str], langs: list[str | None], limit: int = 5
    ) -> list[list[dict]]:
        found = self._matcher().match_many(texts, [_lang(x) for x in langs], limit)
        return [[m.to_dict() for m in ms] for ms in found]

    def factchecks_import(self, inputs: list[str]) -> dict:
        """Import ClaimReview fact-checks; stored coverage is re-matched against new ones."""
        from minbar.matching.auto import reopen_all
        from minbar.matching.factchecks import import_factchecks

        report = import_factchecks(self.store, inputs, self.settings)
        if report.imported:
            reopen_all(self.store)
        return report.to_dict()

    def factchecks_export(self) -> dict:
        """Every fact-check as a schema.org ``DataFeed`` of ``ClaimReview`` objects."""
        from minbar.matching.factchecks import export_feed

        return export_feed(self.store)

    # --- sources -----------------------------------------------------------------------------

    def sources(self, polled_only: bool = True) -> list[dict]:
        from minbar.store.sources import list_sources

        return [s.to_dict() for s in list_sources(self.store.engine, polled_only=polled_only)]

    def add_source(self, url: str, name: str | None = None, every: str = "15m", actor=None) -> dict:
        """Register a feed or page to poll (platform admins; the CLI acts as the system); the URL
        must pass the SSRF guard now. Audited, refusals too."""
        from minbar.auth import Actor
        from minbar.auth.permissions import require
        from minbar.ingest.errors import IngestError
        from minbar.ingest.safety import FetchPolicy, check_url
        from minbar.store.sources import add_source, parse_every

        actor = actor or Actor.system("library")
        with self.audited(actor, "source.add", object=f"source:{url[:200]}") as entry:
            require(actor, "platform.admin")
            try:
                seconds = parse_every(every)
            except ValueError as exc:
                raise InvalidInput(f"every: {exc}") from None
            try:
                check_url(url, FetchPolicy(allow_hosts=self.settings.allow_hosts))
            except IngestError as exc:
                raise InvalidInput(f"cannot add {exc}") from None
            try:
                src = add_source(
                    self.store.engine, url, name=name, every_seconds=seconds, now=datetime.now(UTC)
                )
            except ValueError as exc:
                raise InvalidInput(f"name: {exc}") from None
            entry.object = f"source:{src.id}"
            return src.to_dict()

    def poll_once(self) -> dict:
        """Poll the sources that are due now, once."""
        from minbar.ingest.poll import poll_due

        return poll_due(self.store, self.settings).to_dict()


def prepare_demo_dir(target: Path) -> None:
    """Empty ``target`` for a demo: refuses a non-empty directory that no demo created."""
    marker = target / ".minbar-demo"
    if target.exists() and any(target.iterdir()):
        if not marker.exists():
            raise InvalidInput(
                f"{target} is not empty and holds no earlier demo; "
                "give the demo an empty --data-dir"
            )
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text("created by `minbar demo`; the demo wipes this directory when re-run\n")


def batches(items: Iterable, size: int) -> Iterable[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Progress = Callable[[str], object]
