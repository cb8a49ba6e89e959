"""Campaign pickup: which outlets and languages carried a committee's key messages, and how.

A key message is stored with its e5 passage vector and the hashes of its word 3-grams (on the
search key, so case and diacritics do not matter). An article carries it

* **verbatim** when most of the message's 3-grams occur in the article's full text
  (``VERBATIM_OVERLAP``): a copy, whatever the vector says;
* **translation** when the article is in another language and its vector is close
  (``PICKUP_SIMILARITY``);
* **paraphrase** when it is in the message's language, close in meaning, but not a copy.

minbar only measures: it never writes or spreads content.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from minbar.store import watch_outbound as wout
from minbar.store import watchlists as wstore
from minbar.store.repository import Store
from minbar.text.normalize import search_key
from minbar.watch.vectors import similarities

VERBATIM_OVERLAP = 0.6
PICKUP_SIMILARITY = 0.88  # e5 passage–passage cosine (translations ≈ 0.90, see H-watch.md)
PARTIAL_OVERLAP = 0.25  # a shorter overlap still counts as pickup (quoted in part)


def shingles(text: str, n: int = 3) -> set[int]:
    words = search_key(text).split()
    if len(words) < n:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i : i + n]).encode()) for i in range(len(words) - n + 1)}


def message_row(text: str, lang: str | None) -> dict:
    import json

    from minbar.analysis.embeddings import get_embedder, to_bytes
    from minbar.text.language import detect_language

    lang = lang or detect_language(text)
    vec = get_embedder().passages([text])[0]
    return {
        "text": text,
        "lang": lang,
        "vector": to_bytes(vec),
        "shingles": json.dumps(sorted(shingles(text))),
    }


def band(overlap: float, similarity: float, same_lang: bool) -> str | None:
    if overlap >= VERBATIM_OVERLAP:
        return "verbatim"
    if similarity >= PICKUP_SIMILARITY or overlap >= PARTIAL_OVERLAP:
        return "paraphrase" if same_lang else "translation"
    return None


def pickup_articles(store: Store, rows: Sequence, messages: list[dict] | None = None) -> int:
    """Record which of ``rows`` (articles, as read by evaluation) carry a key message."""
    messages = wout.campaign_messages_of(store) if messages is None else messages
    if not messages or not rows:
        return 0
    vec_ids, vecs = wstore.vectors_of(store, [r.id for r in rows])
    sims = np.zeros((len(messages), len(rows)), dtype=np.float32)
    if vec_ids:
        pos = {aid: i for i, aid in enumerate(vec_ids)}
        m = similarities(np.vstack([msg["vector"] for msg in messages]), vecs)
        for j, r in enumerate(rows):
            if r.id in pos:
                sims[:, j] = m[:, pos[r.id]]
    found = []
    for j, r in enumerate(rows):
        art = None
        for i, msg in enumerate(messages):
            if not msg["shingles"]:
                continue
            if art is None:
                words = (r.text_norm or "").split()
                art = {
                    zlib.crc32(" ".join(words[k : k + 3]).encode())
                    for k in range(max(len(words) - 2, 0))
                }
            overlap = len(msg["shingles"] & art) / len(msg["shingles"])
            kind = band(overlap, float(sims[i, j]), r.lang == msg["lang"])
            if kind:
                found.append(
                    {
                        "message_id": msg["id"],
                        "article_id": r.id,
                        "sentence": r.title,
                        "similarity": float(sims[i, j]),
                        "overlap": overlap,
                        "band": kind,
                    }
                )
    return wout.insert_pickups(store, found)


def rescan(store: Store, message: dict, since) -> int:
    """Look for a new key message in the articles stored since ``since``."""
    ids = wout.article_ids_since(store, since)
    n = 0
    for start in range(0, len(ids), 500):
        rows = wstore.articles_for_eval(store, ids[start : start + 500])
        n += pickup_articles(store, rows, [message])
    return n
