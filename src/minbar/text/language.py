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
    override a confident other language: an English text quoting "Hüseynzadə" stays English.
    Without ə, spelling cues decide between the two (:func:`az_vs_tr`)."""
    if code in ("tr", "az", None) and _AZ_ONLY.search(sample):
        return "az"
    if code in ("tr", "az"):
        return az_vs_tr(sample, code)
    return code


_WORDS = re.compile(r"[^\W\d_]+")
#: URLs, @handles, #hashtags and words glued to digits carry no spelling cue.
_NOT_PROSE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|&\w+;|\w*\d\w*")
#: Azerbaijani spellings Turkish does not use (ə typed as e): q and x stand for Turkish k/g and h
#: (qadın/kadın, xəbər/haber), the past participle -ıb/-ib/-ub/-üb (olub, bildirib; Turkish
#: writes -ıp/-ip as a converb), and frequent function words.
AZ_WORDS = frozenset(
    "üçün çox yox deyil haqqında olaraq artıq ancaq kimi hansı necə nece bəzi bezi "  # noqa: SIM905
    "həm eyni barədə barede əsasən esasen edilib olunub etmək edir üzrə üzre etibarən "
    "etibaren defe dəfə deye deyə elave əlavə heç hemçinin həmçinin hemin həmin bele "
    "belə çünki men mən".split()
)  # fmt: skip
TR_WORDS = frozenset(
    "için değil kadar çok gibi olarak ancak artık hakkında yıl yılında yılın ülke ülkede "  # noqa: SIM905
    "bence şimdi hiç diye değildir ediyor hangi nasıl bazı eder üzere itibaren defa ilave "
    "çünkü ben yok veya böyle".split()
)  # fmt: skip
#: How many more Azerbaijani than Turkish cues overturn a "tr" from the model (dev-tuned).
AZ_MARGIN = 1
_AZ_ENDINGS = ("ıb", "ib", "ub", "üb", "maq", "ıq", "uq", "şdır", "şdir", "şdur", "şdür", "mağa")
_TR_ENDINGS = ("yor", "yorlar", "yordu", "yoruz", "mak", "ştır", "ştir", "ştur", "ştür", "acak")
_AZ_STARTS = ("ölke", "ölkə", "keç", "teref", "tərəf", "şehid", "şəhid")
_TR_STARTS = ("ülke", "taraf", "şehit")
#: Azerbaijani ordinals: 1991-ci, 2009-cu (Turkish writes 1991'de, 1991 yılında).
_AZ_ORDINAL = re.compile(r"\d-(?:c[ıiuü])\b")


def az_vs_tr(sample: str, default: str) -> str:
    """Azerbaijani or Turkish for a Latin text without ə, from spelling cues: letters q and x,
    verb endings (-ıb, -maq vs -yor, -mak) and function words that differ between the two.
    ``default`` (the model's answer) stands when the cues tie."""
    from minbar.text.normalize import lower

    az = len(_AZ_ORDINAL.findall(sample))
    tr = 0
    for w in _WORDS.findall(lower(_NOT_PROSE.sub(" ", sample))):
        if len(w) < 2:
            continue
        if w.startswith(_AZ_STARTS):
            az += 1
        elif w.startswith(_TR_STARTS):
            tr += 1
        if w in AZ_WORDS:
            az += 1
        elif w in TR_WORDS:
            tr += 1
        if ("q" in w or "x" in w) and len(w) > 2:
            az += 1
        if len(w) > 4 and w.endswith(_AZ_ENDINGS):
            az += 1
        elif len(w) > 4 and w.endswith(_TR_ENDINGS):
            tr += 1
    if az >= tr + (AZ_MARGIN if default == "tr" else 1):
        return "az"
    if tr > az:
        return "tr"
    return default
