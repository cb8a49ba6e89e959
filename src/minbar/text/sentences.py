"""Sentence splitting: sentencex, plus the fixes its output needs in our languages.

sentencex splits after Arabic abbreviations such as "د." (doctor) and after initials ("İ. Əliyev",
"В. В. Путин") and leaves trailing spaces; we strip, merge a fragment that ends in an abbreviation
or an initial back into the next sentence, and split paragraphs first so a headline-like line
never glues onto the next paragraph. Quotes that span sentences (“Prices will fall. We are
sure,” he said) and the Arabic question mark ؟ are handled by sentencex itself (tested).
"""

from __future__ import annotations

import re

from sentencex import segment

#: Abbreviations after which a period does not end a sentence (lightly normalised forms).
ABBREVIATIONS = {
    "ar": {"د", "أ", "م", "ص", "ج", "ق", "ه"},
    "tr": {"dr", "prof", "doç", "av", "müh", "vb", "vs", "sn", "bkz", "yrd"},
    "az": {"dr", "prof", "dos", "b", "və s", "s"},
    "ru": {"г", "гг", "т", "е", "им", "ул", "д", "проф", "см", "млн", "млрд", "тыс", "руб"},
    "en": {"dr", "mr", "mrs", "ms", "prof", "st", "gen", "col", "sen", "rep", "gov", "u.s", "jr"},
}
_LAST_WORD = re.compile(r"(\w[\w.]*)\.\s*$")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


def _is_initial(word: str) -> bool:
    """A single capital letter: a name's initial, never the end of a sentence."""
    return len(word) == 1 and word.isupper()


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Sentences of ``text`` (paragraphs first, then sentencex per paragraph)."""
    code = lang if lang in ABBREVIATIONS else "en"
    abbrevs = ABBREVIATIONS[code]
    out: list[str] = []
    for para in _PARAGRAPH.split(text):
        para = para.strip()
        if not para:
            continue
        pending = ""
        for piece in segment(code, para):
            piece = (pending + " " + piece.strip()).strip() if pending else piece.strip()
            pending = ""
            if not piece:
                continue
            last = _LAST_WORD.search(piece)
            if last and (last.group(1).lower() in abbrevs or _is_initial(last.group(1))):
                pending = piece
                continue
            out.append(piece)
        if pending:
            out.append(pending)
    return out
