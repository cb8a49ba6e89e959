"""Alert evaluation: the last enrichment stage, over articles that the earlier stages finished.

:func:`evaluate_articles` checks a batch of articles against every active keyword, entity,
semantic and claim watchlist and stores one alert per (watchlist, article) — the database's
unique key makes that hold across re-runs, re-ingest and concurrent workers. The watch stage is
recorded in ``article_stages`` ("watch"), so :func:`evaluate_pending` is incremental and any
process that runs enrichment (CLI, embedded scheduler, Redis worker) evaluates alerts.

* keyword: :class:`minbar.watch.keywords.KeywordIndex` (normalised, inflection-aware);
* entity: the canonical entity keys stored by the analysis stage (one key across scripts);
* semantic: every semantic watchlist's e5 *query* vector against the batch's article *passage*
  vectors as one matrix product, with a calibrated cosine threshold (docs/round2/watchlists.md);
* claim: an article the auto-matcher linked to the watchlist's fact-check(s), or an article
  sentence close to the watchlist's claim (dense cosine and sparse latent-term floors of the
  matching engine).

Exact copies of an article (same body at another URL) raise no alert of their own: the
original already did. Velocity and silence watchlists are periodic (:mod:`minbar.watch.periodic`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from minbar.store import watchlists as wstore
from minbar.store.repository import Store
from minbar.watch.vectors import similarities

ARTICLE_KINDS = ("keyword", "entity", "semantic", "claim")
#: e5 query→passage cosine above which an article is "about" a semantic watchlist's query.
#: Calibrated on tests/data/watch_semantic.json (see docs/round2/watchlists.md).
SEMANTIC_THRESHOLD = 0.83
#: Claim watchlists: an article is looked at sentence by sentence only when its passage vector
#: is this close to the claim (cheap prefilter), ...
CLAIM_ARTICLE_FLOOR = 0.80
#: ... and a sentence matches when its query vector is this close to the claim's passage vector
#: and their sparse latent terms share something. Measured on the claim set of
#: tests/test_watch_semantic.py: same claim in ru/tr 0.864 / 0.885, same topic other claim
#: 0.79; the sparse similarity of a translated claim is low (0.25-0.39), so its floor only
#: drops sentences with nothing in common (the auto-matcher's 0.45 is for same-language pairs).
CLAIM_SENTENCE_COS = 0.84
CLAIM_SENTENCE_SPARSE = 0.2
BATCH = 500


def _passes_filters(wl: dict, row) -> bool:
    if wl["langs"] and row.lang not in wl["langs"]:
        return False
    return not (wl["sources"] and row.source not in wl["sources"])


def evaluate_pending(store: Store, progress=None) -> int:
    """Evaluate every analysed article not evaluated yet; returns the number of new alerts."""
    total = 0
    while True:
        ids = wstore.pending_ids(store, limit=BATCH)
        if not ids:
            return total
        total += evaluate_articles(store, ids)
        if progress:
            progress(len(ids))


def evaluate_articles(store: Store, article_ids: Sequence[int]) -> int:
    """Check ``article_ids`` against every active watchlist (and campaign key message), store
    the alerts and mark the articles evaluated; returns how many alerts are new."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    wls = wstore.list_watchlists(store, active_only=True, kinds=ARTICLE_KINDS, with_vectors=True)
    rows = [r for r in wstore.articles_for_eval(store, ids) if r.dup_kind != "exact"]
    hits: dict[tuple[int, int], tuple[str, float | None]] = {}
    by_id = {w["id"]: w for w in wls}
    if wls and rows:
        kinds = {w["kind"] for w in wls}
        if "keyword" in kinds:
            _keyword(wls, rows, hits)
        if "entity" in kinds:
            _entity(store, wls, rows, hits)
        vec_ids, vecs = wstore.vectors_of(store, [r.id for r in rows])
        if "semantic" in kinds:
            _semantic(wls, rows, vec_ids, vecs, hits)
        if "claim" in kinds:
            _claim(store, wls, rows, vec_ids, vecs, hits)
    row_of = {r.id: r for r in rows}
    alerts = []
    for (wid, aid), (reason, score) in hits.items():
        r = row_of[aid]
        alerts.append(
            {
                "watchlist_id": wid,
                "committee_id": by_id[wid]["committee_id"],
                "key": f"article:{aid}",
                "article_id": aid,
                "story_id": r.story_id,
                "source_id": r.source_id,
                "reason": reason,
                "score": score,
            }
        )
    from minbar.watch.campaigns import pickup_articles

    pickup_articles(store, rows)
    return wstore.insert_alerts(store, alerts, done_ids=ids)


def _keyword(wls, rows, hits) -> None:
    kw = [w for w in wls if w["kind"] == "keyword"]
    index = _keyword_index(tuple((w["id"], w["query"]) for w in kw))
    by_id = {w["id"]: w for w in kw}
    for r in rows:
        for wid, words in index.match(r.text_norm or "", r.text_stem or "").items():
            if _passes_filters(by_id[wid], r):
                hits.setdefault((wid, r.id), (f"keyword: {words}", None))


@lru_cache(maxsize=4)
def _keyword_index(queries: tuple[tuple[int, str], ...]):
    from minbar.watch.keywords import KeywordIndex

    return KeywordIndex(queries)


def _entity(store, wls, rows, hits) -> None:
    index: dict[str, list[dict]] = {}
    for w in wls:
        if w["kind"] == "entity":
            for key in w["params"].get("keys", []):
                index.setdefault(key, []).append(w)
    found = wstore.entity_keys(store, [r.id for r in rows])
    for r in rows:
        for key in found.get(r.id, ()):
            for w in index.get(key, ()):
                if _passes_filters(w, r):
                    hits.setdefault((w["id"], r.id), (f"entity: {key}", None))


def _semantic(wls, rows, vec_ids, vecs, hits) -> None:
    sem = [w for w in wls if w["kind"] == "semantic" and "vector" in w]
    if not sem or not vec_ids:
        return
    q = np.vstack([w["vector"] for w in sem])
    thresholds = np.array([w["threshold"] or SEMANTIC_THRESHOLD for w in sem], dtype=np.float32)
    sims = similarities(q, vecs)  # (watchlists × articles): one product for the whole batch
    row_of = {r.id: r for r in rows}
    for wi, ai in zip(*np.nonzero(sims >= thresholds[:, None]), strict=True):
        w, r = sem[wi], row_of[vec_ids[ai]]
        if _passes_filters(w, r):
            score = float(sims[wi, ai])
            hits.setdefault((w["id"], r.id), (f"semantic: {score:.3f}", round(score, 4)))


def _claim(store, wls, rows, vec_ids, vecs, hits) -> None:
    claims = [w for w in wls if w["kind"] == "claim"]
    row_of = {r.id: r for r in rows}
    matched = wstore.factcheck_matches(store, list(row_of))
    for w in claims:  # 1. the auto-matcher linked the article to the watchlist's fact-check
        fids = set(w["params"].get("factcheck_ids", []))
        for aid, by_fc in matched.items():
            common = fids & set(by_fc)
            if common and _passes_filters(w, row_of[aid]):
                fid = min(common)
                hits.setdefault((w["id"], aid), (f"claim: {by_fc[fid][:200]}", None))
    textual = [w for w in claims if "vector" in w]
    if not textual or not vec_ids:
        return
    q = np.vstack([w["vector"] for w in textual])
    near = similarities(q, vecs) >= CLAIM_ARTICLE_FLOOR
    cand_articles = sorted({vec_ids[ai] for ai in np.nonzero(near.any(axis=0))[0]})
    if not cand_articles:
        return
    from minbar.analysis.embeddings import get_embedder, sparse_dot

    sentences = wstore.sentences_of(store, cand_articles)
    model = get_embedder()
    for wi, w in enumerate(textual):
        todo = [
            vec_ids[ai]
            for ai in np.nonzero(near[wi])[0]
            if (w["id"], vec_ids[ai]) not in hits and _passes_filters(w, row_of[vec_ids[ai]])
        ]
        sents = [(aid, s) for aid in todo for s in sentences.get(aid, []) if len(s) >= 20]
        if not sents:
            continue
        cvec, csparse = _claim_side(w["query"])
        svecs = model.queries([s for _, s in sents])
        cos = svecs @ cvec
        close = [i for i in np.argsort(-cos) if cos[i] >= CLAIM_SENTENCE_COS]
        if not close:
            continue
        sparse = model.sparse([sents[i][1] for i in close])
        for i, sp in zip(close, sparse, strict=True):
            aid, sent = sents[i]
            if (w["id"], aid) in hits:
                continue
            if sparse_dot(csparse, sp) >= CLAIM_SENTENCE_SPARSE:
                hits[(w["id"], aid)] = (f"claim: {sent[:200]}", round(float(cos[i]), 4))


@lru_cache(maxsize=256)
def _claim_side(text: str):
    from minbar.analysis.embeddings import get_embedder

    model = get_embedder()
    return model.passages([text])[0], model.sparse([text])[0]
