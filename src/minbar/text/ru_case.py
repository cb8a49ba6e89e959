"""Russian noun phrases from the genitive back to the nominative (quote speakers).

"По словам X", "по данным X", "у X" put the source in the genitive: *Национального совета по
телевидению* → *Национальный совет по телевидению*, *Министерства энергетики* →
*Министерство энергетики*, *Сергея Лаптева* → *Сергей Лаптев*, *России* → *Россия*. Only the
head of the phrase changes (leading adjectives and the first noun); what follows is the head's
own genitive complement and stays. A phrase is changed only when its first word is unambiguous:
an adjective in -ого/-его, a noun in -ства/-ения/-ания/-ии, a given name in the genitive
(Сергея, Ильхама), or a feminine adjective + noun pair (местной полиции). Ambiguous single nouns
(*регулятора* could be a feminine nominative) are left alone.
"""

from __future__ import annotations

_HUSHING = frozenset("кгхжшчщ")


def _noun_nominative(word: str) -> tuple[str, str] | None:
    """(nominative, gender) of a genitive singular head noun, or None when unsure."""
    low = word.lower()
    for gen, nom, gender in (
        ("ства", "ство", "n"),
        ("ения", "ение", "n"),
        ("ания", "ание", "n"),
        ("ии", "ия", "f"),
    ):
        if low.endswith(gen) and len(low) > len(gen) + 1:
            return word[: -len(gen)] + _case_like(word, nom), gender
    return None


def _case_like(word: str, ending: str) -> str:
    return ending.upper() if word.isupper() else ending


def _adjective(word: str, gender: str) -> str | None:
    low = word.lower()
    stem = None
    if low.endswith(("ого", "его")):
        stem, soft = word[:-3], low.endswith("его")
    elif low.endswith(("ой", "ей")) and gender == "f":
        stem, soft = word[:-2], low.endswith("ей")
    if stem is None:
        return None
    hushing = stem[-1:].lower() in _HUSHING
    if gender == "n":
        end = "ее" if soft else "ое"
    elif gender == "f":
        end = "яя" if soft else "ая"
    else:
        end = "ий" if soft or hushing else "ый"
    return stem + _case_like(word, end)


def _given_genitive(word: str, names: frozenset[str]) -> str | None:
    low = word.lower().replace("ё", "е")
    for gen, nom in (("а", ""), ("я", "й"), ("я", "ь")):
        if low.endswith(gen) and low[: -len(gen)] + nom in names:
            return word[: -len(gen)] + nom
    return None


def _surname(word: str) -> str:
    low = word.lower()
    for gen, nom in (("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"), ("ого", "ий")):
        if low.endswith(gen):
            return word[: -len(gen)] + nom
    return word


def nominative(phrase: str, given_names: frozenset[str] = frozenset()) -> str:
    """The phrase with its head back in the nominative; unchanged when the case is unclear.
    ``given_names``: folded given names (a genitive given name marks a person's name)."""
    words = phrase.split()
    if not words:
        return phrase
    first = _given_genitive(words[0], given_names) if given_names else None
    if first and len(words) >= 2:  # Сергея Лаптева → Сергей Лаптев
        return " ".join([first, _surname(words[1]), *words[2:]])
    # leading adjectives, then the head noun
    n_adj = 0
    while n_adj < len(words) - 1 and words[n_adj].lower().endswith(("ого", "его", "ой", "ей")):
        n_adj += 1
    head = words[n_adj]
    found = _noun_nominative(head)
    gender = found[1] if found else None
    fem_pair = words[0].lower().endswith(("ой", "ей")) and head.lower().endswith(("ы", "и"))
    if found is None and n_adj and fem_pair:  # местной полиции → местная полиция
        gender = "f"
        found = (head[:-1] + _case_like(head, "я" if head.lower().endswith("и") else "а"), "f")
    if found is None and n_adj and words[0].lower().endswith(("ого", "его")):
        low = head.lower()
        if low.endswith(("а", "я")) and len(low) > 3:  # Национального совета → … совет
            gender = "m"
            found = (head[:-1] + ("й" if low.endswith("я") and low[-2] in "аеиоуэюя" else ""), "m")
    if found is None:
        return phrase
    adjs = [_adjective(w, gender) for w in words[:n_adj]]
    if None in adjs:
        return phrase
    return " ".join([*adjs, found[0], *words[n_adj + 1 :]])
