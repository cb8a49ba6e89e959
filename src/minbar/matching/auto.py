"""Auto-matching during enrichment: sentences of stored articles against the fact-check base.

Each article is processed once (``article_stages``); importing new fact-checks re-opens every
article so old coverage is matched against the new checks too. Results are stored in
``claim_matches``, so ``minbar matches`` never recomputes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, insert, select

from minbar.matching.match import Matcher
from minbar.models import InputError
from minbar.store import stages
from minbar.store.repository import Store
from minbar.store.schema import (
    article_sentences,
    articles,
    claim_matches,
    factchecks,
)
from minbar.text.normalize import tokens
from minbar.text.sentences import split_sentences

STAGE = "match"
#: Auto-matching runs unattended over every sentence, most of which check nothing: it keeps only
#: matches the re-ranker is very sure of (the interactive ``minbar match`` uses the calibrated
#: threshold). See BENCHMARKS.md for what this costs in recall.
AUTO_MIN_SCORE = 0.95
#: ... and whose sparse latent-term similarity is high in absolute terms. The re-ranker's
#: probability is relative to the rival candidates, so a sentence on a checked topic that makes
#: another claim ("2 million views" vs "2 million passports stolen") can still score 0.99; on a
#: 25-match sample of the demo, true matches had sparse >= 0.35 (8 of 11 >= 0.45) and false ones
#: <= 0.52 (13 of 14 < 0.45). Measured on a separate sample in BENCHMARKS.md.
AUTO_MIN_SPARSE = 0.45
MIN_TOKENS = 5
MAX_CHARS = 600
BATCH = 16


@dataclass
class EnrichReport:
    enriched: int = 0
    matched_sentences: int = 0
    errors: list[InputError] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "enriched": self.enriched,
            "matched_sentences": self.matched_sentences,
            "errors": [e.to_dict() for e in self.errors],
        }


def _long_enough(sent: str) -> bool:
    return len(tokens(sent)) >= MIN_TOKENS and len(sent) <= MAX_CHARS


def candidate_sentences(title: str, text: str, lang: str | None) -> list[str]:
    """Sentences long enough to carry a claim (the headline counts as one)."""
    out = []
    for sent in [title, *split_sentences(text, lang)]:
        sent = sent.strip()
        if sent and _long_enough(sent) and sent not in out:
            out.append(sent)
    return out


def reopen_all(store: Store) -> None:
    """New fact-checks arrived: every article must be matched again."""
    with store.engine.begin() as conn:
        stages.reopen(conn, STAGE)


def _article_sentences(conn, rows) -> dict[int, list[str]]:
    """Candidate sentences per article: the check-worthy ones when the analysis stage has run
    (a sentence that makes no checkable claim is not looked up: on the demo corpus 954 of 1,340
    sentences are looked up, and matched sentences went from 111 to 95 — BENCHMARKS.md), else
    every sentence split afresh."""
    stored: dict[int, list[str]] = {}
    for r in conn.execute(
        select(
            article_sentences.c.article_id,
            article_sentences.c.text,
            article_sentences.c.checkworthy,
        )
        .where(article_sentences.c.article_id.in_([r.id for r in rows]))
        .order_by(article_sentences.c.article_id, article_sentences.c.idx)
    ):
        keep = stored.setdefault(r.article_id, [])
        if r.checkworthy and _long_enough(r.text) and r.text not in keep:
            keep.append(r.text)
    return {
        r.id: stored[r.id] if r.id in stored else candidate_sentences(r.title, r.text, r.lang)
        for r in rows
    }


def match_articles(
    store: Store,
    matcher: Matcher | None = None,
    progress: Callable[[int], None] | None = None,
    vectors: dict[str, np.ndarray] | None = None,
) -> EnrichReport:
    """Match every pending article's sentences; idempotent and incremental. ``vectors`` maps
    sentences to the e5 query vectors the analysis stage already computed."""
    report = EnrichReport()
    with store.engine.connect() as conn:
        has_factchecks = conn.execute(select(factchecks.c.id).limit(1)).first() is not None
    ids = stages.pending_ids(store, STAGE)
    if not ids or not has_factchecks:
        return report
    matcher = matcher or Matcher(store.engine)
    seen: dict[str, list] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.id, articles.c.title, articles.c.text, articles.c.lang).where(
                    articles.c.id.in_(chunk)
                )
            ).all()
            by_article = _article_sentences(conn, rows)
        sents, owners, langs = [], [], []
        for r in rows:
            for s in by_article[r.id]:
                sents.append(s)
                owners.append(r.id)
                langs.append(r.lang)
        # Wire copies repeat the same sentences: match each distinct sentence once per run.
        first: dict[str, int] = {}
        for i, sent in enumerate(sents):
            if sent not in seen:
                first.setdefault(sent, i)
        todo = list(first.values())
        known = vectors or {}
        found_now = (
            matcher.match_many(
                [sents[i] for i in todo],
                [langs[i] for i in todo],
                limit=3,
                min_score=AUTO_MIN_SCORE,
                min_sparse=AUTO_MIN_SPARSE,
                vectors=np.vstack([known[sents[i]] for i in todo])
                if all(sents[i] in known for i in todo)
                else None,
            )
            if todo
            else []
        )
        for i, found_i in zip(todo, found_now, strict=True):
            seen[sents[i]] = found_i
        results = [seen[sent] for sent in sents]
        now = datetime.now(UTC)
        found = [
            {
                "article_id": aid,
                "sentence": s,
                "factcheck_id": m.factcheck_id,
                "score": m.score,
                "matched_at": now,
            }
            for aid, s, ms in zip(owners, sents, results, strict=True)
            for m in ms
        ]
        with store.engine.begin() as conn:
            conn.execute(delete(claim_matches).where(claim_matches.c.article_id.in_(chunk)))
            if found:
                conn.execute(insert(claim_matches), found)
            stages.mark_done(conn, STAGE, chunk)
        report.enriched += len(chunk)
        report.matched_sentences += len({(f["article_id"], f["sentence"]) for f in found})
        if progress:
            progress(len(chunk))
    return report


def list_matches(store: Store, article_id: int | None = None) -> list[dict]:
    """Article claims with their matched fact-checks (what ``minbar matches`` prints)."""
    stmt = (
        select(
            claim_matches.c.article_id,
            articles.c.url.label("article_url"),
            articles.c.lang.label("article_lang"),
            claim_matches.c.sentence,
            claim_matches.c.score,
            factchecks.c.id.label("factcheck_id"),
            factchecks.c.claim,
            factchecks.c.rating_name,
            factchecks.c.verdict,
            factchecks.c.url,
            factchecks.c.lang,
        )
        .join(articles, articles.c.id == claim_matches.c.article_id)
        .join(factchecks, factchecks.c.id == claim_matches.c.factcheck_id)
        .order_by(claim_matches.c.article_id, claim_matches.c.id)
    )
    if article_id is not None:
        stmt = stmt.where(claim_matches.c.article_id == article_id)
    grouped: dict[tuple[int, str], dict] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(stmt).all():
            item = grouped.setdefault(
                (r.article_id, r.sentence),
                {
                    "article_id": r.article_id,
                    "article_url": r.article_url,
                    "lang": r.article_lang,
                    "claim": r.sentence,
                    "matches": [],
                },
            )
            item["matches"].append(
                {
                    "factcheck_id": r.factcheck_id,
                    "claim": r.claim,
                    "rating": r.rating_name or r.verdict,
                    "verdict": r.verdict,
                    "url": r.url,
                    "lang": r.lang,
                    "score": round(r.score, 4),
                }
            )
    return list(grouped.values())
