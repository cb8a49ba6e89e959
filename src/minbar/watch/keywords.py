"""Keyword watchlists compiled into one inverted index, so one article is checked against every
watchlist with a few dictionary look-ups per distinct word.

Query syntax: words are all required (AND); ``OR`` (or ``|``, or a comma) separates
alternatives; a ``"quoted phrase"`` needs its words in that order, next to each other.

A query word matches an article word (both through the search normaliser, so case, Arabic marks,
ı/ə/ş… and ё do not matter) when

* the keys are equal;
* Latin script (Turkish, Azerbaijani, English): the article word is the query word plus an
  inflectional ending (``Gəncə`` → ``Gəncədə``, ``Gəncənin``; ``Ankara`` → ``Ankara'da`` is split
  by the normaliser anyway), or both reduce to the same stem once inflectional suffixes are
  stripped (``bayraq`` / ``bayrağı``: :mod:`minbar.text.suffixes`);
* Cyrillic and Arabic script: the Snowball stems agree (``Гянджа`` / ``Гяндже``,
  ``الحرب`` / ``حرب``), read from the article's stored stem key.

Candidates come from two indexes: the first three letters of a Latin key, and the stem of a
Cyrillic/Arabic word; only candidates are verified, so cost grows with the article, not with
the number of watchlists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from minbar.text.normalize import _script, fold_token, light_tokens, stem_token

try:  # helper J's inflection-aware API, when it is there
    from minbar.text.suffixes import strip_suffixes
except ImportError:  # pragma: no cover - older tree
    strip_suffixes = None

#: Longest inflectional ending accepted after a Latin query word (-lərindən is 9).
MAX_ENDING = 9
#: Shortest query key that may take an ending (shorter ones must match exactly).
MIN_PREFIX = 3
KEY_LEN = 3

_SPLIT_ALTERNATIVES = re.compile(r"\s+OR\s+|\s*\|\s*|\s*,\s*")
_PHRASE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Term:
    key: str  # folded
    script: str  # latin | cyrillic | arabic
    stem: str  # Snowball stem (Cyrillic/Arabic) or stripped stem (Latin)

    def matches_latin(self, word: str) -> bool:
        if word == self.key:
            return True
        if len(self.key) >= MIN_PREFIX and word.startswith(self.key):
            return len(word) - len(self.key) <= MAX_ENDING
        # an inflected form is never shorter than its lemma ("genç" is not a form of "Gəncə")
        return (
            strip_suffixes is not None
            and len(self.stem) >= 3
            and len(word) >= len(self.key)
            and _strip(word) == self.stem
        )


def _strip(word: str) -> str:
    return strip_suffixes(word) if strip_suffixes is not None else word


def make_term(word: str) -> Term | None:
    """One query word (lightly normalised token) as a :class:`Term`."""
    key = fold_token(word)
    if not key:
        return None
    script = _script(word)
    if script == "latin":
        # A query word is a lemma: when the stripper would cut it ("Gəncə" read as the dative of
        # "gənc"), only its inflected forms (prefix rule) are accepted, never the shorter stem.
        stem = _strip(key)
        return Term(key, script, stem if len(stem) >= len(key) else "")
    return Term(key, script, stem_token(word, None))


@dataclass
class Clause:
    """All of ``terms`` (AND); ``phrases``: tuples of term indexes that must be adjacent."""

    terms: list[Term]
    phrases: list[tuple[int, ...]] = field(default_factory=list)


def parse_query(query: str) -> list[Clause]:
    """Alternatives (OR) of conjunctions (AND) of terms."""
    clauses = []
    for alt in _SPLIT_ALTERNATIVES.split(query.strip()):
        terms: list[Term] = []
        phrases: list[tuple[int, ...]] = []
        rest = alt
        for m in _PHRASE.finditer(alt):
            idx = []
            for w in light_tokens(m.group(1)):
                t = make_term(w)
                if t is not None:
                    idx.append(len(terms))
                    terms.append(t)
            if len(idx) > 1:
                phrases.append(tuple(idx))
            rest = rest.replace(m.group(0), " ")
        for w in light_tokens(rest):
            t = make_term(w)
            if t is not None and t not in terms:
                terms.append(t)
        if terms:
            clauses.append(Clause(terms, phrases))
    return clauses


class KeywordIndex:
    """Every keyword watchlist's terms in two look-up tables (Latin key prefix, stem)."""

    def __init__(self, watchlists: Iterable[tuple[int, str]]) -> None:
        self.clauses: dict[int, list[Clause]] = {}
        self.by_prefix: dict[str, set[Term]] = {}
        self.by_stem: dict[str, set[Term]] = {}
        self.term_users: dict[Term, set[int]] = {}
        for wid, query in watchlists:
            clauses = parse_query(query)
            if not clauses:
                continue
            self.clauses[wid] = clauses
            for c in clauses:
                for t in c.terms:
                    self.term_users.setdefault(t, set()).add(wid)
                    if t.script == "latin":
                        self.by_prefix.setdefault(t.key[:KEY_LEN], set()).add(t)
                        if strip_suffixes is not None and t.stem[:KEY_LEN] != t.key[:KEY_LEN]:
                            self.by_prefix.setdefault(t.stem[:KEY_LEN], set()).add(t)
                    else:
                        self.by_stem.setdefault(t.stem, set()).add(t)

    def __len__(self) -> int:
        return len(self.clauses)

    def match(self, norm: str, stem: str) -> dict[int, str]:
        """Watchlists whose query ``norm`` (the article's search key) and ``stem`` (its stem key)
        satisfy, each with the article words that matched."""
        if not self.clauses:
            return {}
        words = norm.split()
        found: dict[Term, str] = {}
        seen: set[str] = set()
        for w in words:
            if w in seen:
                continue
            seen.add(w)
            for t in self.by_prefix.get(w[:KEY_LEN], ()):
                if t not in found and t.matches_latin(w):
                    found[t] = w
        if self.by_stem:
            for s in set(stem.split()):
                for t in self.by_stem.get(s, ()):
                    found.setdefault(t, s)
            for w in seen:  # exact folded keys of Cyrillic/Arabic words stemmed differently
                for t in self.by_stem.get(w, ()):
                    found.setdefault(t, w)
        if not found:
            return {}
        candidates: set[int] = set()
        for t in found:
            candidates |= self.term_users[t]
        out: dict[int, str] = {}
        for wid in candidates:
            for c in self.clauses[wid]:
                if all(t in found for t in c.terms) and all(
                    _adjacent(words, [c.terms[i] for i in p], found) for p in c.phrases
                ):
                    out[wid] = ", ".join(dict.fromkeys(found[t] for t in c.terms))
                    break
        return out


def _adjacent(words: list[str], terms: list[Term], found: dict[Term, str]) -> bool:
    """Whether the phrase's words occur next to each other, in order."""
    first = terms[0]
    for i, w in enumerate(words):
        if not _word_matches(first, w, found):
            continue
        if i + len(terms) <= len(words) and all(
            _word_matches(t, words[i + k], found) for k, t in enumerate(terms)
        ):
            return True
    return False


def _word_matches(t: Term, w: str, found: dict[Term, str]) -> bool:
    if t.script == "latin":
        return t.matches_latin(w)
    return w == t.key or w == found.get(t) or stem_token(w, None) == t.stem
