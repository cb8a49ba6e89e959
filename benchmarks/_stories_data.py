"""The annotated story set and its cached article vectors (shared by the benchmark and the gate).

The set is the bundled demo corpus (168 articles, 16 events, gold ``event``) plus
``benchmarks/data/stories_events.jsonl`` (written for minbar: 15 more events, several of them
near-misses of demo events, and singletons). Events are split by the parity of their number:
odd = dev (tuning), even = test (reporting).

Vectors are e5 passages of title + lead, exactly as ``minbar enrich`` computes them, cached by
the passage's SHA-1 so a rerun (or the gate test) embeds nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from minbar import demo
from minbar.analysis.article_vectors import article_passage
from minbar.stories.clustering import Item
from minbar.stories.features import article_text, fallback_keys, numbers
from minbar.text.dates import parse_datetime

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ROOT / "benchmarks" / "data" / "stories_events.jsonl"
NER_FAILURES: list[str] = []
CACHE = Path(os.environ.get("MINBAR_BENCH_CACHE", ROOT.parent / ".bench")) / "stories"


def load_records() -> list[dict]:
    """Demo articles + the extra annotated articles, each with ``event`` and ``split``."""
    extra = [json.loads(line) for line in EXTRA.read_text(encoding="utf-8").splitlines() if line]
    out = []
    for n, r in enumerate(demo.load_articles() + extra):
        num = int(re.search(r"(\d+)$", r["event"]).group(1))
        out.append({**r, "idx": n, "split": "dev" if num % 2 else "test"})
    return out


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cached_vectors(passages: list[str], name: str, embed: bool = True) -> np.ndarray | None:
    """Vectors of ``passages`` from ``CACHE/name.npz`` (keyed by SHA-1); missing ones are
    embedded and the cache rewritten, unless ``embed`` is False (then None when any miss)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npz"
    known: dict[str, np.ndarray] = {}
    if path.exists():
        data = np.load(path)
        known = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))
    keys = [_sha(p) for p in passages]
    missing = sorted({k: p for k, p in zip(keys, passages, strict=True) if k not in known}.items())
    if missing:
        if not embed:
            return None
        from minbar.analysis.embeddings import get_embedder

        vecs = get_embedder().passages([p for _, p in missing])
        known.update({k: v for (k, _), v in zip(missing, vecs, strict=True)})
        np.savez(path, keys=np.array(list(known)), vecs=np.vstack(list(known.values())))
    return np.vstack([known[k] for k in keys]).astype(np.float32)


def entity_keys_fn(fallback: bool = False):
    """(name, fn(text, lang) -> frozenset of keys): the entity stage when it is installed,
    else (or when ``fallback``) the fallback of :mod:`minbar.stories.features`."""
    try:
        if fallback:
            raise ImportError
        from minbar.analysis.entities import get_recognizer

        rec = get_recognizer()

        def ner(text: str, lang: str | None) -> frozenset[str]:
            try:
                return frozenset(m.key for m in rec.extract(text, lang))
            except Exception:  # the entity stage is young: count it, fall back, go on
                NER_FAILURES.append(text[:80])
                return fallback_keys(text)

        return "minbar.analysis.entities", ner
    except ImportError:
        return "fallback (capitalised words)", lambda text, lang: fallback_keys(text)


def build_items(records: list[dict], embed: bool = True, keys_fn=None) -> list[Item] | None:
    vecs = cached_vectors(
        [article_passage(r["title"], r["text"]) for r in records], "articles", embed
    )
    if vecs is None:
        return None
    keys_fn = keys_fn or entity_keys_fn()[1]
    items = []
    for r, v in zip(records, vecs, strict=True):
        text = article_text(r["title"], r["text"])
        items.append(
            Item(
                id=r["idx"],
                vec=v,
                t=parse_datetime(r["published"]).timestamp() / 3600.0,
                lang=r["lang"],
                title=r["title"],
                keys=keys_fn(text, r["lang"]),
                numbers=numbers(text),
            )
        )
    return items


def bcubed(pred: dict[int, int], gold: dict[int, str], subset: set[int] | None = None) -> dict:
    """B-cubed precision/recall/F1 over the items in ``subset`` (clusters restricted to it)."""
    ids = [i for i in gold if subset is None or i in subset]
    by_pred: dict[int, set[int]] = {}
    by_gold: dict[str, set[int]] = {}
    for i in ids:
        by_pred.setdefault(pred[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    p = r = 0.0
    for i in ids:
        both = len(by_pred[pred[i]] & by_gold[gold[i]])
        p += both / len(by_pred[pred[i]])
        r += both / len(by_gold[gold[i]])
    p, r = p / len(ids), r / len(ids)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def bcubed_mix(
    pred: dict[int, int], gold: dict[int, str], lang: dict[int, str], subset: set[int]
) -> dict:
    """B-cubed restricted to monolingual or cross-lingual links: for each item, precision over
    its cluster-mates of the same (other) language, recall over its gold-mates of the same
    (other) language; items with no such mate on a side are left out of that side's average."""
    out = {}
    for mix in ("monolingual", "cross_lingual"):
        ps, rs = [], []
        same = mix == "monolingual"
        for i in subset:
            mates = [j for j in subset if j != i and (lang[j] == lang[i]) == same]
            cl = [j for j in mates if pred[j] == pred[i]]
            gl = [j for j in mates if gold[j] == gold[i]]
            if cl:
                ps.append(sum(gold[j] == gold[i] for j in cl) / len(cl))
            if gl:
                rs.append(sum(pred[j] == pred[i] for j in gl) / len(gl))
        p = sum(ps) / len(ps) if ps else 1.0
        r = sum(rs) / len(rs) if rs else 1.0
        out[mix] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        }
    return out
