"""Stored analysis read through the domain: quotes found by speaker, the speaker resolved by the
entity recogniser (the SQL is in :mod:`minbar.store.analysis`)."""

from __future__ import annotations

from minbar.analysis.enrich import load_entity_defs
from minbar.analysis.entities import get_recognizer
from minbar.store import analysis as db
from minbar.store.repository import Store


def list_quotes(
    store: Store, article_id: int | None = None, speaker: str | None = None, limit: int = 1000
) -> list[dict]:
    """Stored quotes (``minbar quotes``), newest articles first. ``speaker`` matches the speaker
    as written or the canonical entity it resolved to, in any script the recogniser knows."""
    keys: list[str] = []
    if speaker:
        found = get_recognizer(tuple(load_entity_defs(store))).resolve(speaker, None)
        if found:
            keys.append(found.key)
    return db.find_quotes(store, article_id, speaker, limit, speaker_keys=keys)
