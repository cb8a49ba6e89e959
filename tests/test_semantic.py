"""Semantic and hybrid search: a query in one language finds the story in the others."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from minbar import demo
from minbar.analysis.article_vectors import (
    count_pending,
    embed_pending,
    search_hybrid,
    search_semantic,
)
from minbar.cli import app
from minbar.ingest.pipeline import ingest
from minbar.store.search import Filters

EVENTS = ("p2-e01", "p3-e05")  # Turkish central-bank cut; 5G roll-out and its false claims


def load(store, settings, tmp_path) -> dict[str, str]:
    arts = [a for a in demo.load_articles() if a["event"] in EVENTS]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), "utf-8")
    ingest(store, [str(path)], settings)
    return {a["url"]: a["event"] for a in arts}


def test_cross_lingual_semantic_and_hybrid(store, settings, tmp_path) -> None:
    event_of = load(store, settings, tmp_path)
    assert count_pending(store) == len(event_of)
    assert embed_pending(store) == len(event_of)
    assert count_pending(store) == 0 and embed_pending(store) == 0  # incremental
    queries = {
        "Merkez Bankası faiz indirimi": "p2-e01",  # tr
        "снижение ключевой ставки в Турции": "p2-e01",  # ru
        "5G şəbəkəsi virus yayır iddiası": "p3-e05",  # az
        "شبكة الجيل الخامس في إسطنبول وباكو": "p3-e05",  # ar
    }
    for query, event in queries.items():
        for fn in (search_semantic, search_hybrid):
            hits = fn(store, query, Filters(limit=5))
            assert hits, (fn.__name__, query)
            assert sum(event_of[h.url] == event for h in hits) >= 4, (fn.__name__, query)
            langs = {h.lang for h in fn(store, query, Filters(limit=12))}
            assert len(langs) >= 3, (fn.__name__, query, langs)
    only_ar = search_semantic(store, "faiz indirimi", Filters(lang="ar", limit=5))
    assert only_ar and {h.lang for h in only_ar} == {"ar"}


def test_search_modes_on_the_cli(store, settings, tmp_path) -> None:
    load(store, settings, tmp_path)
    embed_pending(store)
    env = {"MINBAR_DATABASE_URL": settings.database_url or ""}
    runner = CliRunner()
    for mode in ("semantic", "hybrid"):
        res = runner.invoke(
            app,
            [
                "--data-dir",
                str(settings.data_dir),
                "search",
                "5G virus",
                "--mode",
                mode,
                "--json",
                "--limit",
                "3",
            ],
            env=env,
        )
        assert res.exit_code == 0, res.output
        hits = json.loads(res.stdout)
        assert len(hits) == 3
        assert set(hits[0]) == {"id", "url", "title", "lang", "source", "published", "score"}
    res = runner.invoke(
        app, ["--data-dir", str(settings.data_dir), "search", "x", "--mode", "fuzzy"], env=env
    )
    assert res.exit_code == 2
