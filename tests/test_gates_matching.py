"""Quality gate for cross-lingual fact-check matching (floors = measured values, rounded down).

Runs the test half of benchmarks/data/xling_claims.json against the bundled fact-checks: the
restatements of the odd-numbered fact-check groups (76, each in a language other than the
fact-check's; no claim of the test half is seen in training) and the 15 odd-numbered unrelated or
topical near-miss texts. The re-ranker is trained on the even groups only
(benchmarks/train_reranker.py). Measured with the shipped re-ranker on 2026-12-06: acc@1 0.921,
3/15 false matches (docs/round2/engine-quality.md); with the argument veto (numbers or named entities
that disagree, chosen on the dev halves by helper K): acc@1 0.842, 2/15 false matches
(docs/round2/matching.md). Third session (2026-12-06, same day): same-language pairs get their
own re-ranker and only entities that must agree (listed ones, short unlisted organisations and
places) can veto — chosen on dev (benchmarks/rerank_dev.py); test half run once: acc@1 0.882
(67/76), 1/15 false matches. Lowering a floor needs a reason in the commit message.

The near-miss DEV set (benchmarks/data/nearmiss_dev.json) is a regression floor, not a held-out
number: the veto was chosen on it.
"""

from __future__ import annotations

import json
from pathlib import Path

from minbar import demo
from minbar.config import Settings
from minbar.ingest.claimreview import FactCheckIn
from minbar.matching.factchecks import import_factchecks
from minbar.matching.match import Matcher
from minbar.store.factchecks import add_factchecks
from minbar.store.repository import Store

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "xling_claims.json"
NEARMISS = DATA.parent / "nearmiss_dev.json"
ACC_FLOOR = 0.88  # measured 0.882 (67/76)
MAX_FALSE = 1  # measured 1 of 15
NEARMISS_MAX_FALSE = 18  # measured 18 of 30 (dev set: a regression floor, not a held-out number)


def split_of(query: dict) -> str:
    """As benchmarks/match_xling.py: by fact-check group, unrelated queries by id."""
    key = query["group"] or query["id"]
    return "dev" if int(key[1:]) % 2 == 0 else "test"


def test_cross_lingual_matching_floor(tmp_path) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    group_of = {u: g["id"] for g in data["groups"] for u in g["factchecks"]}
    queries = [q for q in data["queries"] if split_of(q) == "test"]
    settings = Settings(data_dir=tmp_path)
    store = Store.open(settings)
    import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
    results = Matcher(store.engine).match_many(
        [q["text"] for q in queries], [q["lang"] for q in queries], limit=1
    )
    ok = false = related = 0
    for q, found in zip(queries, results, strict=True):
        if q["group"] is None:
            false += bool(found)
        else:
            related += 1
            ok += bool(found) and group_of[found[0].url] == q["group"]
    assert ok / related >= ACC_FLOOR, f"acc@1 {ok / related:.3f} under the floor {ACC_FLOOR}"
    assert false <= MAX_FALSE, f"{false} unrelated texts matched (at most {MAX_FALSE})"


def test_nearmiss_dev_regression_floor(tmp_path) -> None:
    data = json.loads(NEARMISS.read_text(encoding="utf-8"))
    settings = Settings(data_dir=tmp_path)
    store = Store.open(settings)
    import_factchecks(store, [str(p) for p in demo.factcheck_files()], settings)
    matcher = Matcher(store.engine)
    claims = [f["claim"] for f in data["factchecks"]]
    add_factchecks(
        store.engine,
        [FactCheckIn(url=f["url"], claim=f["claim"], lang=f["lang"]) for f in data["factchecks"]],
        matcher.embedder.passages(claims),
        matcher.embedder.sparse(claims),
    )
    matcher.refresh()
    url_of = {f["id"]: f["url"] for f in data["factchecks"]}
    queries = data["queries"]
    results = matcher.match_many([q["text"] for q in queries], [q["lang"] for q in queries], 1)
    false = [
        q["id"] for q, found in zip(queries, results, strict=True) if not q["target"] and found
    ]
    missed = [
        q["id"]
        for q, found in zip(queries, results, strict=True)
        if q["target"] and not (found and found[0].url == url_of[q["target"]])
    ]
    assert not missed, f"restatements of the extra fact-check missed: {missed}"
    assert len(false) <= NEARMISS_MAX_FALSE, f"{len(false)} near-misses matched: {false}"
