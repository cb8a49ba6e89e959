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

A second, *stemmed* key improves recall: Snowball for ar/ru/en, and a 5-character prefix for the
agglutinative tr/az (Snowball Turkish leaves ``mücadelesi`` → ``mücadeles``; fixed-prefix
truncation is the classic strong baseline for Turkish retrieval, Can et al. 2008).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

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

#: Which stemmer serves which language; ``prefix`` means fixed-length truncation.
STEMMERS = {"ar": "arabic", "ru": "russian", "en": "english", "tr": "prefix", "az": "prefix"}
PREFIX_LEN = 5


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
    if algo == "prefix":
        return fold_token(token)[:PREFIX_LEN]
    return fold_token(_snowball(algo).stemWord(token))


def stem_key(text: str, lang: str | None) -> str:
    """Stemmed key of a document written in ``lang``."""
    return " ".join(stem_token(t, lang) for t in light_tokens(text))


def query_stems(token: str, lang: str | None = None) -> list[str]:
    """Candidate stems of a (lightly normalised) query token: a query's language is often
    unknown, so Latin tokens are stemmed both ways (prefix for tr/az, Snowball English) unless
    ``lang`` says which."""
    if lang or _script(token) != "latin":
        return [stem_token(token, lang)]
    return sorted({stem_token(token, "tr"), stem_token(token, "en")})
