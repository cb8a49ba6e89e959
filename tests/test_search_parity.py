"""SQLite FTS5 and PostgreSQL return the same articles for the same data and queries."""

from __future__ import annotations

import os

import pytest

from minbar import demo
from minbar.config import Settings
from minbar.ingest.pipeline import ingest
from minbar.store.repository import Store
from minbar.store.search import Filters

pytestmark = pytest.mark.skipif(bool(os.environ.get("MINBAR_TEST_SKIP_PG")), reason="no PostgreSQL")

QUERIES = [
    "deprem",
    "zəlzələ",
    "zelzele",
    "زلزال",
    "землетрясение",
    "earthquake",
    "Merkez Bankası",
    "merkez bankasi faiz",
    "İstanbul",
    "5G",
    "Bakı",
    "baki",
    "манат",
    "الجامعة العربية",
    "Azərbaycan",
    "azerbaycan",
    "вакцина",
    "aşı",
    "ministr",
    "said",
]


def test_sqlite_and_postgres_agree(tmp_path, pg_url) -> None:
    files = [str(p) for p in demo.article_files()]
    assert files, "the bundled demo corpus is missing (src/minbar/demo/data): a broken install"
    lite = Store.open(Settings(data_dir=tmp_path / "lite"))
    pg = Store.open(Settings(data_dir=tmp_path / "pg", database_url=pg_url))
    for st in (lite, pg):
        ingest(st, files, Settings(data_dir=tmp_path))
    found_any = 0
    for q in QUERIES:
        a = {h.url for h in lite.search(q, Filters(limit=1000))}
        b = {h.url for h in pg.search(q, Filters(limit=1000))}
        assert a == b, q
        found_any += bool(a)
    assert found_any >= len(QUERIES) // 2
