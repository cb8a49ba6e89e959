"""What distinguishes a fact-check that checks *this* claim from a near-miss on the same topic.

Pairwise features for the re-ranker, each cheap and language-aware:

* ``cos`` — e5 cosine (query vs passage); carries meaning across languages.
* ``lex`` — overlap of stemmed tokens (only meaningful within one script).
* ``num_match`` / ``num_conflict`` — shared numbers vs. numbers on both sides that never agree
  ("300 deaths" vs "30 deaths"). Eastern Arabic and Persian digits are read as digits.
* ``neg_mismatch`` — one side negated and the other not (per-language negation words).
* ``same_lang`` — so the model can weigh ``lex`` only where it can fire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minbar.text.normalize import light_tokens, stem_token

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

#: Negation words per language, lightly normalised (lowercase, no diacritics on Arabic).
NEGATIONS = {
    "en": {
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "denied",
        "denies",
        "deny",
        "false",
    },
    "ar": {"لا", "لم", "لن", "ليس", "ليست", "غير", "بدون", "ينفي", "نفى", "نفت", "عدم"},
    "tr": {"değil", "yok", "hiç", "asla", "hayır", "yalanladı", "olmadı", "olmayan"},
    "az": {"deyil", "yox", "heç", "əsla", "xeyr", "təkzib", "olmayıb", "olmayan"},
    "ru": {"не", "нет", "ни", "никогда", "без", "опроверг", "опровергли", "отрицает"},
}
_ALL_NEG = set().union(*NEGATIONS.values())

FEATURES = ("cos", "lex", "num_match", "num_conflict", "neg_mismatch", "same_lang")


@dataclass
class Side:
    """Pre-computed view of one text (computed once per query and per candidate)."""

    lang: str | None
    stems: frozenset[str]
    numbers: frozenset[str]
    negated: bool


def numbers(text: str) -> frozenset[str]:
    found = set()
    for raw in _NUMBER.findall(text.translate(_DIGITS)):
        value = raw.replace(",", ".")
        try:
            f = float(value)
        except ValueError:
            continue
        if 1900 <= f <= 2100 and f.is_integer():
            continue  # years are context, not the claim's quantity
        found.add(f"{f:g}")
    return frozenset(found)


def side(text: str, lang: str | None) -> Side:
    toks = light_tokens(text)
    return Side(
        lang=lang,
        stems=frozenset(stem_token(t, lang) for t in toks if len(t) > 2 and not t.isdigit()),
        numbers=numbers(text),
        negated=any(t in _ALL_NEG for t in toks),
    )


def pair_features(cos: float, a: Side, b: Side) -> list[float]:
    inter = len(a.stems & b.stems)
    lex = inter / max(1, min(len(a.stems), len(b.stems)))
    both_num = bool(a.numbers and b.numbers)
    shared = bool(a.numbers & b.numbers)
    return [
        cos,
        lex,
        float(shared),
        float(both_num and not shared),
        float(a.negated != b.negated),
        float(a.lang is not None and a.lang == b.lang),
    ]
