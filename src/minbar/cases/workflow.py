"""Case statuses, the allowed transitions, and verdict ratings in ar, tr, az, en, ru.

::

    open ──assign──▶ in_progress ──propose──▶ in_review ──approve──▶ approved ──publish──▶ published
      │                  ▲  │                     │
      │                  │  └──(re)assign         │
      │                  └────────reject──────────┘
      └──close (open, in_progress, in_review) ──▶ closed ──reopen──▶ open

Any other move is a :class:`~minbar.errors.Conflict` (HTTP 409). The facade applies a transition
with a conditional UPDATE (``WHERE status = <expected>``), so two people racing on one case cannot
both win.
"""

from __future__ import annotations

from minbar.errors import Conflict, InvalidInput

STATUSES = ("open", "in_progress", "in_review", "approved", "published", "closed")
#: Statuses in which a case still awaits a verdict (duplicate suggestions look at these).
ACTIVE = ("open", "in_progress", "in_review", "approved")
LANGS = ("ar", "tr", "az", "en", "ru")
PRIORITIES = ("low", "normal", "high", "urgent")
ORIGINS = ("article", "quote", "claim", "url", "tip", "text")
CLOSE_REASONS = ("not-checkworthy", "duplicate", "other")

#: action -> {from status: to status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {"open": "in_progress", "in_progress": "in_progress"},
    "propose": {"in_progress": "in_review"},
    "approve": {"in_review": "approved"},
    "reject": {"in_review": "in_progress"},
    "publish": {"approved": "published"},
    "close": {"open": "closed", "in_progress": "closed", "in_review": "closed"},
    "reopen": {"closed": "open"},
}

#: Statuses in which evidence may still be added (a published or closed case is frozen).
EVIDENCE_OPEN = ("open", "in_progress", "in_review", "approved")


def next_status(action: str, current: str) -> str:
    """The status ``action`` leads to from ``current``; :class:`Conflict` when not allowed."""
    moves = TRANSITIONS[action]
    if current not in moves:
        allowed = ", ".join(moves)
        raise Conflict(f"cannot {action} a case that is {current} (only from: {allowed})")
    return moves[current]


# --- ratings --------------------------------------------------------------------------------

RATINGS = ("false", "mostly-false", "misleading", "mixed", "mostly-true", "true", "unproven")

#: Rating -> the normalised verdict the matching engine reports (its five classes).
VERDICT_OF = {
    "false": "false",
    "mostly-false": "false",
    "misleading": "misleading",
    "mixed": "mixed",
    "mostly-true": "true",
    "true": "true",
    "unproven": "unproven",
}

#: Ordinal value on a 1 (false) .. 6 (true) scale; ``unproven`` has none.
RATING_VALUE = {
    "false": 1,
    "mostly-false": 2,
    "misleading": 3,
    "mixed": 4,
    "mostly-true": 5,
    "true": 6,
}
BEST_RATING, WORST_RATING = 6, 1

#: The rating's name in each language (ClaimReview ``reviewRating.alternateName``), written by
#: hand with the wording fact-checkers of each language use.
RATING_NAMES: dict[str, dict[str, str]] = {
    "false": {"en": "False", "tr": "Yanlış", "az": "Yalan", "ar": "زائف", "ru": "Ложь"},
    "mostly-false": {
        "en": "Mostly false",
        "tr": "Büyük ölçüde yanlış",
        "az": "Əsasən yalan",
        "ar": "زائف في معظمه",
        "ru": "В основном ложь",
    },
    "misleading": {
        "en": "Misleading",
        "tr": "Yanıltıcı",
        "az": "Çaşdırıcı",
        "ar": "مضلل",
        "ru": "Вводит в заблуждение",
    },
    "mixed": {
        "en": "Mixed",
        "tr": "Karma",
        "az": "Qarışıq",
        "ar": "مزيج من الصحة والخطأ",
        "ru": "Полуправда",
    },
    "mostly-true": {
        "en": "Mostly true",
        "tr": "Büyük ölçüde doğru",
        "az": "Əsasən doğru",
        "ar": "صحيح في معظمه",
        "ru": "В основном правда",
    },
    "true": {"en": "True", "tr": "Doğru", "az": "Doğru", "ar": "صحيح", "ru": "Правда"},
    "unproven": {
        "en": "Unproven",
        "tr": "Kanıtlanamadı",
        "az": "Sübut olunmayıb",
        "ar": "غير مثبت",
        "ru": "Не доказано",
    },
}

MAX_SUMMARY_CHARS = 5000
MAX_CLAIM_CHARS = 2000


def rating_name(rating: str, lang: str) -> str:
    return RATING_NAMES[rating].get(lang) or RATING_NAMES[rating]["en"]


def check_rating(rating: object) -> str:
    if not isinstance(rating, str) or rating.strip().lower() not in RATINGS:
        raise InvalidInput(f"rating {rating!r}: choose one of {', '.join(RATINGS)}")
    return rating.strip().lower()


def check_summaries(summary: object) -> dict[str, str]:
    """``{lang: text}`` with at least one of ar, tr, az, en, ru; texts stripped, non-empty."""
    if not isinstance(summary, dict) or not summary:
        raise InvalidInput("summary: give an object {language: text} in ar, tr, az, en or ru")
    out: dict[str, str] = {}
    for lang, text in summary.items():
        code = str(lang).strip().lower()
        if code not in LANGS:
            raise InvalidInput(f"summary language {lang!r}: choose among {', '.join(LANGS)}")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"summary[{code}] is empty")
        if len(text) > MAX_SUMMARY_CHARS:
            raise InvalidInput(f"summary[{code}] is over {MAX_SUMMARY_CHARS} characters")
        out[code] = text.strip()
    return out


def check_claim(claim: object) -> str:
    if not isinstance(claim, str) or not claim.strip():
        raise InvalidInput("claim is empty")
    claim = " ".join(claim.split())
    if len(claim) > MAX_CLAIM_CHARS:
        raise InvalidInput(f"claim is over {MAX_CLAIM_CHARS} characters")
    return claim


def check_lang(lang: object, name: str = "lang") -> str | None:
    if lang is None or lang == "":
        return None
    code = str(lang).strip().lower()
    if not (2 <= len(code) <= 3 and code.isalpha() and code.isascii()):
        raise InvalidInput(f"{name} {lang!r}: give a two-letter code such as ar, tr, az, en, ru")
    return code


def check_choice(value: object, choices: tuple[str, ...], name: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{name} {value!r}: choose one of {', '.join(choices)}")
    return value


def check_http_url(url: object, name: str = "url") -> str | None:
    """Only http(s) URLs are stored (the contract: no ``javascript:``, ``data:`` …)."""
    if url is None or (isinstance(url, str) and not url.strip()):
        return None
    if not isinstance(url, str):
        raise InvalidInput(f"{name}: not a URL")
    url = url.strip()
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https") or "://" not in url or len(url) > 2000:
        raise InvalidInput(f"{name}: only http(s) URLs are accepted")
    return url


def origin_of(article_id, quote_id, sentence, url, tip_id) -> str:
    """Where a case comes from when the caller does not say."""
    if tip_id:
        return "tip"
    if quote_id:
        return "quote"
    if article_id and sentence:
        return "claim"
    if article_id:
        return "article"
    return "url" if url else "text"


def as_id(value, name: str) -> int | None:
    """An optional positive id given as int or digits; :class:`InvalidInput` otherwise."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} {value!r} is not a number") from None
    if not 1 <= number < 2**31:
        raise InvalidInput(f"{name} {value!r} is out of range")
    return number
