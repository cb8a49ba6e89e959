"""Search normaliser shared by indexing and querying.

The stock FTS5/PostgreSQL tokenizers break vocalised Arabic and Turkish dotted/dotless I, so every
text is turned into a *search key* here, in Python, before it reaches either database. Both
databases then only split on spaces, which is why SQLite FTS5 and PostgreSQL return the same rows.

Rules (see docs/decisions.md):

* Unicode NFKC (Arabic presentation forms, full-width Latin).
* Arabic: drop harakat, Quranic marks and tatweel; fold أ إ آ ٱ → ا, ة → ه, ى → ي,
  Persian ی/ک → ي/ك.
  Hamza forms (ؤ ئ ء) are kept: folding them merges unrelated words.
* Turkish/Azerbaijani case: İ → i and I → ı *before* lowercasing (locale-correct for tr/az; for
  other languages I becomes ı, which the next fold turns into i, so English is unaffected).
* Latin folding for the key: ı → i, ə → e, ş ç ğ ö ü → s c g o u, and any other Latin diacritic
  dropped, so ASCII-typed Turkish/Azerbaijani queries match.
* Russian ё → е.
* Apostrophes between letters split a token: ``Türkiye'nin`` → ``turkiye nin``.

A second, *stemmed* key improves recall: Snowball for ar/ru/en, and for the agglutinative tr/az
the suffix readings of :mod:`minbar.text.suffixes` (Snowball Turkish leaves ``mücadelesi`` →
``mücadeles`` and has no Azerbaijani; the former 5-letter prefix missed short names: ``Bakı`` /
``Bakıda``). A tr/az document indexes every reading of each word; a query word matches when one
of its readings is indexed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from minbar.text.suffixes import analyses, query_analyses, strip_suffixes

# --- rule tables (data, not control flow) -------------------------------------------------------

#: Arabic diacritics: tanwin, harakat, shadda, sukun, maddah/hamza marks, superscript alef,
#: Quranic annotation signs.
ARABIC_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)
TATWEEL = "\u0640"

ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian keheh
    }
)

#: Latin letters of Turkish and Azerbaijani (and a few neighbours) folded to ASCII for the key.
LATIN_FOLD = str.maketrans(
    {
        "ı": "i",
        "ə": "e",
        "ş": "s",
        "ç": "c",
        "ğ": "g",
        "ö": "o",
        "ü": "u",
        "ß": "ss",
        "ё": "е",
    }
)

#: Arabic-Indic and Persian digits → ASCII, so "٦٫١" and "6.1" compare as numbers.
ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

APOSTROPHES = "'’‘ʼ`´"
_APOSTROPHE_BETWEEN_LETTERS = re.compile(rf"(?<=\w)[{APOSTROPHES}](?=\w)")
_TOKEN = re.compile(r"[^\W_]+")
#: Latin letters with diacritics or combining marks: only then is NFD stripping needed.
_LATIN_MARKED = re.compile("[\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]")

#: Which stemmer serves which language; ``suffix`` is :mod:`minbar.text.suffixes` (tr/az).
STEMMERS = {"ar": "arabic", "ru": "russian", "en": "english", "tr": "suffix", "az": "suffix"}


def _strip_latin_marks(text: str) -> str:
    """Drop combining marks that sit on Latin letters (é → e) but keep Cyrillic й and Arabic."""
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    prev_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if prev_latin:
                continue
        else:
            prev_latin = ch < "\u0250"  # Basic Latin .. Latin Extended-B
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def lower(text: str) -> str:
    """Locale-correct lowercase for Turkish/Azerbaijani that is harmless for other languages.

    Text lowercased elsewhere by a locale-blind tool carries ``i`` + combining dot (U+0307)
    for İ; the dot is dropped so the word is not split in two."""
    return text.replace("İ", "i").replace("I", "ı").lower().replace("i\u0307", "i")


def light(text: str) -> str:
    """The reversible-in-spirit steps: NFKC, Arabic marks and tatweel, case, apostrophes.

    Stemmers work on this form (Snowball Arabic needs ة and ى to find suffixes)."""
    text = unicodedata.normalize("NFKC", text)
    text = ARABIC_MARKS.sub("", text).replace(TATWEEL, "")
    text = lower(text)
    return _APOSTROPHE_BETWEEN_LETTERS.sub(" ", text)


def fold_token(token: str) -> str:
    """Letter folding of one lightly normalised token (alef forms, ı/ə/ş…, diacritics)."""
    token = token.translate(ARABIC_FOLD).translate(LATIN_FOLD)
    if not token.isascii() and _LATIN_MARKED.search(token):
        token = _strip_latin_marks(token)
    return token


def fold(text: str) -> str:
    """Apply every folding rule; returns one string (not yet tokenised)."""
    return fold_token(light(text))


def tokens(text: str) -> list[str]:
    """Search tokens of ``text`` after folding."""
    return _TOKEN.findall(fold(text))


def light_tokens(text: str) -> list[str]:
    """Tokens before letter folding: what stemmers get."""
    return _TOKEN.findall(light(text))


def search_key(text: str) -> str:
    """The normalised, space-separated key that is indexed and queried."""
    return " ".join(tokens(text))


@lru_cache(maxsize=8)
def _snowball(name: str):
    return snowballstemmer.stemmer(name)


def _script(token: str) -> str:
    ch = token[0]
    if "\u0600" <= ch <= "\u06ff":
        return "arabic"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    return "latin"


@lru_cache(maxsize=200_000)
def stem_token(token: str, lang: str | None) -> str:
    """Folded stem of one lightly normalised token (see :func:`light_tokens`) written in
    ``lang``; a token in another script uses that script's stemmer."""
    script = _script(token)
    if script == "arabic":
        lang = "ar"
    elif script == "cyrillic":
        lang = "ru"
    elif lang not in ("tr", "az", "en"):
        lang = "en"
    algo = STEMMERS[lang]
    if algo == "suffix":
        return strip_suffixes(fold_token(token))
    return fold_token(_snowball(algo).stemWord(token))


def _lang_of(token: str, lang: str | None) -> str:
    script = _script(token)
    if script == "arabic":
        return "ar"
    if script == "cyrillic":
        return "ru"
    return lang if lang in ("tr", "az", "en") else "en"


@lru_cache(maxsize=200_000)
def doc_stems(token: str, lang: str | None) -> tuple[str, ...]:
    """Stems a document indexes for one lightly normalised token: one for ar/ru/en; for tr/az
    every reading of its suffixes (:func:`minbar.text.suffixes.analyses`)."""
    if STEMMERS[_lang_of(token, lang)] == "suffix":
        return analyses(fold_token(token))
    return (stem_token(token, lang),)


def stem_key(text: str, lang: str | None) -> str:
    """Stemmed key of a document written in ``lang`` (tr/az words may give several stems)."""
    return " ".join(s for t in light_tokens(text) for s in doc_stems(t, lang))


def _query_stems_in(token: str, lang: str) -> list[str]:
    if STEMMERS[_lang_of(token, lang)] == "suffix":
        return list(query_analyses(fold_token(token)))
    return [stem_token(token, lang)]


def query_stems(token: str, lang: str | None = None) -> list[str]:
    """Candidate stems of a (lightly normalised) query token; a document matches when it indexes
    any of them. A query's language is often unknown, so Latin tokens are stemmed both ways
    (tr/az suffix readings and Snowball English) unless ``lang`` says which."""
    if lang or _script(token) != "latin":
        return _query_stems_in(token, lang)
    return sorted(set(_query_stems_in(token, "tr")) | set(_query_stems_in(token, "en")))


def keyword_terms(query: str, lang: str | None = None) -> list[list[str]]:
    """Watch-list keyword → one entry per word, each the list of stems any of which may match
    (see docs/round2/engine-quality.md). Pass the result to :func:`matches_keyword`."""
    return [query_stems(t, lang) for t in light_tokens(query)]


def matches_keyword(terms: list[list[str]], text_stem: str) -> bool:
    """True when every keyword word has one of its stems among the words of an article's
    stemmed key (``articles.text_stem``, built by :func:`stem_key`)."""
    words = set(text_stem.split())
    return bool(terms) and all(any(s in words for s in alts) for alts in terms)
