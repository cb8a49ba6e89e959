"""The bundled demo corpus: fictional outlets, events in five languages, wire copies, fact-checks.

Written for minbar (not copied from any outlet); see ``docs/demo-corpus.md``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from minbar.config import Settings
from minbar.enrichment import ProgressFactory, no_progress
from minbar.ingest.pipeline import ingest
from minbar.models import IngestReport
from minbar.store.repository import Store

#: Queries shown by ``minbar demo``: one per language, typed the way a hurried reader would.
SAMPLE_QUERIES = ("زلزال", "deprem", "zelzele", "earthquake", "землетрясение")


def data_dir() -> Path:
    return Path(str(resources.files("minbar.demo") / "data"))


def article_files() -> list[Path]:
    return sorted(data_dir().glob("articles_*.jsonl"))


def factcheck_files() -> list[Path]:
    return sorted(data_dir().glob("factchecks_*.json"))


def load_articles() -> list[dict]:
    """The demo articles as plain records (with their gold ``event`` and ``copy_of``)."""
    out = []
    for path in article_files():
        with path.open(encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh if line.strip())
    return out


def load_factchecks() -> list[dict]:
    out: list[dict] = []
    for path in factcheck_files():
        out.extend(json.loads(path.read_text(encoding="utf-8")))
    return out


def load_demo(store: Store, settings: Settings, progress=None) -> IngestReport:
    """Ingest the bundled articles into ``store``."""
    return ingest(store, [str(p) for p in article_files()], settings, progress=progress)


def run_demo(store: Store, settings: Settings, progress: ProgressFactory | None = None) -> dict:
    """Everything ``minbar demo`` shows: ingest the articles, import the fact-checks, enrich
    (analysis, stories, matching of the articles' claims against the fact-checks), and
    summarise what was found."""
    from minbar.analysis.records import list_quotes
    from minbar.enrichment import enrich
    from minbar.matching.auto import list_matches
    from minbar.matching.factchecks import import_factchecks
    from minbar.store.analysis import top_entities
    from minbar.store.search import Filters
    from minbar.stories.provenance import list_stories

    with (progress or no_progress)("loading the demo corpus") as advance:
        report = load_demo(store, settings, advance)
    imported = import_factchecks(store, [str(p) for p in factcheck_files()], settings)
    enriched = enrich(store, progress=progress)
    matches = list_matches(store)
    cross = [m for m in matches if any(f["lang"] != m["lang"] for f in m["matches"])]
    return {
        "data_dir": str(settings.data_dir),
        "ingest": report.to_dict(),
        **store.summary(),
        "factchecks": imported.to_dict(),
        "enrich": enriched.to_dict(),
        "top_entities": top_entities(store, limit=8),
        "stories": len(list_stories(store, limit=100_000)),
        "top_stories": list_stories(store, sort="size", limit=5),
        "sample_quotes": _sample_quotes(list_quotes(store)),
        "matched_claims": len(matches),
        "matched_across_languages": len(cross),
        "sample_matches": (cross + [m for m in matches if m not in cross])[:6],
        "sample_search": {
            q: [h.to_dict() for h in store.search(q, Filters(limit=3))] for q in SAMPLE_QUERIES
        },
    }


def _sample_quotes(rows: list[dict]) -> list[dict]:
    """One attributed quote per language, for the demo's summary."""
    out: dict[str, dict] = {}
    for r in rows:
        if r["speaker"] and r["lang"] not in out:
            out[r["lang"]] = r
    return list(out.values())
