"""Stateless analysis of one text: sentences, entities, quotes and check-worthy claims.

``minbar analyze`` and the enrichment stage both call :func:`analyze_texts`, so a text analysed
on the command line and the same text ingested as an article give the same result. The e5
sentence vectors are computed once per batch and handed to the check-worthiness model; the caller
may keep them for fact-check matching (the most expensive part of enrichment is this one pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from minbar.analysis.claims import CheckWorthiness, get_checkworthiness
from minbar.analysis.embeddings import DIM, Embedder, get_embedder
from minbar.analysis.entities import EntityMention, EntityRecognizer, get_recognizer
from minbar.analysis.quotes import Quote, extract_quotes
from minbar.text.language import detect_languages
from minbar.text.sentences import split_sentences

#: A sentence longer than this is scored on its first characters (e5 reads ~512 tokens).
MAX_SENTENCE_CHARS = 1000
#: Sentences always embedded when a budget applies: the title and the lead.
LEAD_SENTENCES = 3
_QUOTE_MARKS = frozenset('"«»“”„')


@dataclass
class Analysis:
    """What the analysis found in one text (the ``minbar analyze`` contract object)."""

    lang: str | None
    sentences: list[str]
    entities: list[EntityMention]
    quotes: list[Quote]
    scores: np.ndarray  # check-worthiness of each sentence, in [0, 1]
    checkworthy: np.ndarray  # bool per sentence
    vectors: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, DIM)))
    speaker_keys: list[str | None] = field(default_factory=list)  # entity key per quote
    #: which sentences were embedded and scored (all, unless a budget left some out: those
    #: have score 0, are not check-worthy and their vector is zero)
    embedded: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))

    def to_dict(self) -> dict:
        return {
            "lang": self.lang,
            "sentences": self.sentences,
            "entities": [
                {"text": e.text, "type": e.type, "canonical": e.canonical} for e in self.entities
            ],
            "quotes": [q.to_dict() for q in self.quotes],
            "claims": [
                {"text": s, "score": round(float(sc), 4), "checkworthy": bool(cw)}
                for s, sc, cw in zip(self.sentences, self.scores, self.checkworthy, strict=True)
            ],
        }


def _resolve_speaker(
    recognizer: EntityRecognizer,
    speaker: str | None,
    lang: str | None,
    people: list[EntityMention],
) -> tuple[str | None, str | None]:
    """(speaker as shown, entity key): a person mentioned in the same article whose name
    contains the speaker or is contained in it wins ("فخر الدين" → "فخر الدين ألتون"), then the
    recogniser's own reading of the speaker string."""
    if not speaker:
        return speaker, None
    words = set(speaker.split())
    for m in sorted(people, key=lambda m: -len(m.text)):
        names = set(m.text.split())
        if words <= names or names <= words:
            return (m.text if len(names) > len(words) else speaker), m.key
    found = recognizer.resolve(speaker, lang)
    return speaker, (found.key if found else None)


def claim_likeness(sentence: str) -> int:
    """Cheap surface evidence that a sentence states a checkable fact: numbers, quotation."""
    return 2 * any(c.isdigit() for c in sentence) + any(c in _QUOTE_MARKS for c in sentence)


def within_budget(sents: Sequence[str], budget: int | None) -> list[bool]:
    """Which sentences of one text to embed under a budget of ``budget`` characters: the title
    and lead first, then the most claim-like sentences (earlier first among equals); a
    sentence that does not fit is skipped for a shorter one that does."""
    sizes = [min(len(s), MAX_SENTENCE_CHARS) for s in sents]
    if budget is None or sum(sizes) <= budget:
        return [True] * len(sents)
    rest = sorted(range(LEAD_SENTENCES, len(sents)), key=lambda i: -claim_likeness(sents[i]))
    keep = [False] * len(sents)
    used = 0
    for i in [*range(min(LEAD_SENTENCES, len(sents))), *rest]:
        if used + sizes[i] <= budget or used == 0:
            keep[i] = True
            used += sizes[i]
    return keep


def analyze_texts(
    texts: Sequence[str],
    langs: Sequence[str | None] | None = None,
    *,
    titles: Sequence[str] | None = None,
    recognizer: EntityRecognizer | None = None,
    model: CheckWorthiness | None = None,
    embedder: Embedder | None = None,
    budget: int | None = None,
) -> list[Analysis]:
    """Analyse each text (one batch of sentence embeddings for all of them).

    A title, when given, is analysed as the first sentence: headlines carry claims too.
    Languages missing from ``langs`` are detected. ``budget``: characters of sentences per text
    to embed and score (title, lead, then the most claim-like; :func:`within_budget`); entities
    and quotes always read the whole text.
    """
    langs = list(langs) if langs is not None else [None] * len(texts)
    missing = [i for i, lg in enumerate(langs) if not lg]
    for i, lg in zip(missing, detect_languages([texts[i] for i in missing]), strict=True):
        langs[i] = lg
    recognizer = recognizer or get_recognizer()
    model = model or get_checkworthiness()
    embedder = embedder or get_embedder()

    heads = [" ".join((t or "").split()) for t in titles] if titles else [""] * len(texts)
    per_text: list[list[str]] = []
    for i, text in enumerate(texts):
        sents = split_sentences(text, langs[i])
        title = heads[i]
        if title and (not sents or sents[0] != title):
            sents.insert(0, title)
        per_text.append(sents)
    flat = [s[:MAX_SENTENCE_CHARS] for sents in per_text for s in sents]
    flat_langs = [langs[i] for i, sents in enumerate(per_text) for _ in sents]
    chosen = np.array([k for sents in per_text for k in within_budget(sents, budget)], dtype=bool)
    picked = [s for s, k in zip(flat, chosen, strict=True) if k]
    # Wire copies and boilerplate repeat sentences: embed each distinct sentence once.
    distinct = list(dict.fromkeys(picked))
    vec_of = dict(zip(distinct, embedder.queries(distinct), strict=True)) if distinct else {}
    zero = np.zeros(DIM, np.float32)
    vectors = (
        np.vstack([vec_of[s] if k else zero for s, k in zip(flat, chosen, strict=True)])
        if flat
        else np.zeros((0, DIM), np.float32)
    )
    scores = np.zeros(len(flat))
    flags = np.zeros(len(flat), dtype=bool)
    if picked:
        picked_langs = [lg for lg, k in zip(flat_langs, chosen, strict=True) if k]
        scores[chosen] = model.score(picked, picked_langs, vectors=vectors[chosen])
        flags[chosen] = model.checkworthy(scores[chosen])

    out: list[Analysis] = []
    pos = 0
    for i, (text, sents) in enumerate(zip(texts, per_text, strict=True)):
        n = len(sents)
        lang = langs[i]
        entities = recognizer.extract(f"{heads[i]}\n{text}" if heads[i] else text, lang)
        persons = [e for e in entities if e.type == "PER"]
        # Names as written in this article (the quote stage resolves "Öztürk" → "Ali Öztürk").
        quotes = extract_quotes(sents, lang, list(dict.fromkeys(e.text for e in persons)))
        keys = []
        for q in quotes:
            q.speaker, key = _resolve_speaker(recognizer, q.speaker, lang, persons)
            keys.append(key)
        out.append(
            Analysis(
                lang=lang,
                sentences=sents,
                entities=entities,
                quotes=quotes,
                scores=scores[pos : pos + n],
                checkworthy=flags[pos : pos + n],
                vectors=vectors[pos : pos + n],
                speaker_keys=keys,
                embedded=chosen[pos : pos + n],
            )
        )
        pos += n
    return out


def analyze_text(text: str, lang: str | None = None, **kwargs) -> Analysis:
    return analyze_texts([text], [lang], **kwargs)[0]
