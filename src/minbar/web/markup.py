"""Text → segments for templates: highlighted search snippets and annotated article text.

Functions here return lists of ``(text, kind, extra)`` segments; templates print ``text``
escaped and wrap it in an element by ``kind``. No HTML is ever built from outside text here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from minbar.text.normalize import fold, tokens

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 260
SCAN_CHARS = 20_000  # a snippet comes from the first 20,000 characters


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return fold(word)


def _matcher(query: str):
    terms = [t for t in tokens(query) if t]
    if not terms:
        return lambda word: False

    @lru_cache(maxsize=20_000)
    def hit(word: str) -> bool:
        w = _fold_word(word)
        for t in terms:
            if w == t:
                return True
            stem = t[: max(4, len(t) - 3)]
            if len(t) >= 4 and len(w) >= 4 and (w.startswith(stem) or t.startswith(w)):
                return True
        return False

    return hit


def snippet(text: str, query: str, size: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first query term, as (text, highlighted) pieces."""
    text = " ".join((text or "")[:SCAN_CHARS].split())
    hit = _matcher(query)
    words = list(_WORD.finditer(text))
    first = next((m for m in words if hit(m.group())), None)
    start = 0
    if first is not None and first.start() > size // 3:
        start = text.rfind(" ", 0, first.start() - size // 3) + 1
    end = min(len(text), start + size)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    window = text[start:end]
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("… ", False))
    pos = 0
    for m in _WORD.finditer(window):
        if hit(m.group()):
            if m.start() > pos:
                pieces.append((window[pos : m.start()], False))
            pieces.append((m.group(), True))
            pos = m.end()
    pieces.append((window[pos:], False))
    if end < len(text):
        pieces.append((" …", False))
    return [p for p in pieces if p[0]]


def annotate(sentence: str, entities: list[dict], quotes: list[str]) -> list[tuple[str, str, str]]:
    """Segments of one sentence: ``("…", "quote"|"entity"|"", label)``; quotes win over
    entities where they overlap (a quote is then marked whole)."""
    spans: list[tuple[int, int, str, str]] = []
    for q in quotes:
        q = q.strip().strip("\"'«»“”„")
        if len(q) < 8:
            continue
        at = sentence.find(q)
        if at >= 0:
            spans.append((at, at + len(q), "quote", ""))
    for ent in entities:
        mention = (ent.get("mention") or ent.get("canonical") or "").strip()
        if len(mention) < 2:
            continue
        label = f"{ent.get('type', '')}: {ent.get('canonical', '')}".strip(": ")
        for m in re.finditer(re.escape(mention), sentence):
            before = sentence[m.start() - 1] if m.start() else " "
            after = sentence[m.end()] if m.end() < len(sentence) else " "
            if before.isalnum() or after.isalnum():
                continue
            spans.append((m.start(), m.end(), "entity", label))
    spans.sort(key=lambda s: (s[0], s[2] != "quote", -(s[1] - s[0])))
    out: list[tuple[str, str, str]] = []
    pos = 0
    for start, end, kind, label in spans:
        if start < pos:
            continue
        if start > pos:
            out.append((sentence[pos:start], "", ""))
        out.append((sentence[start:end], kind, label))
        pos = end
    if pos < len(sentence):
        out.append((sentence[pos:], "", ""))
    return out


def article_blocks(article: dict) -> list[dict]:
    """The article as paragraphs of sentences, each sentence annotated and flagged when it is a
    check-worthy claim (with the fact-checks it matched)."""
    text = article.get("text") or ""
    sentences = article.get("claims") or []
    entities = article.get("entities") or []
    quote_texts = [q.get("quote", "") for q in article.get("quotes") or []]
    matched = {m["claim"]: m["matches"] for m in article.get("matched_claims") or []}
    if not sentences:
        return [
            {"sentences": [{"segments": annotate(p, entities, quote_texts)}]}
            for p in text.split("\n")
            if p.strip()
        ]
    blocks: list[dict] = [{"sentences": []}]
    pos = 0
    for s in sentences:
        at = text.find(s["text"], pos)
        if at >= 0:
            if "\n" in text[pos:at] and blocks[-1]["sentences"]:
                blocks.append({"sentences": []})
            pos = at + len(s["text"])
        blocks[-1]["sentences"].append(
            {
                "segments": annotate(s["text"], entities, quote_texts),
                "claim": bool(s.get("checkworthy")),
                "score": s.get("score"),
                "matches": matched.get(s["text"], []),
            }
        )
    return [b for b in blocks if b["sentences"]]
