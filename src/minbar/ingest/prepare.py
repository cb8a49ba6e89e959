"""ArticleIn → Prepared: everything computed before a row is written (pure, no database).

Normalised and stemmed search keys, language, content hash, MinHash signature and LSH bands. Runs
on a batch so language detection can use lingua's parallel mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from minbar.ingest.errors import ParseError
from minbar.models import ArticleIn
from minbar.text import dedup
from minbar.text.language import detect_languages
from minbar.text.normalize import stem_key, tokens


@dataclass
class Prepared:
    url: str
    canonical_url: str
    title: str
    text: str
    published: datetime | None
    source: str | None
    lang: str | None
    lang_source: str | None
    norm: str
    stem: str
    content_hash: str
    signature: np.ndarray
    bands: list[int]
    word_count: int


def check_article(art: ArticleIn, max_text_chars: int, input_name: str) -> None:
    """Refuse articles no reader could use; the error names the article."""
    where = f"{input_name} [{art.url}]" if art.url != input_name else input_name
    if not art.text or not art.text.strip():
        raise ParseError(where, "empty article text")
    if len(art.text) > max_text_chars:
        raise ParseError(
            where,
            f"article text is {len(art.text):,} characters, over the cap of "
            f"{max_text_chars:,} (MINBAR_MAX_TEXT_CHARS)",
        )
    if "\x00" in art.text:
        raise ParseError(where, "article text contains NUL bytes (binary content?)")


def prepare_batch(items: list[ArticleIn]) -> list[Prepared]:
    """Compute keys, language and signatures for a batch of validated articles."""
    need = [i for i, a in enumerate(items) if not a.lang]
    detected = detect_languages([f"{items[i].title}\n{items[i].text}" for i in need])
    langs: list[tuple[str | None, str | None]] = [
        (a.lang, "input" if a.lang else None) for a in items
    ]
    for i, lang in zip(need, detected, strict=True):
        langs[i] = (lang, "detected") if lang else (items[i].lang_hint, "hint")
    out = []
    for art, (lang, lang_source) in zip(items, langs, strict=True):
        body_tokens = tokens(art.text)
        title_tokens = tokens(art.title)
        norm_body = " ".join(body_tokens)
        all_tokens = title_tokens + body_tokens
        sig = dedup.signature(norm_body)
        out.append(
            Prepared(
                url=art.url,
                canonical_url=dedup.canonical_url(art.canonical_url or art.url),
                title=art.title,
                text=art.text,
                published=art.published,
                source=art.source,
                lang=lang,
                lang_source=lang_source if lang else None,
                norm=" ".join(all_tokens),
                stem=stem_key(f"{art.title}\n{art.text}", lang),
                content_hash=dedup.content_hash(norm_body),
                signature=sig,
                bands=dedup.band_hashes(sig),
                word_count=len(body_tokens),
            )
        )
    return out
