"""Round-trip tests for decode_bytes on real news text in ar/tr/az/en/ru."""

from __future__ import annotations

import codecs

import pytest

from minbar.ingest.encoding import decode_bytes
from minbar.ingest.errors import DecodeError

TEXTS = {
    "ar": (
        "أعلنت وزارة الخارجية اليوم عن بدء جولة جديدة من المحادثات بين الجانبين في العاصمة، "
        "وسط آمال بالتوصل إلى اتفاق ينهي الأزمة المستمرة منذ أشهر. وقال المتحدث باسم الوزارة "
        "إن الوفود ستناقش ملفات الأمن والطاقة والتجارة خلال الأيام المقبلة."
    ),
    "tr": (
        "Cumhurbaşkanı, bugün Ankara'da düzenlenen basın toplantısında ekonomideki son "
        "gelişmeleri değerlendirdi. Enflasyonla mücadelede kararlı olduklarını vurgulayan "
        "yetkililer, önümüzdeki aylarda fiyat artışlarının yavaşlamasını bekliyor. İstanbul "
        "borsası günü yüzde iki yükselişle kapattı."
    ),
    "az": (
        "Azərbaycan Respublikasının Xarici İşlər Nazirliyi bu gün bəyanat yayaraq regionda "
        "sülhün və sabitliyin qorunmasının vacibliyini vurğulayıb. Bakıda keçirilən görüşdə "
        "tərəflər iqtisadi əməkdaşlığın genişləndirilməsi məsələlərini müzakirə ediblər."
    ),
    "en": (
        "The foreign ministry announced on Tuesday that a new round of talks between the two "
        "sides would begin in the capital next week. Officials said the delegations would "
        "discuss security, energy and trade, while analysts warned that a lasting agreement "
        "remained unlikely before the end of the year."
    ),
    "ru": (
        "Министерство иностранных дел сообщило во вторник, что новый раунд переговоров между "
        "сторонами начнётся в столице на следующей неделе. По словам официальных "
        "представителей, делегации обсудят вопросы безопасности, энергетики и торговли, однако "
        "аналитики сомневаются в скором достижении соглашения."
    ),
}

# (label used in declarations, python codec used to produce the bytes)
UTF = [("utf-8", "utf-8"), ("utf-16", "utf-16"), ("utf-16", "utf-16-le"), ("utf-16", "utf-16-be")]
LEGACY = {
    "ar": [("windows-1256", "cp1256"), ("iso-8859-6", "iso8859-6")],
    "tr": [("iso-8859-9", "iso8859-9"), ("windows-1254", "cp1254")],
    "ru": [("windows-1251", "cp1251"), ("koi8-r", "koi8-r")],
    "az": [],  # ə has no legacy single-byte codepage
    "en": [],
}
CASES = [
    pytest.param(lang, label, codec, id=f"{lang}-{codec}")
    for lang in TEXTS
    for label, codec in UTF + LEGACY[lang]
]

# Encodings that decode these texts identically; undeclared detection may pick either.
_SAME = {"iso8859-9": "turkish", "cp1254": "turkish"}


def _family(name: str) -> str:
    canonical = codecs.lookup(name).name
    if canonical.startswith("utf-16"):
        return "utf-16"
    return _SAME.get(canonical, canonical)


def _check(data: bytes, expected: str, codec: str, **kwargs: str) -> None:
    text, used = decode_bytes(data, **kwargs)
    assert text == expected
    assert _family(used) == _family(codec)


def test_texts_are_news_sized() -> None:
    for text in TEXTS.values():
        assert 200 <= len(text) <= 400


@pytest.mark.parametrize(("lang", "label", "codec"), CASES)
def test_declared_argument(lang: str, label: str, codec: str) -> None:
    text = TEXTS[lang]
    _check(text.encode(codec), text, codec, declared=label, kind="text")
    _check(text.encode(codec), text, codec, declared=label.upper(), kind="html")


@pytest.mark.parametrize(("lang", "label", "codec"), CASES)
def test_xml_declaration(lang: str, label: str, codec: str) -> None:
    doc = (
        f'<?xml version="1.0" encoding="{label}"?>\n<rss version="2.0"><channel><item>'
        f"<title>{TEXTS[lang]}</title></item></channel></rss>"
    )
    _check(doc.encode(codec), doc, codec, kind="xml")


@pytest.mark.parametrize(("lang", "label", "codec"), CASES)
def test_html_meta(lang: str, label: str, codec: str) -> None:
    body = f"<title>News</title></head><body><p>{TEXTS[lang]}</p></body></html>"
    metas = [
        f'<meta charset="{label}">',
        f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
    ]
    for meta in metas:
        doc = f"<!DOCTYPE html><html><head>{meta}{body}"
        _check(doc.encode(codec), doc, codec, kind="html")


@pytest.mark.parametrize(("lang", "label", "codec"), CASES)
def test_undeclared_detection(lang: str, label: str, codec: str) -> None:
    text = TEXTS[lang]
    _check(text.encode(codec), text, codec, kind="text")
    page = f"<html><body><div class='story'><p>{text}</p></div></body></html>"
    _check(page.encode(codec), page, codec)


HEADLINES = [
    ("ar", "عاجل: انفجار في ميناء بيروت"),
    ("ar", "مصدر: لا صحة للأنباء عن استقالة الوزير"),
    ("tr", "SON DAKİKA: İSTANBUL'DA 5,1 BÜYÜKLÜĞÜNDE DEPREM"),
    ("tr", "Şişli'de trafik kazası"),
    ("tr", "Öğretmenler yarın iş bırakacak."),
    ("ru", "МОСКВА, 5 мая — РИА Новости."),
    ("ru", "ЦБ повысил ключевую ставку до 16%"),
    ("ru", "Путин провёл совещание с членами Совбеза"),
]


@pytest.mark.parametrize(("lang", "text"), HEADLINES)
def test_short_headlines_detected(lang: str, text: str) -> None:
    # Short texts are where plain charset-normalizer confuses these codepages.
    for _label, codec in LEGACY[lang]:
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:  # e.g. no em dash in ISO-8859-6/9
            continue
        _check(data, text, codec, kind="text")


def test_unknown_declared_charset_falls_through() -> None:
    data = TEXTS["ru"].encode("koi8-r")
    _check(data, TEXTS["ru"], "koi8-r", declared="x-no-such-charset")
    _check(data, TEXTS["ru"], "koi8-r", declared="")


def test_unsafe_declared_charset_is_ignored() -> None:
    text, used = decode_bytes(b"+ADw-script+AD4-alert(1)", declared="utf-7")
    assert used != "utf-7" and "<script>" not in text
    text, used = decode_bytes(b"caf\\u00e9", declared="unicode_escape")
    assert text == "caf\\u00e9"


def test_declaration_that_fails_to_decode_falls_through() -> None:
    _check(TEXTS["ru"].encode("cp1251"), TEXTS["ru"], "cp1251", declared="utf-8")
    doc = '<?xml version="1.0" encoding="utf-8"?><p>' + TEXTS["ar"] + "</p>"
    _check(doc.encode("cp1256"), doc, "cp1256", kind="xml")


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "us-ascii", "windows-1251"])
def test_legacy_label_on_utf8_is_recovered(label: str) -> None:
    for lang in ("tr", "az", "ru"):
        _check(TEXTS[lang].encode("utf-8"), TEXTS[lang], "utf-8", declared=label)


def test_latin1_label_means_windows_1252() -> None:
    text = "The minister said: “We’re ready” – talks resume on Monday… €5 bn aid for Zürich."
    _check(text.encode("cp1252"), text, "cp1252", declared="ISO-8859-1")
    french = "Le ministère des Affaires étrangères a annoncé mardi un nouveau cycle à Genève."
    _check(french.encode("cp1252"), french, "cp1252", declared="latin1")


@pytest.mark.parametrize(
    ("lang", "codec"), [("ar", "cp1256"), ("tr", "iso8859-9"), ("ru", "koi8-r")]
)
def test_latin1_label_on_other_script_is_recovered(lang: str, codec: str) -> None:
    _check(TEXTS[lang].encode(codec), TEXTS[lang], codec, declared="iso-8859-1")


def test_http_charset_beats_meta() -> None:
    doc = '<html><head><meta charset="utf-8"></head><body>' + TEXTS["ru"] + "</body></html>"
    _check(doc.encode("koi8-r"), doc, "koi8-r", declared="koi8-r")


def test_mostly_utf8_with_a_stray_byte() -> None:
    data = TEXTS["tr"].encode("utf-8") + b" \xe9 " + TEXTS["az"].encode("utf-8")
    text, used = decode_bytes(data)
    assert used == "utf-8"
    assert text == TEXTS["tr"] + " \ufffd " + TEXTS["az"]


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_bom_wins_and_is_stripped(bom: bytes, codec: str, name: str) -> None:
    text = TEXTS["az"]
    got, used = decode_bytes(bom + text.encode(codec), declared="windows-1251")
    assert got == text and used == name


def test_utf32_without_bom() -> None:
    for codec in ("utf-32-le", "utf-32-be"):
        assert decode_bytes(TEXTS["ru"].encode(codec)) == (TEXTS["ru"], codec)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 8,
        b"\x01\x02\x03\x04\x05abc\x06\x07\x08" * 50,
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!",
        b"hello" + b"\x00" + b"world",
    ],
    ids=["empty", "png", "all-bytes", "controls", "gif", "nul"],
)
def test_binary_and_empty_raise(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_bytes(data, source="http://example.test/feed")


def test_error_names_the_source() -> None:
    with pytest.raises(DecodeError, match="feed.xml: empty"):
        decode_bytes(b"", source="feed.xml")


def test_plain_ascii_is_utf8() -> None:
    assert decode_bytes(b"<rss>plain</rss>", kind="xml") == ("<rss>plain</rss>", "utf-8")


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decode_bytes(b"x", kind="pdf")
