"""Every normalisation rule of the search key, one assertion each."""

from __future__ import annotations

import pytest

from minbar.text.normalize import query_stems, search_key, stem_key, stem_token, tokens


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Arabic: harakat, shadda, tanwin, tatweel, alef forms, ta marbuta, alef maqsura
        ("التضليل", "التَّضْلِيل"),
        ("التضليل", "الـــتضليل"),
        ("كتابا", "كتاباً"),
        ("احمد", "أحمد"),
        ("اسلام", "إسلام"),
        ("امن", "آمن"),
        ("الله", "ٱلله"),
        ("مدرسه", "مدرسة"),
        ("مستشفى", "مستشفي"),
        ("ايران", "ایران"),  # Persian yeh
        # Turkish / Azerbaijani case and letters
        ("istanbul", "İSTANBUL"),
        ("istanbul", "Istanbul"),
        ("İSTANBUL", "Istanbul"),
        ("isik", "ışık"),
        ("isik", "IŞIK"),
        ("ogrenciler", "öğrenciler"),
        ("cig", "çığ"),
        ("metbuat", "mətbuat"),
        ("METBUAT", "MƏTBUAT"),
        ("Azerbaycan", "Azərbaycan"),
        # Russian
        ("елки", "Ёлки"),
        # other Latin diacritics
        ("cafe", "Café"),
    ],
)
def test_typed_form_gets_the_stored_key(typed: str, stored: str) -> None:
    assert search_key(typed) == search_key(stored)


def test_hamza_seats_are_not_folded_to_bare_hamza() -> None:
    # ؤ and ئ stay distinct from ء: folding them merges unrelated words.
    assert search_key("مسؤول") != search_key("مسءول")
    assert "ئ" in search_key("رئيس")


def test_apostrophe_suffixes_split() -> None:
    assert tokens("Türkiye'nin") == ["turkiye", "nin"]
    assert tokens("Bakü’deki") == ["baku", "deki"]
    assert tokens("Azərbaycan'ın") == ["azerbaycan", "in"]


def test_turkish_dotted_capital_i_does_not_leave_a_combining_dot() -> None:
    assert search_key("İZMİR") == "izmir"
    assert "\u0307" not in search_key("İSTANBUL'DA")


def test_english_capital_i_is_unaffected() -> None:
    assert search_key("Iran INFLATION") == "iran inflation"


def test_cyrillic_short_i_kept() -> None:
    assert search_key("Майский") == "майский"


def test_presentation_forms_and_full_width() -> None:
    assert search_key("ﻻ") == search_key("لا")
    assert search_key("ＡＢＣ") == "abc"


def test_punctuation_and_underscores_split_tokens() -> None:
    assert tokens("5G-şəbəkə, (Bakı)! snake_case") == ["5g", "sebeke", "baki", "snake", "case"]


def test_stemmed_column_links_inflected_forms() -> None:
    assert stem_key("mücadelesi", "tr") == stem_key("mücadele", "tr")
    assert stem_key("снегопаде", "ru") == stem_key("снегопад", "ru")
    assert stem_key("ministers", "en") == stem_key("minister", "en")
    assert stem_key("mətbuatda", "az") == stem_key("mətbuat", "az")
    assert stem_key("المعلمون", "ar") == stem_key("معلم", "ar")
    assert stem_key("للوزارة", "ar") == stem_key("الوزارة", "ar")


def test_query_stems_cover_turkish_and_english_for_latin_tokens() -> None:
    assert stem_token("mücadele", "tr") in query_stems("mücadele")
    assert stem_token("ministers", "en") in query_stems("ministers")
    assert query_stems("снегопад") == [stem_token("снегопад", "ru")]
