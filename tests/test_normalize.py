"""Every normalisation rule of the search key, one assertion each."""

from __future__ import annotations

import pytest

from minbar.text.normalize import (
    doc_stems,
    keyword_terms,
    matches_keyword,
    query_stems,
    search_key,
    stem_key,
    stem_token,
    tokens,
)
from minbar.text.suffixes import analyses, strip_case


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


def finds(query: str, doc: str, lang: str | None, doc_lang: str = "az") -> bool:
    """A search for the one-word ``query`` (language ``lang``, None = unknown) finds a
    document in ``doc_lang`` holding only ``doc``."""
    return matches_keyword(keyword_terms(query, lang), stem_key(doc, lang or doc_lang))


@pytest.mark.parametrize(
    ("query", "doc", "lang", "doc_lang"),
    [
        ("mücadele", "mücadelesi", "tr", "tr"),
        ("mətbuat", "mətbuatda", "az", "az"),
        ("Gəncə", "Gəncədə", "az", "az"),
        ("Gəncə", "Gəncənin", "az", "az"),
        ("Gence", "Gəncəyə", None, "az"),  # typed without ə, language unknown
        ("Gəncə", "Gəncədəki", None, "az"),
        ("Bakı", "Bakıdan", "az", "az"),
        ("Naxçıvan", "Naxçıvanın", "az", "az"),
        ("bayraq", "bayrağı", "az", "az"),
        ("şəhər", "şəhərimizdə", "az", "az"),
        ("prezident", "prezidentdir", "az", "az"),
        ("seçki", "seçkilərdə", "az", "az"),
        ("İstanbul", "Istanbulda", None, "tr"),
        ("çocuk", "çocuğu", "tr", "tr"),
        ("deprem", "depremlerin", "tr", "tr"),
        ("Kahramanmaraş", "Kahramanmaraşta", "tr", "tr"),
    ],
)
def test_tr_az_base_form_finds_inflected_forms(query, doc, lang, doc_lang) -> None:
    assert finds(query, doc, lang, doc_lang)


@pytest.mark.parametrize(
    ("query", "doc", "lang"),
    [
        ("Əliyev", "Əliyeva", "az"),  # a different person, not a dative
        ("Əliyeva", "Əliyev", "az"),
        ("Məmmədov", "Məmmədova", "az"),
        ("Gəncə", "gənclər", "az"),
        ("nazir", "nazirlik", "az"),  # minister / ministry
        ("bakan", "bakanlık", "tr"),
        ("kar", "kara", "tr"),
        ("hata", "Hatay", "tr"),
    ],
)
def test_tr_az_distinct_words_stay_apart(query: str, doc: str, lang: str) -> None:
    assert not finds(query, doc, lang)


def test_tr_az_readings_and_dictionary_form() -> None:
    assert "naxcivan" in analyses("naxcivanin")
    assert "gence" in doc_stems("gəncədə", "az")
    assert strip_case("xidmetinin") == "xidmeti"
    assert not matches_keyword([], "anything")


def test_stemmed_column_links_inflected_forms() -> None:
    assert stem_key("снегопаде", "ru") == stem_key("снегопад", "ru")
    assert stem_key("ministers", "en") == stem_key("minister", "en")
    assert stem_key("المعلمون", "ar") == stem_key("معلم", "ar")
    assert stem_key("للوزارة", "ar") == stem_key("الوزارة", "ar")


def test_query_stems_cover_turkish_and_english_for_latin_tokens() -> None:
    assert set(query_stems("mücadele", "tr")) <= set(query_stems("mücadele"))
    assert stem_token("ministers", "en") in query_stems("ministers")
    assert query_stems("снегопад") == [stem_token("снегопад", "ru")]
