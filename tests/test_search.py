"""Normalised full-text search end to end, on SQLite FTS5 and PostgreSQL tsvector alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from minbar.ingest.pipeline import ingest
from minbar.store.repository import Store
from minbar.store.search import Filters
from tests.conftest import write_jsonl

DOCS = [
    (
        "ar1",
        "ar",
        "Sahil News",
        "حملة ضد التَّضْلِيل الإعلامي",
        "أطلقت الوزارة حملة ضد التَّضْلِيل في وسائل الإعلام.",
    ),
    (
        "ar2",
        "ar",
        "Sahil News",
        "الـــتضليل في الشبكات",
        "تقرير عن الـــتضليل عبر الشبكات الاجتماعية.",
    ),
    (
        "ar3",
        "ar",
        "Al-Rawi Daily",
        "لقاء مع أحمد",
        "التقى الوزير أحمد العمري بالصحفيين في مستشفي المدينة.",
    ),
    (
        "tr1",
        "tr",
        "Boğaziçi Haber",
        "İSTANBUL'DA YOĞUN KAR",
        "İstanbul'da çığ uyarısı yapıldı; ışık kesintisi yaşandı.",
    ),
    (
        "tr2",
        "tr",
        "Kervan Gazetesi",
        "Istanbul trafik",
        "Öğrenciler okula geç kaldı. IŞIK yanmadı.",
    ),
    (
        "tr3",
        "tr",
        "Kervan Gazetesi",
        "Dezenformasyonla mücadelesi",
        "Türkiye'nin dezenformasyonla mücadelesi sürüyor.",
    ),
    ("az1", "az", "Xəzər Xəbər", "Mətbuat azadlığı", "Azərbaycan mətbuatı haqqında yeni qanun."),
    (
        "ru1",
        "ru",
        "Vostok Vestnik",
        "Ёлки в Москве",
        "В Москве из-за снегопаде закрыли дороги; Ёлки поставили на площади.",
    ),
    (
        "en1",
        "en",
        "Meridian Times",
        "Ministers meet",
        "The foreign ministers met in Baku on Tuesday.",
    ),
]


@pytest.fixture
def loaded(store: Store, settings, tmp_path) -> Store:
    records = [
        {
            "url": f"https://example.org/{key}",
            "title": title,
            "text": text,
            "lang": lang,
            "source": source,
            "published": f"2026-11-{10 + i:02d}T09:00:00+03:00",
        }
        for i, (key, lang, source, title, text) in enumerate(DOCS)
    ]
    report = ingest(store, [str(write_jsonl(tmp_path / "docs.jsonl", records))], settings)
    assert report.ingested == len(DOCS), report.errors
    return store


def keys(store: Store, query: str, **kw) -> set[str]:
    return {h.url.rsplit("/", 1)[1] for h in store.search(query, Filters(**kw))}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("التضليل", {"ar1", "ar2"}),
        ("التَّضْلِيل", {"ar1", "ar2"}),
        ("احمد", {"ar3"}),
        ("مستشفى", {"ar3"}),
        ("istanbul", {"tr1", "tr2"}),
        ("İSTANBUL", {"tr1", "tr2"}),
        ("Istanbul", {"tr1", "tr2"}),
        ("isik", {"tr1", "tr2"}),
        ("ogrenciler", {"tr2"}),
        ("cig", {"tr1"}),
        ("metbuat", {"az1"}),
        ("елки", {"ru1"}),
        ("Türkiye", {"tr3"}),
        ("mücadele", {"tr3"}),  # stemmed column: mücadelesi
        ("снегопад", {"ru1"}),  # stemmed column: снегопаде
        ("minister", {"en1"}),
        ("istanbul isik", {"tr1", "tr2"}),
        ("istanbul ogrenciler", {"tr2"}),
        ("", set()),
        ("!!!", set()),
        ('"; DROP TABLE articles; --', set()),
        ("NEAR(a b) OR *", set()),
    ],
)
def test_search_examples(loaded: Store, query: str, expected: set[str]) -> None:
    assert keys(loaded, query) == expected


def test_filters(loaded: Store) -> None:
    assert keys(loaded, "istanbul", lang="tr", source="kervan gazetesi") == {"tr2"}
    assert keys(loaded, "istanbul", lang="ar") == set()
    since = datetime(2026, 11, 14, tzinfo=UTC)
    assert keys(loaded, "istanbul", since=since) == {"tr2"}
    assert keys(loaded, "istanbul", until=since) == {"tr1"}
    assert len(loaded.search("istanbul", Filters(limit=1))) == 1


def test_hits_carry_contract_fields(loaded: Store) -> None:
    hit = loaded.search("metbuat")[0]
    assert set(hit.to_dict()) == {"id", "url", "title", "lang", "source", "published", "score"}
    assert hit.source == "Xəzər Xəbər" and hit.lang == "az" and hit.score > 0


def test_title_matches_rank_first(loaded: Store) -> None:
    hits = loaded.search("ministers")
    assert hits and hits[0].url.endswith("en1")


def test_rebuild_index_keeps_results(loaded: Store) -> None:
    before = keys(loaded, "istanbul")
    assert loaded.rebuild_index() == len(DOCS)
    assert keys(loaded, "istanbul") == before
