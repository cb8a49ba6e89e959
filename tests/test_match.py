"""Claim matching across languages, auto-matching during enrich, provenance in the export."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from minbar import demo
from minbar.cli import app
from minbar.config import Settings
from minbar.ingest.pipeline import ingest
from minbar.matching.auto import list_matches, match_articles, reopen_all
from minbar.matching.factchecks import export_feed, import_factchecks
from minbar.matching.match import Matcher
from minbar.store.repository import Store


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """A SQLite store with the demo fact-checks (matching logic is database-independent; the
    store tests cover PostgreSQL)."""
    tmp = tmp_path_factory.mktemp("kb")
    settings = Settings(data_dir=tmp)
    store = Store.open(settings)
    report = import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
    assert not report.errors
    return store, Matcher(store.engine)


@pytest.mark.parametrize(
    ("text", "lang", "url_part"),
    [
        (
            "Kut bəndi dağılıb, Bəsrədə 300-dən çox adam ölüb, rəsmilər bunu gizlədir!",
            "az",
            "basra",
        ),
        ("Вышки 5G в Стамбуле и Баку распространяют вирус — врачи молчат!", "ru", "5g"),
        (
            "Egypt is secretly swapping Russian wheat: the first shipment was contaminated and "
            "had to be destroyed, insiders say.",
            "en",
            "wheat",
        ),
    ],
)
def test_restatement_in_another_language_finds_the_factcheck(kb, text, lang, url_part) -> None:
    _store, matcher = kb
    found = matcher.match(text, lang)
    assert found, "a restated claim must be matched"
    assert url_part in found[0].url.lower()
    if lang == "az":  # the Basra dam claim was never checked in Azerbaijani
        assert found[0].lang != "az"
    assert 0.0 < found[0].score <= 1.0


def test_unrelated_text_gets_nothing(kb) -> None:
    _store, matcher = kb
    assert matcher.match("Eskişehir basketbol takımı dün akşam rakibini 88-81 yendi.") == []
    assert matcher.match("Pour the batter into a greased tin and bake for forty minutes.") == []


def test_match_cli_single_and_batch(kb, tmp_path) -> None:
    store, _ = kb
    data_dir = str(store.engine.url.database).rsplit("/", 1)[0]
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "--data-dir",
            data_dir,
            "match",
            "--json",
            "5G masts in Istanbul are spreading the virus, share this!",
        ],
    )
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout)
    assert hits and set(hits[0]) >= {"factcheck_id", "claim", "rating", "url", "lang", "score"}
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": "The weather in Baku will be sunny."})
        + "\n"
        + json.dumps({"id": "b", "text": "5G radiation causes cancer", "lang": "en"})
        + "\n",
        "utf-8",
    )
    res = runner.invoke(app, ["--data-dir", data_dir, "match", "--batch", str(batch)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["matches"] == []
    assert lines[1]["matches"]


def test_auto_matching_is_incremental_and_feeds_provenance(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = Store.open(settings)
    import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
    arts = [a for a in demo.load_articles() if a["event"].startswith("p3-e05")][:4]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), "utf-8")
    ingest(store, [str(path)], settings)
    matcher = Matcher(store.engine)
    first = match_articles(store, matcher)
    assert first.enriched == len(arts)
    assert match_articles(store, matcher).enriched == 0  # nothing pending
    rows = list_matches(store)
    assert rows and all(r["matches"] for r in rows)
    reopen_all(store)
    assert match_articles(store, matcher).enriched == len(arts)
    assert len(list_matches(store)) == len(rows)  # re-running replaces, never duplicates
    feed = export_feed(store)
    matched_ids = {m["factcheck_id"] for r in rows for m in r["matches"]}
    with_provenance = [
        el
        for el in feed["dataFeedElement"]
        if el["itemReviewed"].get("appearance")
        and any(a["url"] in {x["url"] for x in arts} for a in el["itemReviewed"]["appearance"])
    ]
    assert len(with_provenance) >= min(1, len(matched_ids))
