"""What the story clusterer compares besides the vector: entity keys and numbers of an article.

Entity keys come from the entity stage (``article_entities``: "PER:fahrettin altun", the same key
in every script) when it has run. Without it, :func:`fallback_keys` gives a crude substitute:
capitalised words that do not open a sentence, transliterated to Latin and cut to a 5-letter
prefix, so "Van'daki", "Van" and "Ван" meet, as do "Mahaçkale" and "Махачкала". Arabic has no
capitals, so Arabic articles get numbers only from the fallback.

Numbers are script-independent evidence that two reports describe the same event (a 6.1 quake
with 18 dead is not the 5.4 quake with 14 injured). Decimal commas and points are unified
("6,1" = "6.1"); a separator before exactly three digits is a thousands separator
("1.200" = "1,200" = "1200").
"""

from __future__ import annotations

import re
from functools import lru_cache

from minbar.text.normalize import ASCII_DIGITS, fold_token, light

LEAD_CHARS = 800
PREFIX = 5

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENT_END = re.compile(r"[.!?؟…\n:«\"“]")
_CYR_MAP = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "c", "ш": "s", "щ": "sc",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def numbers(text: str) -> frozenset[str]:
    """Normalised numbers of ``text`` ("6,1" → "6.1", "1.200" → "1200"); single digits and
    zero are left out (counts written as words in other languages would never meet them)."""
    out = set()
    for raw in _NUMBER.findall(text.translate(ASCII_DIGITS)):
        parts = re.split(r"[.,]", raw)
        if len(parts) == 1:
            value = parts[0]
        elif all(len(p) == 3 for p in parts[1:]):
            value = "".join(parts)
        else:
            value = "".join(parts[:-1]) + "." + parts[-1]
        value = value.lstrip("0") or "0"
        if value.startswith("."):
            value = "0" + value
        if "." in value or len(value) >= 2:
            out.add(value)
    return frozenset(out)


@lru_cache(maxsize=65536)
def _latin(word: str) -> str:
    word = fold_token(light(word))
    if any("а" <= ch <= "я" or ch == "ё" for ch in word):
        word = "".join(_CYR_MAP.get(ch, ch) for ch in word)
    return word


def fallback_keys(text: str) -> frozenset[str]:
    """Capitalised, non-sentence-initial words as "TOK:prefix" keys (see the module doc)."""
    out = set()
    prev_end = -1
    for m in _WORD.finditer(text):
        word = m.group(0)
        before = text[max(prev_end, 0) : m.start()]
        starts = prev_end < 0 or _SENT_END.search(before)
        prev_end = m.end()
        if starts or not word[0].isupper() or len(word) < 3:
            continue
        key = _latin(re.split(r"['’]", word)[0])[:PREFIX]
        if len(key) >= 3:
            out.add("TOK:" + key)
    return frozenset(out)


def article_text(title: str, text: str) -> str:
    """The part of an article the features are read from: title and lead."""
    return f"{title}\n{text[:LEAD_CHARS]}"
