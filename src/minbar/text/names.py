"""Speakers in their dictionary form: the Turkish/Azerbaijani case ending of a name's last word
cut with the suffix readings of :mod:`minbar.text.suffixes` (kept apart from it so the stemmer
does not depend on the normaliser that depends on the stemmer)."""

from __future__ import annotations

import re

from minbar.text.normalize import fold_token, lower
from minbar.text.suffixes import _ACCUSATIVE, CASE, COPULA, RELATIVE, _name_rank, _readings

_HYPHEN_CASE = re.compile(r"-(?:n?[ıiuü]n|y?[aə]|d[aə]n?|l[aə])$", re.IGNORECASE)
#: A Turkish compound's head with its possessive (Bakanlığı, Bankası, Kuvvetleri) followed by the
#: pronominal n and a case ending: Bakanlığı-n-ın, Belediyesi-n-e, Müdürlüğü-n-den.
_TR_HEAD_CASE = re.compile(
    r"((?:l[ıiuü]ğ[ıiuü]|s[ıiuü]|l[ae]r[ıi]))n(?:[ıiuü]n|[ae]|d[ae]n|d[ae])$", re.IGNORECASE
)


def turkish_head_form(name: str) -> str:
    """A Turkish institution written without the apostrophe Turkish gives proper names, back in
    its dictionary form: *Milli Eğitim Bakanlığının* → *Milli Eğitim Bakanlığı*, *İstanbul
    Büyükşehir Belediyesinden* → *… Belediyesi*. Only a multi-word name whose last word is a
    compound head (possessive -lığı/-sı/-ları) + n + case is cut: a bare personal name (Tekin,
    Hakanın) never takes that n, so it is left alone."""
    words = name.split()
    if len(words) < 2:
        return name
    last = _TR_HEAD_CASE.sub(r"\1", words[-1])
    return name if last == words[-1] else " ".join([*words[:-1], last])


def dictionary_form(name: str, hyphen_only: bool = False) -> str:
    """A Turkish/Azerbaijani name or title as a speaker, without the case ending of its last
    word: *Milli Hidrometeorologiya Xidmətinin* → *Milli Hidrometeorologiya Xidməti*,
    *Elnur Həsənlinin* → *Elnur Həsənli*, *Xəzər Xəbər-in* → *Xəzər Xəbər*. Accusative endings
    are not cut (speakers are not in the accusative, and names end like one: *Saadi*,
    *Ərəbistanı*), nor the -a of a woman's surname (*Səfərova*). Letters keep their case and
    diacritics. Turkish-only endings (-ta, -tan) are not cut: Azerbaijani always writes -da,
    -dan (*Dağıstan* keeps its -tan). ``hyphen_only``: cut only an ending after a hyphen."""
    words = name.split()
    if not words:
        return name
    last = words[-1]
    bare = _HYPHEN_CASE.sub("", last)
    if bare != last:
        return " ".join([*words[:-1], bare])
    if hyphen_only:
        return name
    folded = fold_token(lower(last))
    if len(folded) != len(last) or not last.isalpha():
        return name
    cuts = [
        w
        for w in _readings(folded, (COPULA, RELATIVE, CASE))
        if w != folded and folded[len(w) :] not in _ACCUSATIVE and folded[len(w)] != "t"
    ]
    if not cuts:
        return name
    keep = len(max(cuts, key=_name_rank))
    return " ".join([*words[:-1], last[:keep]])
