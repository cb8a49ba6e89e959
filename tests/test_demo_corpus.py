"""The bundled demo corpus meets its brief (docs/demo-corpus.md): size, languages, outlets, time
span, multilingual events, wire copies and ClaimReview fact-checks."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from minbar import demo
from minbar.text.dates import parse_datetime

LANGS = {"ar", "tr", "az", "en", "ru"}


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return demo.load_articles()


@pytest.fixture(scope="module")
def factchecks() -> list[dict]:
    return demo.load_factchecks()


def test_files_are_bundled() -> None:
    assert demo.article_files() and demo.factcheck_files()
    assert all(p.is_file() for p in demo.article_files() + demo.factcheck_files())


def test_size_languages_and_outlets(articles) -> None:
    assert len(articles) >= 150
    langs = Counter(a["lang"] for a in articles)
    assert set(langs) == LANGS
    assert all(n >= 25 for n in langs.values()), langs
    assert len({a["source"] for a in articles}) >= 10


def test_records_are_complete(articles) -> None:
    for a in articles:
        for key in ("url", "title", "text", "published", "source", "lang", "event"):
            assert a.get(key), (key, a.get("url"))
        assert urlsplit(a["url"]).scheme == "https"
        assert urlsplit(a["url"]).hostname.endswith(".example")  # fictional outlets only
        assert parse_datetime(a["published"]).tzinfo is not None


def test_urls_are_unique(articles, factchecks) -> None:
    urls = [a["url"] for a in articles]
    assert len(urls) == len(set(urls))
    fc_urls = [f["url"] for f in factchecks]
    assert len(fc_urls) == len(set(fc_urls))


def test_spread_over_about_two_weeks(articles) -> None:
    stamps = sorted(parse_datetime(a["published"]) for a in articles)
    span = stamps[-1] - stamps[0]
    assert timedelta(days=10) <= span <= timedelta(days=18), span
    assert len({s.date() for s in stamps}) >= 10  # news on most days, not two bursts


def test_events_covered_in_several_languages(articles) -> None:
    langs_by_event: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        langs_by_event[a["event"]].add(a["lang"])
    multilingual = [e for e, langs in langs_by_event.items() if len(langs) >= 3]
    assert len(multilingual) >= 12, sorted(multilingual)


def test_copies_point_to_earlier_articles_of_the_same_language(articles) -> None:
    by_url = {a["url"]: a for a in articles}
    copies = [a for a in articles if a.get("copy_of")]
    assert len(copies) >= 10
    assert {a["lang"] for a in copies} == LANGS  # wire copies in every language
    for a in copies:
        original = by_url.get(a["copy_of"])
        assert original is not None, f"{a['url']}: copy_of {a['copy_of']} is not in the corpus"
        assert original["url"] != a["url"]
        assert original["lang"] == a["lang"], a["url"]
        assert original["event"] == a["event"], a["url"]
        assert parse_datetime(original["published"]) <= parse_datetime(a["published"]), a["url"]
        assert not original.get("copy_of"), f"{a['url']}: chains must point at the original"


def test_claimreviews(factchecks) -> None:
    assert len(factchecks) >= 30
    assert {f["inLanguage"] for f in factchecks} == LANGS
    for f in factchecks:
        assert f.get("@type") == "ClaimReview"
        assert f.get("claimReviewed", "").strip(), f.get("url")
        assert f["reviewRating"].get("alternateName", "").strip(), f["url"]
        assert f["author"].get("name", "").strip(), f["url"]
        assert urlsplit(f["url"]).scheme in ("http", "https")
        assert parse_datetime(f["datePublished"]) is not None
        assert f["inLanguage"] in LANGS
