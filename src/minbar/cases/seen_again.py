""" "Seen again": new articles that carry the claim of an open or published case get linked to it.

:func:`link_seen_again` is the hook the enrichment's matching stage calls with the ids of the
articles it has just matched (after ``claim_matches`` is written). Two sources of links:

* published cases: their fact-check rows are in the matching engine's base, so an auto-match of a
  sentence to one of those rows (``claim_matches``, already held to the auto-matching bar) links
  the article to the case;
* cases not yet published (open … approved): each check-worthy sentence is compared with the
  case claims — dense e5 cosine (query vs passage) >= ``SEEN_COS`` and sparse latent-term
  similarity >= ``SEEN_SPARSE`` (the auto-matching floor).

Idempotent (one link per case and article), cheap when there are no cases (one query, no model).
"""

from __future__ import annotations

import numpy as np

from minbar.cases import similar
from minbar.cases.workflow import ACTIVE
from minbar.store import case_articles as sql_art
from minbar.store import cases as sql
from minbar.store.db import connection, transaction
from minbar.text.dates import aware


def link_seen_again(
    store,
    article_ids: list[int],
    *,
    vectors: dict[str, np.ndarray] | None = None,
    embedder=None,
) -> int:
    """Link ``article_ids`` to the cases whose claim they carry; returns the links made.

    ``vectors`` maps sentences to the e5 *query* vectors the analysis stage already computed
    (reused, as the matching stage does); ``embedder`` defaults to the process-wide model."""
    if not article_ids:
        return 0
    made = 0
    with transaction(store.engine) as conn:
        for case_id, article_id, sentence, score in sql_art.published_matches(conn, article_ids):
            made += _link(conn, case_id, article_id, sentence, score)
        open_cases = sql.case_vectors(conn, ACTIVE)
        if not open_cases:
            return made
        sentences = sql_art.checkworthy_sentences(conn, article_ids)
        briefs = sql.cases_brief(conn, [i for i, _ in open_cases])
        origins = {i: c["article_id"] for i, c in briefs.items()}
        opened = {i: aware(c["created_at"]) for i, c in briefs.items()}
        stored = sql_art.stored_at(conn, list(sentences))
    pairs = [(aid, s) for aid, sents in sentences.items() for s in sents]
    if not pairs:
        return made
    from minbar.analysis.embeddings import get_embedder, sparse_dot

    model = embedder or get_embedder()
    known = vectors or {}
    texts = [s for _, s in pairs]
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    fresh = dict(zip(todo, model.queries(todo), strict=True)) if todo else {}
    ids = [i for i, _ in open_cases]
    matrix = np.vstack([similar.from_bytes(b) for _, b in open_cases])
    hits: list[tuple[int, int, str, float]] = []
    for aid, sent in pairs:
        qvec = known.get(sent)
        if qvec is None:
            qvec = fresh[sent]
        scores = matrix @ np.asarray(qvec, dtype=np.float32)
        for k in np.nonzero(scores >= similar.SEEN_COS)[0]:
            # seen *again*: stored after the case was opened, and not the article it came from
            if origins.get(ids[k]) != aid and stored[aid] >= opened[ids[k]]:
                hits.append((ids[k], aid, sent, float(scores[k])))
    if not hits:
        return made
    with connection(store.engine) as conn:
        claims = {i: c["claim"] for i, c in sql.cases_brief(conn, [h[0] for h in hits]).items()}
    case_sparse = dict(zip(claims, model.sparse(list(claims.values())), strict=True))
    sents = list(dict.fromkeys(h[2] for h in hits))
    sent_sparse = dict(zip(sents, model.sparse(sents), strict=True))
    with transaction(store.engine) as conn:
        for case_id, aid, sent, cos in hits:
            if sparse_dot(sent_sparse[sent], case_sparse[case_id]) >= similar.SEEN_SPARSE:
                made += _link(conn, case_id, aid, sent, cos)
    return made


def _link(conn, case_id: int, article_id: int, sentence: str, score: float) -> int:
    if not sql.link_article(conn, case_id, article_id, sentence, score):
        return 0
    sql.add_event(conn, case_id, None, "seen_again", {"article_id": article_id})
    sql.touch(conn, case_id)
    return 1
