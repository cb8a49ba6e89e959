"""Language identification with lingua, restricted to the languages minbar meets.

Restricting lingua to 15 languages keeps it at ~170 MB instead of 1.1 GB and makes it more
accurate: it cannot drift to a language no monitored outlet writes in. Kept: the five working
languages, Persian, and neighbours easy to confuse with them (Ukrainian, Kazakh, Urdu, Georgian,
Armenian, and the big European languages). Uzbek and Kurdish are not among lingua's languages.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: ISO 639-1 codes minbar works in; anything else is stored as detected but not analysed.
WORKING_LANGUAGES = ("ar", "tr", "az", "en", "ru")

#: Languages lingua may answer with (ISO 639-1).
DETECTABLE = ("ar", "tr", "az", "en", "ru", "fa", "uk", "kk", "ur", "de", "fr", "es", "ka", "hy")

#: Letters that only Azerbaijani (among our Latin-script languages) uses.
_AZ_ONLY = re.compile("[əƏ]")
_MIN_LETTERS = 3


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTABLE]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` or ``None`` when there is too little text to tell."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    lang = _detector().detect_language_of(sample)
    code = None if lang is None else lang.iso_code_639_1.name.lower()
    return _schwa_tiebreak(code, sample)


def detect_languages(texts: list[str]) -> list[str | None]:
    """Batch form of :func:`detect_language` (lingua parallelises it internally)."""
    results: list[str | None] = [None] * len(texts)
    todo: list[int] = []
    for i, text in enumerate(texts):
        sample = text[:2000]
        if sum(ch.isalpha() for ch in sample) >= _MIN_LETTERS:
            todo.append(i)
    if todo:
        found = _detector().detect_languages_in_parallel_of([texts[i][:2000] for i in todo])
        for i, lang in zip(todo, found, strict=True):
            code = None if lang is None else lang.iso_code_639_1.name.lower()
            results[i] = _schwa_tiebreak(code, texts[i][:2000])
    return results


def _schwa_tiebreak(code: str | None, sample: str) -> str | None:
    """ə settles Turkish vs Azerbaijani (only Azerbaijani writes the Latin schwa), but does not
    override a confident other language: an English text quoting "Hüseynzadə" stays English."""
    if code in ("tr", "az", None) and _AZ_ONLY.search(sample):
        return "az"
    return code
