"""The store: every read and write of articles, sources and the ingest log.

Callers hand in prepared plain data (:class:`minbar.ingest.prepare.Prepared`); one call is one
transaction, so a failing batch leaves nothing half-written (no article without its index rows or
LSH bands).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from sqlalchemy import Engine, and_, func, insert, or_, select, update

from minbar.config import Settings
from minbar.models import Article, IngestReport, SearchHit
from minbar.store import search as fts
from minbar.store.db import open_engine
from minbar.store.schema import article_bands, articles, ingest_log, sources
from minbar.text import dedup
from minbar.text.dates import to_utc, utcnow


class Store:
    """Library entry point to the database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._source_ids: dict[str, int] = {}

    @classmethod
    def open(cls, settings: Settings) -> Store:
        return cls(open_engine(settings))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # --- sources ---------------------------------------------------------------------------

    def _source_id(self, conn, name: str | None) -> int | None:
        if not name:
            return None
        if name in self._source_ids:
            return self._source_ids[name]
        found = conn.execute(select(sources.c.id).where(sources.c.name == name)).scalar()
        if found is None:
            found = conn.execute(
                insert(sources).values(name=name, kind="outlet", active=True, created_at=utcnow())
            ).inserted_primary_key[0]
        self._source_ids[name] = found
        return found

    # --- articles --------------------------------------------------------------------------

    def add_articles(self, items: list, report: IngestReport | None = None) -> IngestReport:
        """Store prepared articles in one transaction; duplicates are detected here.

        * same canonical URL as a stored article: skipped (``duplicates``);
        * same normalised body at another URL: stored as an exact copy of the earliest
          (``duplicates``, not ``ingested``);
        * MinHash similarity over the threshold: stored, linked to the earliest article of that
          copy group (``ingested`` and ``near_duplicates``).
        """
        report = report or IngestReport()
        fetched_at = utcnow()
        try:
            with self.engine.begin() as conn:
                local = IngestReport()
                for p in items:
                    self._add_one(conn, p, fetched_at, local)
        except Exception:
            self._source_ids.clear()  # ids created inside the rolled-back transaction are gone
            raise
        report.add(local)
        return report

    def _add_one(self, conn, p, fetched_at: datetime, report: IngestReport) -> None:
        exists = conn.execute(
            select(articles.c.id).where(articles.c.canonical_url == p.canonical_url)
        ).scalar()
        if exists is not None:
            report.duplicates += 1
            return
        row = {
            "url": p.url,
            "canonical_url": p.canonical_url,
            "title": p.title,
            "text": p.text,
            "text_norm": p.norm,
            "text_stem": p.stem,
            "lang": p.lang,
            "lang_source": p.lang_source,
            "published": p.published,
            "fetched_at": fetched_at,
            "source_id": self._source_id(conn, p.source),
            "content_hash": p.content_hash,
            "minhash": dedup.to_bytes(p.signature),
            "word_count": p.word_count,
        }
        exact = conn.execute(
            select(articles.c.id, articles.c.duplicate_of)
            .where(articles.c.content_hash == p.content_hash)
            .order_by(articles.c.id)
            .limit(1)
        ).first()
        if exact is not None:
            row.update(
                duplicate_of=exact.duplicate_of or exact.id, dup_kind="exact", dup_similarity=1.0
            )
            new_id = conn.execute(insert(articles).values(**row)).inserted_primary_key[0]
            fts.index_rows(conn, fts.ARTICLES, [(new_id, p.norm, p.stem)])
            report.duplicates += 1
            report.article_ids.append(new_id)
            return
        match = self._near_match(conn, p)
        root_published = None
        if match is not None:
            root_id, sim, root_published = match
            row.update(duplicate_of=root_id, dup_kind="near", dup_similarity=sim)
        new_id = conn.execute(insert(articles).values(**row)).inserted_primary_key[0]
        if match is not None and p.published and root_published and p.published < root_published:
            self._promote(conn, new_id, root_id, sim)
        conn.execute(
            insert(article_bands),
            [{"hash": h, "article_id": new_id} for h in p.bands],
        )
        fts.index_rows(conn, fts.ARTICLES, [(new_id, p.norm, p.stem)])
        report.ingested += 1
        report.near_duplicates += match is not None
        report.article_ids.append(new_id)

    def _near_match(self, conn, p) -> tuple[int, float, datetime | None] | None:
        """(root id, similarity, root published) of the most similar earlier article."""
        cand_ids = (
            conn.execute(
                select(article_bands.c.article_id)
                .where(article_bands.c.hash.in_(p.bands))
                .distinct()
            )
            .scalars()
            .all()
        )
        best: tuple[float, int, int | None] | None = None
        for chunk in range(0, len(cand_ids), 500):
            rows = conn.execute(
                select(articles.c.id, articles.c.minhash, articles.c.duplicate_of).where(
                    articles.c.id.in_(cand_ids[chunk : chunk + 500])
                )
            ).all()
            for r in rows:
                sim = dedup.similarity(p.signature, dedup.from_bytes(r.minhash))
                if sim >= dedup.NEAR_DUP_THRESHOLD and (best is None or sim > best[0]):
                    best = (sim, r.id, r.duplicate_of)
        if best is None:
            return None
        sim, cid, parent = best
        root_id = parent or cid
        published = conn.execute(
            select(articles.c.published).where(articles.c.id == root_id)
        ).scalar()
        return root_id, sim, to_utc(published) if published else None

    def _promote(self, conn, new_id: int, old_root: int, sim: float) -> None:
        """A copy that was published before the group's root becomes the root (provenance)."""
        conn.execute(
            update(articles)
            .where(articles.c.id == new_id)
            .values(duplicate_of=None, dup_kind=None, dup_similarity=None)
        )
        conn.execute(
            update(articles)
            .where(or_(articles.c.id == old_root, articles.c.duplicate_of == old_root))
            .where(articles.c.id != new_id)
            .values(duplicate_of=new_id)
        )
        conn.execute(
            update(articles)
            .where(articles.c.id == old_root)
            .values(dup_kind="near", dup_similarity=sim)
        )

    def article(self, article_id: int) -> Article | None:
        with self.engine.connect() as conn:
            r = conn.execute(
                select(articles, sources.c.name.label("source_name"))
                .select_from(articles.outerjoin(sources, sources.c.id == articles.c.source_id))
                .where(articles.c.id == article_id)
            ).first()
        if r is None:
            return None
        return Article(
            id=r.id,
            url=r.url,
            canonical_url=r.canonical_url,
            title=r.title,
            text=r.text,
            lang=r.lang,
            published=to_utc(r.published) if r.published else None,
            fetched_at=to_utc(r.fetched_at),
            source=r.source_name,
            content_hash=r.content_hash,
            duplicate_of=r.duplicate_of,
            dup_kind=r.dup_kind,
            dup_similarity=r.dup_similarity,
        )

    def copies_of(self, article_id: int) -> list[int]:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(articles.c.id)
                    .where(articles.c.duplicate_of == article_id)
                    .order_by(articles.c.id)
                )
                .scalars()
                .all()
            )

    # --- search ----------------------------------------------------------------------------

    def search(self, query: str, filters: fts.Filters | None = None) -> list[SearchHit]:
        with self.engine.connect() as conn:
            return fts.search_text(conn, query, filters)

    def hits(
        self, scored: list[tuple[int, float]], filters: fts.Filters | None = None
    ) -> list[SearchHit]:
        """Articles of ranked ``(id, score)`` pairs (a vector search) as hits, filtered."""
        with self.engine.connect() as conn:
            return fts.hydrate_hits(conn, scored, filters or fts.Filters())

    def rebuild_index(self) -> int:
        """Rebuild the derived full-text indexes (articles and fact-checks); returns the number
        of articles indexed."""
        with self.engine.begin() as conn:
            fts.rebuild_index(conn, fts.FACTCHECKS)
            return fts.rebuild_index(conn, fts.ARTICLES)

    # --- ingest log and summaries -----------------------------------------------------------

    def log(
        self,
        run_id: str,
        input_name: str,
        outcome: str,
        *,
        item: str | None = None,
        error: str | None = None,
        report: IngestReport | None = None,
    ) -> None:
        report = report or IngestReport()
        with self.engine.begin() as conn:
            conn.execute(
                insert(ingest_log).values(
                    run_id=run_id,
                    input=input_name[:2000],
                    item=item,
                    outcome=outcome,
                    error=error,
                    ingested=report.ingested,
                    duplicates=report.duplicates,
                    near_duplicates=report.near_duplicates,
                    at=utcnow(),
                )
            )

    def recent_log(self, limit: int = 50, errors_only: bool = False) -> list[dict]:
        stmt = select(ingest_log).order_by(ingest_log.c.id.desc()).limit(limit)
        if errors_only:
            stmt = stmt.where(ingest_log.c.outcome == "error")
        with self.engine.connect() as conn:
            return [
                {**r._mapping, "at": to_utc(r.at).isoformat()} for r in conn.execute(stmt).all()
            ]

    def summary(self) -> dict:
        """Counts per language and source, duplicates found."""
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(articles)).scalar_one()
            by_lang = dict(
                conn.execute(select(articles.c.lang, func.count()).group_by(articles.c.lang)).all()
            )
            by_source = dict(
                conn.execute(
                    select(sources.c.name, func.count(articles.c.id))
                    .select_from(articles.join(sources, sources.c.id == articles.c.source_id))
                    .group_by(sources.c.name)
                ).all()
            )
            kinds = Counter(
                dict(
                    conn.execute(
                        select(articles.c.dup_kind, func.count())
                        .where(articles.c.dup_kind.is_not(None))
                        .group_by(articles.c.dup_kind)
                    ).all()
                )
            )
            groups = conn.execute(
                select(func.count(func.distinct(articles.c.duplicate_of))).where(
                    and_(articles.c.duplicate_of.is_not(None))
                )
            ).scalar_one()
        return {
            "articles": total,
            "languages": {str(k): v for k, v in sorted(by_lang.items(), key=lambda kv: -kv[1])},
            "sources": dict(sorted(by_source.items(), key=lambda kv: -kv[1])),
            "exact_copies": kinds.get("exact", 0),
            "near_copies": kinds.get("near", 0),
            "copy_groups": groups,
        }


def new_run_id() -> str:
    return uuid.uuid4().hex
