"""Normalised verdicts from ClaimReview ratings in ar, tr, az, en, ru.

Fact-checkers name ratings freely ("Pants on Fire", "Yanıltıcı", "نصف صحيح", "Манипуляция").
minbar maps them onto five verdicts: false, misleading, mixed, true, unproven. The rating word
(``alternateName``) decides when it is known; otherwise the position of ``ratingValue`` between
``worstRating`` and ``bestRating`` does. The phrase lists are data: extend them here.
"""

from __future__ import annotations

from minbar.text.normalize import search_key

VERDICTS = ("false", "misleading", "mixed", "true", "unproven")

#: Rating phrases per verdict, in all five languages (matched after search normalisation, longest
#: phrase first, so "partly false" is mixed and not false).
PHRASES: dict[str, list[str]] = {
    "false": [
        # en
        "false",
        "fake",
        "pants on fire",
        "incorrect",
        "wrong",
        "fabricated",
        "hoax",
        "not true",
        "untrue",
        "scam",
        "mostly false",
        "baseless",
        "fake news",
        # ar
        "خطأ",
        "خاطئ",
        "كاذب",
        "كاذبة",
        "زائف",
        "زائفة",
        "مزيف",
        "مزيفة",
        "ملفق",
        "غير صحيح",
        "غير صحيحة",
        "إشاعة",
        "شائعة",
        "مفبرك",
        "عار عن الصحة",
        # tr
        "yanlış",
        "sahte",
        "asılsız",
        "uydurma",
        "gerçek dışı",
        "gerçeği yansıtmıyor",
        "yalan",
        # az
        "yalan",
        "saxta",
        "yanlış",
        "əsassız",
        "uydurma",
        "həqiqəti əks etdirmir",
        # ru
        "ложь",
        "фейк",
        "неправда",
        "ложно",
        "недостоверно",
        "не соответствует действительности",
    ],
    "misleading": [
        "misleading",
        "missing context",
        "out of context",
        "distorted",
        "exaggerated",
        "false context",
        "exaggeration",
        "manipulated",
        "altered",
        "satire",
        "مضلل",
        "مضللة",
        "خارج السياق",
        "مبالغ فيه",
        "مجتزأ",
        "تضليل",
        "yanıltıcı",
        "çarpıtma",
        "bağlamından koparılmış",
        "abartılı",
        "manipülasyon",
        "yanıldıcı",
        "manipulyasiya",
        "çaşdırıcı",
        "kontekstdən kənar",
        "şişirdilmiş",
        "манипуляция",
        "вводит в заблуждение",
        "искажение",
        "вырвано из контекста",
        "преувеличение",
    ],
    "mixed": [
        "mixture",
        "mixed",
        "half true",
        "half-true",
        "partly false",
        "partly true",
        "partially true",
        "partially false",
        "نصف صحيح",
        "صحيح جزئيا",
        "صحيح جزئياً",
        "مختلط",
        "نصف حقيقة",
        "karışık",
        "kısmen doğru",
        "yarı doğru",
        "kısmen yanlış",
        "büyük ölçüde doğru",
        "qarışıq",
        "qismən doğru",
        "yarı doğru",
        "qismən yanlış",
        "полуправда",
        "частично верно",
        "отчасти правда",
        "частично правда",
        "частично ложно",
    ],
    "true": [
        "true",
        "correct",
        "accurate",
        "verified",
        "confirmed",
        "mostly true",
        "صحيح",
        "صحيحة",
        "حقيقي",
        "حقيقة",
        "دقيق",
        "doğru",
        "teyitli",
        "gerçek",
        "doğru",
        "həqiqət",
        "həqiqətdir",
        "təsdiqlənib",
        "правда",
        "верно",
        "достоверно",
        "подтверждено",
    ],
    "unproven": [
        "unproven",
        "unverified",
        "unsupported",
        "no evidence",
        "undetermined",
        "unsubstantiated",
        "research in progress",
        "unclear",
        "غير مثبت",
        "غير مؤكد",
        "لا دليل",
        "غير موثق",
        "لم يثبت",
        "kanıtlanamadı",
        "doğrulanamadı",
        "belirsiz",
        "kanıtsız",
        "teyit edilemedi",
        "təsdiqlənməyib",
        "sübut olunmayıb",
        "təsdiq olunmayıb",
        "qeyri-müəyyən",
        "не доказано",
        "не подтверждено",
        "неизвестно",
        "недоказано",
    ],
}

_TABLE: list[tuple[str, str]] = sorted(
    {(search_key(p), v) for v, phrases in PHRASES.items() for p in phrases},
    key=lambda pv: -len(pv[0]),
)


def verdict_from_name(name: str | None) -> str | None:
    """Verdict for a rating word or phrase, or ``None`` when it is not recognised."""
    if not name:
        return None
    key = search_key(name)
    if not key:
        return None
    padded = f" {key} "
    for phrase, verdict in _TABLE:
        if phrase == key:
            return verdict
    for phrase, verdict in _TABLE:
        if f" {phrase} " in padded:
            return verdict
    return None


def verdict_from_value(value: float | None, best: float | None, worst: float | None) -> str | None:
    """Verdict from the rating's position on its scale (schema.org default scale 1..5)."""
    if value is None:
        return None
    best = 5.0 if best is None else best
    worst = 1.0 if worst is None else worst
    if best == worst:
        return None
    pos = (value - worst) / (best - worst)
    if not 0.0 <= pos <= 1.0:
        return None
    if pos <= 0.2:
        return "false"
    if pos <= 0.45:
        return "misleading"
    if pos < 0.75:
        return "mixed"
    return "true"


def normalise_verdict(
    name: str | None,
    value: float | None = None,
    best: float | None = None,
    worst: float | None = None,
) -> str:
    """The verdict, by rating word first, then by scale position; ``unproven`` if neither."""
    return verdict_from_name(name) or verdict_from_value(value, best, worst) or "unproven"
