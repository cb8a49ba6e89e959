"""Derived vector indexes are caches of the database: a process sees vectors that another process
wrote without a restart (SQLite and PostgreSQL; two Store objects on one database stand for a web
server and a worker, and each IndexCache for one process's cache)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import delete

from minbar.ingest.claimreview import FactCheckIn
from minbar.ingest.prepare import prepare_batch
from minbar.matching.factchecks import current_matcher
from minbar.models import ArticleIn
from minbar.store.factchecks import add_factchecks
from minbar.store.repository import Store
from minbar.store.schema import article_vectors
from minbar.store.vectors import (
    ARTICLES,
    DIM,
    FACTCHECKS,
    IndexCache,
    add_article_vectors,
    is_stale,
)

RNG = np.random.default_rng(7)


def unit(n: int) -> np.ndarray:
    v = RNG.normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def articles(store: Store, n: int) -> list[int]:
    batch = [
        ArticleIn(
            url=f"https://news.example/{k}",
            title=f"Headline number {k}",
            text=f"Body {k}: " + " ".join(f"word{k}x{j}" for j in range(30)),
        )
        for k in range(n)
    ]
    return store.add_articles(prepare_batch(batch)).article_ids


def test_article_index_follows_other_writers(settings) -> None:
    web, worker = Store.open(settings), Store.open(settings)
    try:
        ids = articles(worker, 4)
        web_cache = IndexCache(ARTICLES)  # the web process's cache
        assert len(web_cache.get(web.engine)) == 0

        vecs = unit(4)
        add_article_vectors(worker.engine, ids[:2], vecs[:2])  # the worker embeds two
        index = web_cache.get(web.engine)
        assert len(index) == 2 and web_cache.loads == 1  # the new rows appended
        assert web_cache.get(web.engine) is index  # unchanged version: no reload, same object

        add_article_vectors(worker.engine, [ids[3]], vecs[3:4])
        index = web_cache.get(web.engine)
        assert sorted(index.ids.tolist()) == sorted([ids[0], ids[1], ids[3]])
        assert web_cache.loads == 1  # appended above the highest id: only the new row loaded
        assert index.search(vecs[3], 1)[0][0] == ids[3]

        # a lower id committed late (two workers, the slower one had the older batch): the
        # count over the tail changes but the highest id does not -> the tail is read again
        add_article_vectors(worker.engine, [ids[2]], vecs[2:3])
        index = web_cache.get(web.engine)
        assert sorted(index.ids.tolist()) == sorted(ids) and web_cache.loads == 1
        assert index.search(vecs[2], 1)[0][0] == ids[2]

        # a vector removed (its article deleted): everything is reloaded, the id is gone
        with worker.engine.begin() as conn:
            conn.execute(delete(article_vectors).where(article_vectors.c.article_id == ids[1]))
        index = web_cache.get(web.engine)
        assert sorted(index.ids.tolist()) == sorted([ids[0], ids[2], ids[3]])
        assert web_cache.loads == 2
    finally:
        web.close()
        worker.close()


def test_factcheck_matcher_follows_imports_of_another_process(settings) -> None:
    web, importer = Store.open(settings), Store.open(settings)
    try:
        rec = FactCheckIn(url="https://fc.example/1", claim="The bridge collapsed in 2020")
        add_factchecks(importer.engine, [rec], unit(1))
        matcher = current_matcher(web)
        assert len(matcher.index) == 1
        assert not is_stale(web.engine, FACTCHECKS, matcher.index.ids)

        rec2 = FactCheckIn(url="https://fc.example/2", claim="Vaccines contain microchips")
        add_factchecks(importer.engine, [rec2], unit(1))
        assert is_stale(web.engine, FACTCHECKS, matcher.index.ids)
        again = current_matcher(web)
        assert again is matcher and len(again.index) == 2  # same process object, fresh index
        # a fact-check stored without a vector is not in the index (nor in the version)
        rec3 = FactCheckIn(url="https://fc.example/3", claim="The moon landing was staged")
        add_factchecks(importer.engine, [rec3], None)
        assert not is_stale(web.engine, FACTCHECKS, again.index.ids)
        assert len(current_matcher(web).index) == 2
    finally:
        web.close()
        importer.close()
