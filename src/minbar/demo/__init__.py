"""The bundled demo corpus: fictional outlets, events in five languages, wire copies, fact-checks.

Written for minbar (not copied from any outlet); see ``docs/demo-corpus.md``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from minbar.config import Settings
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
