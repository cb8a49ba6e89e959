"""Fact-check knowledge base: ClaimReview in (every shape), out, verdicts, on both databases."""

from __future__ import annotations

import json

import pytest

from minbar import demo
from minbar.ingest.claimreview import find_claimreviews
from minbar.matching.factchecks import export_feed, import_factchecks
from minbar.store.repository import Store
from minbar.text.verdicts import normalise_verdict


def review(n: int, lang: str = "en", rating: str = "False", **extra) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://clearfacts.example/check/{n}",
        "claimReviewed": f"Claim number {n} about the dam in Basra",
        "inLanguage": lang,
        "datePublished": "2026-11-15",
        "author": {"@type": "Organization", "name": "ClearFacts"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": rating,
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A. Poster"},
            "datePublished": "2026-11-14",
            "appearance": [{"@type": "CreativeWork", "url": f"https://x.example/{n}"}],
        },
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "rating", "verdict"),
    [
        ("en", "False", "false"),
        ("en", "Pants on Fire", "false"),
        ("en", "Missing context", "misleading"),
        ("en", "Half True", "mixed"),
        ("en", "Mostly True", "true"),
        ("en", "Unproven", "unproven"),
        ("ar", "خطأ", "false"),
        ("ar", "مضلل", "misleading"),
        ("ar", "نصف صحيح", "mixed"),
        ("ar", "صحيح", "true"),
        ("ar", "غير مثبت", "unproven"),
        ("tr", "Yanlış", "false"),
        ("tr", "YANILTICI", "misleading"),
        ("tr", "Karışık", "mixed"),
        ("tr", "Doğru", "true"),
        ("tr", "Kanıtlanamadı", "unproven"),
        ("az", "Yalan", "false"),
        ("az", "Yanıldıcı", "misleading"),
        ("az", "Qarışıq", "mixed"),
        ("az", "Doğru", "true"),
        ("az", "Təsdiqlənməyib", "unproven"),
        ("ru", "Ложь", "false"),
        ("ru", "Манипуляция", "misleading"),
        ("ru", "Полуправда", "mixed"),
        ("ru", "Правда", "true"),
        ("ru", "Не доказано", "unproven"),
    ],
)
def test_verdicts_in_five_languages(name: str, rating: str, verdict: str) -> None:
    assert normalise_verdict(rating) == verdict


def test_verdict_from_scale_when_the_word_is_unknown() -> None:
    assert normalise_verdict("Zzz", 1, 5, 1) == "false"
    assert normalise_verdict(None, 5, 5, 1) == "true"
    assert normalise_verdict(None, 3, 5, 1) == "mixed"
    assert normalise_verdict(None) == "unproven"


def test_claimreviews_found_in_graph_and_datafeed() -> None:
    doc = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "x"},
            {
                "@type": "DataFeed",
                "dataFeedElement": [review(1), {"@type": "DataFeedItem", "item": review(2)}],
            },
            {
                "@type": ["ClaimReview", "CreativeWork"],
                **{k: v for k, v in review(3).items() if k != "@type"},
            },
        ],
    }
    assert [r["url"][-1] for r in find_claimreviews(doc)] == ["1", "2", "3"]


def test_import_every_shape(store: Store, settings, tmp_path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(review(1)), "utf-8")
    (tmp_path / "many.json").write_text(json.dumps([review(2), review(3)]), "utf-8")
    (tmp_path / "graph.jsonld").write_text(json.dumps({"@graph": [review(4)]}), "utf-8")
    (tmp_path / "feed.json").write_text(
        json.dumps({"@type": "DataFeed", "dataFeedElement": [review(5)]}), "utf-8"
    )
    (tmp_path / "page.html").write_text(
        "<html><head><script type='application/ld+json'>"
        + json.dumps(review(6, "ar", "خطأ"), ensure_ascii=False).replace("</", "<\\/")
        + "</script></head><body><p>مقال</p></body></html>",
        "utf-8",
    )
    (tmp_path / "lines.jsonl").write_text(
        json.dumps(review(7)) + "\n" + json.dumps(review(8)) + "\n", "utf-8"
    )
    (tmp_path / "table.csv").write_text(
        "url,claim_reviewed,rating,lang,author,date_published\n"
        "https://dogrumu.example/9,Barajın yıkıldığı iddiası,Yanlış,tr,Doğru Mu,2026-11-15\n",
        "utf-8",
    )
    report = import_factchecks(store, [str(tmp_path)], settings)
    assert report.to_dict() == {"imported": 9, "duplicates": 0, "errors": []}
    again = import_factchecks(store, [str(tmp_path)], settings)
    assert (again.imported, again.duplicates) == (0, 9)


def test_bad_records_reported_by_position_rest_imported(store: Store, settings, tmp_path) -> None:
    bad_claim = review(2)
    del bad_claim["claimReviewed"]
    no_url = review(3)
    del no_url["url"]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([review(1), bad_claim, no_url, review(4)]), "utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(json.dumps(review(5)) + "\n{broken\n", "utf-8")
    report = import_factchecks(
        store, [str(path), str(lines), str(tmp_path / "missing.json")], settings
    )
    assert report.imported == 3
    assert [(e.input, e.error) for e in report.errors] == [
        (f"{path} (document, item 2)", "missing claimReviewed"),
        (f"{path} (document, item 3)", "missing url"),
        (f"{lines} (line 2)", "invalid JSON: Expecting property name enclosed in double quotes"),
        (str(tmp_path / "missing.json"), "no such file or directory"),
    ]


def test_not_claimreview_is_an_error(store: Store, settings, tmp_path) -> None:
    path = tmp_path / "article.json"
    path.write_text(json.dumps({"@type": "NewsArticle", "headline": "x"}), "utf-8")
    report = import_factchecks(store, [str(path)], settings)
    assert report.errors[0].error == "no ClaimReview found"


def test_export_is_a_valid_datafeed_and_round_trips(store: Store, settings, tmp_path) -> None:
    files = [str(p) for p in demo.factcheck_files()]
    first = import_factchecks(store, files, settings)
    assert first.imported == len(demo.load_factchecks()) and not first.errors
    feed = export_feed(store)
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    elements = feed["dataFeedElement"]
    assert len(elements) == first.imported
    langs = set()
    for el in elements:
        assert el["@type"] == "ClaimReview"
        assert el["claimReviewed"] and el["url"] and el["datePublished"]
        assert el["reviewRating"]["@type"] == "Rating" and el["reviewRating"]["alternateName"]
        assert el["itemReviewed"]["@type"] == "Claim"
        langs.add(el["inLanguage"])
    assert langs == {"ar", "tr", "az", "en", "ru"}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(feed, ensure_ascii=False), "utf-8")
    fresh = Store.open(type(settings)(data_dir=tmp_path / "fresh"))
    back = import_factchecks(fresh, [str(path)], settings)
    assert back.to_dict() == {"imported": first.imported, "duplicates": 0, "errors": []}


def test_unsafe_url_refused(store: Store, settings) -> None:
    report = import_factchecks(store, ["http://169.254.169.254/latest/claims.json"], settings)
    assert report.imported == 0
    assert report.errors[0].input == "http://169.254.169.254/latest/claims.json"
