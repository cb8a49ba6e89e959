"""Inflectional suffix stripping for Turkish and Azerbaijani (folded keys).

Snowball has no Azerbaijani stemmer, and its Turkish one splits ``mücadele`` / ``mücadelesi``.
This module strips the *inflectional* layers of a noun, right to left, in their fixed order::

    stem + plural + possessive + case (+ relative -ki) + copula

It works on the folded key (:func:`minbar.text.normalize.fold_token`: ı → i, ə → e, ş ç ğ ö ü →
ASCII), so an ASCII-typed query and a properly typed article reach the same stem, and Turkish and
Azerbaijani share one table (Azerbaijani keeps ``q`` and ``x``, which fold to themselves).

Folding keeps vowel harmony checkable: the four-way suffix vowel (ı i u ü) folds to ``i`` after
a stem whose last vowel is a/e/i and to ``u`` after o/u, and the two-way vowel (a/ə → a/e) must
agree with a final ``a`` or ``e``. Each suffix also says whether it follows a vowel (buffer
consonants: ``-ya``, ``-nın``, ``-sı``, ``-ni``) or a consonant (``-a``, ``-ın``, ``-ı``), which
rules out most false cuts. Guards, all measured on benchmarks/data/inflections_az_tr.json (dev):

* a stem keeps at least three letters and one vowel; a single-vowel suffix (dative -a/-ə,
  accusative/possessive -ı) needs four;
* a final ``-a`` after ``-ov``/``-ev``/``-in`` is a Russian-style female surname (Əliyeva,
  Məmmədova), not a dative: never cut;
* the stem's last consonant is normalised (ğ/g/q → k, b → p, d → t; Azerbaijani -liy → -lik), so
  ``bayraq`` / ``bayrağı`` and ``çocuk`` / ``çocuğu`` meet.

Derivational suffixes (-lık, -lı, -çı) are kept: ``nazir`` (minister) and ``nazirlik`` (ministry)
are different words. Known limits: stems that are themselves ambiguous (``basın`` press / genitive
of ``bas``; ``Hataya`` dative of ``Hatay`` or of ``hata``) take the reading the rules prefer.
"""

from __future__ import annotations

from functools import lru_cache

VOWELS = frozenset("aeiouı")

# (suffix, what must precede it: "v" vowel, "c" consonant, "p" the 3rd-person possessive vowel
# ı/i/u/ü (pronominal n), "*" either), per layer.
COPULA = (("dir", "*"), ("dur", "*"), ("tir", "c"), ("tur", "c"))
RELATIVE = (("ki", "loc"),)
CASE = (
    # ablative, locative (pronominal n after a 3rd-person possessive)
    ("ndan", "p"), ("nden", "p"), ("dan", "*"), ("den", "*"), ("tan", "c"), ("ten", "c"),
    ("nda", "p"), ("nde", "p"), ("da", "*"), ("de", "*"), ("ta", "c"), ("te", "c"),
    # genitive
    ("nin", "v"), ("nun", "v"), ("in", "c"), ("un", "c"),
    # instrumental (-la/-lə, -yla/-ylə)
    ("yla", "v"), ("yle", "v"), ("la", "*"), ("le", "*"),
    # dative
    ("ya", "v"), ("ye", "v"), ("na", "p"), ("ne", "p"), ("a", "c"), ("e", "c"),
    # accusative
    ("ni", "v"), ("nu", "v"), ("yi", "v"), ("yu", "v"), ("i", "c"), ("u", "c"),
)  # fmt: skip
POSSESSIVE = (
    ("imiz", "c"), ("umuz", "c"), ("miz", "v"), ("muz", "v"),
    ("iniz", "c"), ("unuz", "c"), ("niz", "v"), ("nuz", "v"),
    ("lari", "*"), ("leri", "*"),
    ("si", "v"), ("su", "v"), ("im", "c"), ("um", "c"), ("i", "c"), ("u", "c"),
)  # fmt: skip
PLURAL = (("lar", "*"), ("ler", "*"))
#: Case endings that may be followed by the relative -ki (Bakıdakı, evdeki).
_LOCATIVES = ("da", "de", "ta", "te", "nda", "nde")
_SURNAME_ENDS = ("ov", "ev", "yev", "in")
_FINAL = {"g": "k", "q": "k", "b": "p", "d": "t"}


def _last_vowel(stem: str) -> str | None:
    for ch in reversed(stem):
        if ch in VOWELS:
            return ch
    return None


def _harmony_ok(stem: str, suffix: str) -> bool:
    """The suffix's first vowel agrees with the stem's last vowel (on folded letters)."""
    sv = next((ch for ch in suffix if ch in VOWELS), None)
    last = _last_vowel(stem)
    if sv is None or last is None:
        return True
    if sv in "ae":  # two-way: a/ə
        if last == "a":
            return sv == "a"
        if last == "e":
            return sv == "e"
        return True  # i, o, u hide front/back after folding
    # four-way: ı/i after a, e, ı, i; u/ü after o, u, ö, ü
    return sv == ("u" if last in "ou" else "i")


def _fits(stem: str, suffix: str, before: str, min_len: int = 3) -> bool:
    need = min_len + (1 if len(suffix) == 1 else 0)
    if len(stem) < need or _last_vowel(stem) is None:
        return False
    prev_vowel = stem[-1] in VOWELS
    if (before == "v" and not prev_vowel) or (before == "c" and prev_vowel):
        return False
    if before == "p" and stem[-1] not in "iu":  # pronominal n: after a possessive -ı/-sı
        return False
    if suffix == "a" and stem.endswith(_SURNAME_ENDS):  # Əliyeva, Məmmədova: a surname
        return False
    return _harmony_ok(stem, suffix)


def _cuts(word: str, table: tuple) -> list[str]:
    """Every stem left by one suffix of ``table`` that fits ``word``."""
    return [
        word[: -len(suf)]
        for suf, before in table
        if word.endswith(suf) and _fits(word[: -len(suf)], suf, before)
    ]


def _relative(word: str) -> list[str]:
    if word.endswith(("ki", "ku")) and word[:-2].endswith(_LOCATIVES):
        return [word[:-2]]
    return []


def _normalise_final(stem: str) -> str:
    if stem.endswith(("liy", "luy")):
        return stem[:-1] + "k"
    if len(stem) >= 3 and stem[-1] in _FINAL:
        return stem[:-1] + _FINAL[stem[-1]]
    return stem


def _readings(word: str, layers: tuple) -> set[str]:
    """Every stem reachable by removing, right to left, at most one suffix per layer."""
    out = {word}
    for layer in layers:
        nxt = set(out)
        for w in out:
            nxt.update(_relative(w) if layer is RELATIVE else _cuts(w, layer))
        out = nxt
    return out


_ALL = (COPULA, RELATIVE, CASE, POSSESSIVE, PLURAL)


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[str, ...]:
    """Every stem one folded Turkish/Azerbaijani word may stand for, the word itself included
    (last consonant normalised), sorted. A document indexes all of them: ``Naxçıvanın`` is
    ``Naxçıvan`` + genitive *or* ``Naxçıva`` + genitive, and only a dictionary says which."""
    return tuple(sorted({_normalise_final(w) for w in _readings(word, _ALL)}))


@lru_cache(maxsize=200_000)
def query_analyses(word: str) -> tuple[str, ...]:
    """Stems of a *query* word: as :func:`analyses`, except that a lone final vowel is not read
    as a suffix. Queries and watch-list keywords are written in dictionary form, and ``Gəncə``
    must not also search for ``gənc`` (young) + dative."""
    out = set()
    for w in _readings(word, _ALL):
        rest = word[len(w) :]
        if len(rest) == 1 and rest in VOWELS:
            continue
        out.add(_normalise_final(w))
    return tuple(sorted(out))


@lru_cache(maxsize=200_000)
def strip_suffixes(word: str) -> str:
    """One stem per word (the shortest reading): for callers that need a single key."""
    return min(analyses(word), key=lambda s: (len(s), s))


def _name_rank(stem: str) -> tuple[int, int]:
    end = stem[-1]
    return (2 if end in "iu" else 1 if end not in VOWELS else 0, len(stem))


def strip_case(word: str) -> str:
    """One copula and one case ending removed (possessive and plural kept): the dictionary
    form of the last word of a name. Folded input and output. Among the readings, a stem ending
    in the possessive -ı/-i/-u/-ü wins (organisation names end in one: *Xidmətinin* →
    *Xidməti*, *Nazirliyinə* → *Nazirliyi*), then a consonant (*Əliyevin* → *Əliyev*), then
    the longest."""
    cut = [w for w in _readings(word, (COPULA, RELATIVE, CASE)) if w != word]
    return max(cut, key=_name_rank) if cut else word


_ACCUSATIVE = frozenset(("i", "u", "ni", "nu", "yi", "yu"))
