"""The analysis stage of enrichment: every stored article gets its sentences (with
check-worthiness), entities and quotes computed once and stored.

Incremental through ``article_stages`` (stage ``analysis``); importing user-defined entities
re-opens every article. One transaction per batch: results and the stage mark land together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from minbar.analysis.analyze import analyze_texts
from minbar.analysis.entities import EntityDef, get_recognizer
from minbar.analysis.gazetteer import entity_key
from minbar.models import InputError
from minbar.store import analysis as db
from minbar.store import stages
from minbar.store.repository import Store

STAGE = "analysis"
BATCH = 32
#: Sentence vectors kept between the analysis and matching stages of one run (the matcher needs
#: the same e5 query vectors; recomputing them would double the cost of enrichment).
VECTOR_CACHE_MAX = 50_000
#: Characters of sentences per article embedded and scored for check-worthiness: the title and
#: lead, then the most claim-like sentences (numbers, quotes). Long news is cut to about the
#: median SaudiNewsNet article (1,869 characters); the demo's articles are all under it.
SENTENCE_BUDGET = 1600


@dataclass
class AnalysisReport:
    analyzed: int = 0
    sentences: int = 0
    checkworthy: int = 0
    entities: int = 0
    quotes: int = 0
    errors: list[InputError] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {
            "analyzed": self.analyzed,
            "sentences": self.sentences,
            "checkworthy": self.checkworthy,
            "entities": self.entities,
            "quotes": self.quotes,
            "errors": [e.to_dict() for e in self.errors],
        }


def pending_ids(store: Store, ids: Sequence[int] | None = None) -> list[int]:
    """Articles not analysed yet (among ``ids`` when given), in id order."""
    return stages.pending_ids(store, STAGE, ids)


def load_entity_defs(store: Store) -> list[EntityDef]:
    """The user-defined entities (``minbar entities import``)."""
    return [
        EntityDef(canonical, type_, aliases)
        for canonical, type_, aliases in db.entity_def_rows(store)
    ]


def save_entity_defs(store: Store, defs: Iterable[EntityDef]) -> dict:
    """Insert or update user-defined entities (keyed by type and canonical name); re-opens the
    analysis of every article so old coverage is tagged with the new entities."""
    rows = [(entity_key(d.type, d.canonical), d.type, d.canonical, list(d.aliases)) for d in defs]
    return db.upsert_entity_defs(store, rows, reopen_stage=STAGE)


def analyze_pending(
    store: Store,
    progress: Callable[[int], None] | None = None,
    keep_vectors: bool = False,
    ids: Sequence[int] | None = None,
) -> AnalysisReport:
    """Analyse every article not analysed yet (among ``ids`` when given); idempotent and
    incremental.

    With ``keep_vectors`` the report carries the sentence vectors computed on the way (bounded),
    for the matching stage of the same run.
    """
    report = AnalysisReport()
    ids = pending_ids(store, ids)
    if not ids:
        return report
    recognizer = get_recognizer(tuple(load_entity_defs(store)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = db.article_texts(store, chunk)
        try:
            results = analyze_texts(
                [r.text for r in rows],
                [r.lang for r in rows],
                titles=[r.title for r in rows],
                recognizer=recognizer,
                budget=SENTENCE_BUDGET,
            )
        except Exception as exc:  # one bad batch must not stop the stage: record, go on
            report.errors.append(InputError(f"articles {chunk[0]}..{chunk[-1]}", repr(exc)))
            continue
        db.save_analyses(store, [(r.id, a) for r, a in zip(rows, results, strict=True)], STAGE)
        for a in results:
            report.sentences += len(a.sentences)
            report.checkworthy += int(a.checkworthy.sum())
            report.entities += len({e.key for e in a.entities})
            report.quotes += len(a.quotes)
            if keep_vectors and len(report.vectors) < VECTOR_CACHE_MAX:
                report.vectors.update(
                    (s, v) for s, v, e in zip(a.sentences, a.vectors, a.embedded, strict=True) if e
                )
        report.analyzed += len(chunk)
        if progress:
            progress(len(chunk))
    return report
