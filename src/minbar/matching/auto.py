"""Auto-matching during enrichment: sentences of stored articles against the fact-check base.

Each article is processed once (``article_stages``); importing new fact-checks re-opens every
article so old coverage is matched against the new checks too. Results are stored in
``claim_matches``, so ``minbar matches`` never recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from minbar.matching.match import Matcher
from minbar.models import InputError
from minbar.store import matches as db
from minbar.store import stages
from minbar.store.matches import list_matches  # noqa: F401  (re-exported: ``minbar matches``)
from minbar.store.repository import Store
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
#: ... and whose nearest fact-check (dense cosine) is at least this close: the sparse pass,
#: the costliest part of matching, is skipped below it. On the demo (2026-12-06) all 77 distinct
#: auto-matched sentences had a nearest cosine >= 0.8426; the floor 0.84 looks up 492 sentences
#: instead of 741 (COS_FLOOR 0.82) and keeps all 77 (docs/round2/workers.md).
AUTO_MIN_COS = 0.84
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
    db.reopen(store, STAGE)


def _article_sentences(rows, stored: dict[int, list]) -> dict[int, list[str]]:
    """Candidate sentences per article: the check-worthy ones when the analysis stage has run
    (a sentence that makes no checkable claim is not looked up: on the demo corpus 954 of 1,340
    sentences are looked up, and matched sentences went from 111 to 95 — BENCHMARKS.md), else
    every sentence split afresh."""
    kept: dict[int, list[str]] = {}
    for aid, sentences in stored.items():
        keep = kept.setdefault(aid, [])
        for text, checkworthy in sentences:
            if checkworthy and _long_enough(text) and text not in keep:
                keep.append(text)
    return {
        r.id: kept[r.id] if r.id in kept else candidate_sentences(r.title, r.text, r.lang)
        for r in rows
    }


def match_articles(
    store: Store,
    matcher: Matcher | None = None,
    progress: Callable[[int], None] | None = None,
    vectors: dict[str, np.ndarray] | None = None,
    ids: Sequence[int] | None = None,
) -> EnrichReport:
    """Match every pending article's sentences (among ``ids`` when given); idempotent and
    incremental. ``vectors`` maps sentences to the e5 query vectors the analysis stage already
    computed."""
    report = EnrichReport()
    ids = stages.pending_ids(store, STAGE, ids)
    if not ids or not db.has_factchecks(store):
        return report
    matcher = matcher or Matcher(store.engine)
    seen: dict[str, list] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows, stored = db.articles_with_sentences(store, chunk)
        by_article = _article_sentences(rows, stored)
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
                min_cos=AUTO_MIN_COS,
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
        found = [
            (aid, s, m.factcheck_id, m.score)
            for aid, s, ms in zip(owners, sents, results, strict=True)
            for m in ms
        ]
        db.replace_matches(store, chunk, found, STAGE)
        report.enriched += len(chunk)
        report.matched_sentences += len({(f[0], f[1]) for f in found})
        if progress:
            progress(len(chunk))
    return report
