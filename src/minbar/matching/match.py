"""``minbar match``: find the fact-checks that check the same claim as a text, in any language.

1. Retrieve: e5 vectors (nearest fact-check claims, any language) and normalised BM25 (same
   language paraphrases), fused by reciprocal rank.
2. Re-rank: a calibrated logistic model over features that separate near-misses (dense and
   sparse e5 similarity and their margins over rival candidates, numbers, negation) gives a
   probability per candidate; pairs in one language have their own weights (a paraphrase in
   the claim's language shares its words, a translation does not).
3. Veto: a candidate whose event arguments disagree with the text — numbers on both sides that
   never agree, or named entities on both sides with none in common ("Germany" vs "Türkiye",
   cross-script keys) — is not the same claim, whatever its similarity: its probability is 0.
4. Cut: candidates under the no-match threshold are dropped, so unrelated text returns ``[]``.
5. One row per published case: a case is published as one fact-check row per summary language
   (same claim); only the best row of a case is returned, in the text's language when tied.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from minbar.analysis.embeddings import Embedder, get_embedder, sparse_dot
from minbar.matching.features import (
    FEATURES,
    Side,
    entities,
    entity_conflict,
    pair_features,
    side,
    sparse_cover,
)
from minbar.matching.rerank import Reranker, default_reranker, default_same_reranker
from minbar.store import search as fts
from minbar.store.case_articles import cases_of_factchecks
from minbar.store.db import connection
from minbar.store.factchecks import get_factchecks, get_sparse, load_vectors, set_sparse
from minbar.store.vectors import VectorIndex
from minbar.text.language import detect_languages

VECTOR_K = 30
LEXICAL_K = 30
RRF_K = 60
#: Below this dense cosine to the nearest fact-check no text in our evaluation sets was a match
#: (lowest true match 0.84 on the cross-lingual set; unrelated text sits around 0.77).
COS_FLOOR = 0.82
#: Pair features that, when set, veto a match (chosen on the dev halves, docs/round2/matching.md).
VETO = ("num_conflict", "ent_conflict")
_VETO_COLS = tuple(FEATURES.index(f) for f in VETO)


def vetoed(feats: list[float]) -> bool:
    """The pair's event arguments disagree (numbers or named entities), see :data:`VETO`."""
    return any(feats[i] > 0 for i in _VETO_COLS)


@dataclass
class Match:
    factcheck_id: int
    claim: str
    rating: str
    verdict: str
    url: str
    lang: str | None
    score: float

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(self.score, 4)
        return d


@dataclass
class Candidate:
    factcheck_id: int
    cos: float
    rrf: float
    #: the fact-check's language (set by :meth:`Matcher.featurize`)
    lang: str | None = None


class Matcher:
    """Holds the derived vector index over a store's fact-checks; rebuild after imports."""

    def __init__(
        self,
        engine,
        embedder: Embedder | None = None,
        reranker: Reranker | None = None,
        same_reranker: Reranker | None = None,
    ) -> None:
        """``reranker`` scores pairs across languages (and every pair when there is no
        ``same_reranker``); ``same_reranker`` pairs whose texts share a language. Passing a
        ``reranker`` alone uses it for all pairs."""
        self.engine = engine
        self.embedder = embedder or get_embedder()
        self.reranker = reranker or default_reranker()
        self.same_reranker = same_reranker or (None if reranker else default_same_reranker())
        self._index: VectorIndex | None = None
        self._vectors: dict[int, np.ndarray] = {}
        self._sides: dict[int, Side] = {}

    def refresh(self) -> None:
        """Reload vectors after fact-checks were added (``minbar reindex`` does it too)."""
        ids, matrix = load_vectors(self.engine)
        self._index = VectorIndex(ids, matrix)
        self._vectors = dict(zip(ids, matrix, strict=True))
        self._sides = {}

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self.refresh()
        return self._index

    def lexical(self, texts: list[str]) -> list[list[tuple[int, float]]]:
        """BM25 hits over the fact-check claims for each text (one connection)."""
        with connection(self.engine) as conn:
            return [fts.bm25_any(conn, fts.FACTCHECKS, t, LEXICAL_K) for t in texts]

    def candidates(
        self,
        text: str,
        qvec: np.ndarray,
        vector_hits: list[tuple[int, float]] | None = None,
        lexical: list[tuple[int, float]] | None = None,
    ) -> list[Candidate]:
        """Fused vector + BM25 candidates; ``vector_hits`` / ``lexical`` reuse searches already
        made."""
        ranks: dict[int, float] = {}
        cosines: dict[int, float] = {}
        if vector_hits is None:
            vector_hits = self.index.search(qvec, VECTOR_K)
        for rank, (fid, cos) in enumerate(vector_hits):
            ranks[fid] = ranks.get(fid, 0.0) + 1.0 / (RRF_K + rank + 1)
            cosines[fid] = cos
        if lexical is None:
            lexical = self.lexical([text])[0]
        for rank, (fid, _score) in enumerate(lexical):
            ranks[fid] = ranks.get(fid, 0.0) + 1.0 / (RRF_K + rank + 1)
        out = []
        for fid, rrf in ranks.items():
            if fid not in cosines:
                vec = self._vectors.get(fid)
                if vec is None:
                    continue
                cosines[fid] = float(vec @ qvec)
            out.append(Candidate(fid, cosines[fid], rrf))
        return out

    def _sparse_of(self, stored: dict) -> dict[int, tuple]:
        """Sparse vectors of candidates, computed and saved on first use when missing."""
        found = {i: sp for i, sp in get_sparse(self.engine, list(stored)).items() if sp}
        todo = [i for i in stored if i not in found]
        if todo:
            fresh = dict(
                zip(todo, self.embedder.sparse([stored[i].claim for i in todo]), strict=True)
            )
            set_sparse(self.engine, fresh)
            found.update(fresh)
        return found

    def featurize(
        self,
        text: str,
        lang: str | None,
        qvec: np.ndarray,
        qsparse: tuple | None = None,
        vector_hits: list[tuple[int, float]] | None = None,
        lexical: list[tuple[int, float]] | None = None,
        with_entities: bool = True,
    ) -> list[tuple[Candidate, list[float]]]:
        """Every retrieved candidate with its re-ranking features. ``with_entities=False``
        skips named-entity extraction (~0.8 ms per uncached candidate): the ``ent_*`` features
        are then neutral, and the caller checks the entity veto on the survivors."""
        cands = self.candidates(text, qvec, vector_hits, lexical)
        stored = get_factchecks(self.engine, [c.factcheck_id for c in cands])
        cands = [c for c in cands if c.factcheck_id in stored]
        if not cands:
            return []
        for c in cands:
            c.lang = stored[c.factcheck_id].lang
        qsparse = qsparse or self.embedder.sparse([text])[0]
        sparse = self._sparse_of(stored)
        sims = {c.factcheck_id: sparse_dot(qsparse, sparse[c.factcheck_id]) for c in cands}
        best_cos = max(c.cos for c in cands)
        best_sparse = max(sims.values())
        qside = side(text, lang, with_entities)
        out = []
        for c in cands:
            fc = stored[c.factcheck_id]
            fside = self._side_of(fc, with_entities)
            out.append(
                (
                    c,
                    pair_features(
                        c.cos,
                        best_cos,
                        sims[fc.id],
                        best_sparse,
                        c.rrf * RRF_K,
                        qside,
                        fside,
                        sparse_cover(qsparse, sparse[fc.id]),
                    ),
                )
            )
        return out

    def _side_of(self, fc, with_entities: bool) -> Side:
        """The fact-check's side, cached; entities extracted on first need."""
        cached = self._sides.get(fc.id)
        if cached is None or (with_entities and cached.entities is None):
            cached = self._sides[fc.id] = side(fc.claim, fc.lang, with_entities)
        return cached

    def model(self, cand: Candidate, lang: str | None) -> Reranker:
        """The re-ranker for this pair: the same-language one when the text and the
        fact-check share a language and there is one, else the cross-language one."""
        if self.same_reranker is not None and lang and cand.lang == lang:
            return self.same_reranker
        return self.reranker

    def probability(self, cand: Candidate, lang: str | None, feats: list[float]) -> float:
        """The calibrated probability that the candidate checks the text's claim (vetoes
        aside)."""
        return self.model(cand, lang).probability(feats)

    def threshold(self, cand: Candidate, lang: str | None) -> float:
        """The no-match cut of the model that scores this pair."""
        return self.model(cand, lang).threshold

    def score(
        self, text: str, lang: str | None, qvec: np.ndarray, qsparse: tuple | None = None
    ) -> list[tuple[Candidate, float]]:
        """Every retrieved candidate with its calibrated probability, best first."""
        scored = [
            (c, 0.0 if vetoed(f) else self.probability(c, lang, f))
            for c, f in self.featurize(text, lang, qvec, qsparse)
        ]
        scored.sort(key=lambda cp: (-cp[1], -cp[0].cos))
        return scored

    def _one_per_case(self, scored: list, passed: list[bool], lang: str | None) -> list:
        """The accepted candidates, one row per published case, best first. ``passed``: each
        candidate's probability reached its no-match cut. The rows of a case carry the same
        claim (one per summary language), so they differ only by retrieval noise and by which
        model scored them (same- or cross-language): a case is accepted when any of its rows
        passed, keeps its best passing score, and is shown by its row in the text's language
        when it has one, else by that best row."""
        with connection(self.engine) as conn:
            case_of = cases_of_factchecks(conn, [c.factcheck_id for c, _ in scored])
        best: dict[int, int] = {}  # case -> position of its best passing row
        shown: dict[int, int] = {}  # case -> position of its row in the text's language
        for k, ((c, _p), ok) in enumerate(zip(scored, passed, strict=True)):
            case = case_of.get(c.factcheck_id)
            if case is None:
                continue
            if ok and case not in best:
                best[case] = k
            if case not in shown and c.lang == lang:
                shown[case] = k
        out = []
        for k, ((c, p), ok) in enumerate(zip(scored, passed, strict=True)):
            case = case_of.get(c.factcheck_id)
            if case is None:
                if ok:
                    out.append((c, p))
            elif best.get(case) == k:
                out.append((scored[shown.get(case, k)][0], p))
        return out

    def match(self, text: str, lang: str | None = None, limit: int = 5) -> list[Match]:
        return self.match_many([text], [lang], limit)[0]

    def match_many(
        self,
        texts: list[str],
        langs: list[str | None] | None = None,
        limit: int = 5,
        min_score: float | None = None,
        min_sparse: float = 0.0,
        vectors: np.ndarray | None = None,
        min_cos: float = COS_FLOOR,
    ) -> list[list[Match]]:
        """Confident matches for each text (embedded in one batch). ``min_score`` overrides the
        calibrated threshold and ``min_sparse`` adds an absolute floor on the sparse latent-term
        similarity (auto-matching uses both: the probability is relative to the rival
        candidates, so a sentence on a checked topic but with another claim can still win).
        ``vectors``: the texts' e5 query vectors when the caller already has them. ``min_cos``:
        texts whose nearest fact-check is less similar are not scored (no sparse pass)."""
        # Entities are extracted only for candidates above the threshold unless the model
        # itself reads them (the veto result is the same either way).
        models = [self.reranker] + ([self.same_reranker] if self.same_reranker else [])
        lazy = not any(f.startswith("ent_") for m in models for f in m.features)
        langs = langs or [None] * len(texts)
        missing = [i for i, lg in enumerate(langs) if not lg]
        langs = list(langs)
        for i, lg in zip(missing, detect_languages([texts[i] for i in missing]), strict=True):
            langs[i] = lg
        if not len(self.index) or not texts:
            return [[] for _ in texts]
        qvecs = self.embedder.queries(texts) if vectors is None else vectors
        # The sparse pass costs 1.5x the dense one: skip it for texts whose nearest fact-check
        # is too far to be the same claim (every true match in our sets is above the floor).
        hits = [self.index.search(qv, VECTOR_K) for qv in qvecs]
        near = [i for i, h in enumerate(hits) if h and h[0][1] >= min_cos]
        # (Running BM25 in a thread while the sparse pass encodes was measured: no gain on the
        # 2-core machine, docs/round2/matching.md.)
        qsparse = dict(zip(near, self.embedder.sparse([texts[i] for i in near]), strict=True))
        lexical = dict(zip(near, self.lexical([texts[i] for i in near]), strict=True))
        results: list[list[Match]] = []
        for i, (text, lang, qvec) in enumerate(zip(texts, langs, qvecs, strict=True)):
            if i not in qsparse:
                results.append([])
                continue
            feats = self.featurize(
                text, lang, qvec, qsparse[i], hits[i], lexical[i], with_entities=not lazy
            )
            scored = sorted(
                (
                    (c, self.probability(c, lang, f))
                    for c, f in feats
                    if f[FEATURES.index("sparse")] >= min_sparse and not vetoed(f)
                ),
                key=lambda cp: (-cp[1], -cp[0].cos),
            )
            passed = [
                p >= (self.threshold(c, lang) if min_score is None else min_score)
                for c, p in scored
            ]
            if not any(passed):
                results.append([])
                continue
            scored = self._one_per_case(scored, passed, lang)
            stored = get_factchecks(self.engine, [c.factcheck_id for c, _ in scored])
            if lazy and scored:  # the entity veto, on the few candidates that could be returned
                qents = entities(text, lang)
                scored = [
                    (c, p)
                    for c, p in scored
                    if not entity_conflict(
                        qents, self._side_of(stored[c.factcheck_id], True).entities
                    )
                ]
            scored = scored[:limit]
            results.append(
                [
                    Match(
                        factcheck_id=c.factcheck_id,
                        claim=stored[c.factcheck_id].claim,
                        rating=stored[c.factcheck_id].rating,
                        verdict=stored[c.factcheck_id].verdict,
                        url=stored[c.factcheck_id].url,
                        lang=stored[c.factcheck_id].lang,
                        score=p,
                    )
                    for c, p in scored
                ]
            )
        return results
