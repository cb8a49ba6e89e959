"""Copy detection quality: SPA wire republication on SaudiNewsNet, and gold links on the demo.

SaudiNewsNet (4 days, no gold): everything is ingested with ``minbar.ingest.pipeline.ingest``
into a fresh store; then, from the stored links (``duplicate_of`` always names a group root):

* ``was`` (Saudi Press Agency) articles that are the root of a copy group holding at least one
  article of another outlet, and (because SaudiNewsNet dates are crawl times, so an outlet can be
  "earlier" than the wire) groups that hold a ``was`` article and another outlet whatever the root;
* copies per outlet (all groups, and groups with a ``was`` member);
* a precision sample: ``--sample`` random linked (copy, root) pairs, fixed ``--seed``, written
  with titles and the first 200 characters side by side to ``benchmarks/out/near_dup_sample.txt``
  for a human (Arabic reader) to judge. The judgement is recorded in BENCHMARKS.md.

Demo corpus (``minbar.demo``, gold ``copy_of``): precision/recall of copy links, where a linked
article is correct when its predicted root is the root of its gold ``copy_of`` chain.

    python benchmarks/near_duplicates.py [--backend sqlite|postgres] [--sample 30] [--seed 20261128]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    OUT_DIR,
    Timer,
    copy_link_scores,
    emit,
    fresh_store,
    machine,
    saudi_files,
)
from sqlalchemy import select  # noqa: E402

from minbar.demo import article_files, load_articles  # noqa: E402
from minbar.ingest.pipeline import ingest  # noqa: E402
from minbar.store.schema import articles, sources  # noqa: E402

WIRE = "was"


def stored_rows(store) -> dict[int, dict]:
    stmt = select(
        articles.c.id,
        articles.c.url,
        articles.c.title,
        articles.c.text,
        articles.c.duplicate_of,
        articles.c.dup_kind,
        articles.c.dup_similarity,
        sources.c.name.label("source"),
    ).select_from(articles.outerjoin(sources, sources.c.id == articles.c.source_id))
    with store.engine.connect() as conn:
        return {r.id: dict(r._mapping) for r in conn.execute(stmt)}


def roots_of(rows: dict[int, dict]) -> tuple[dict[int, int], int]:
    """id → group root (following links; they should be one hop) and the deepest chain seen."""
    root: dict[int, int] = {}
    deepest = 0
    for aid in rows:
        cur, depth = aid, 0
        while rows[cur]["duplicate_of"] is not None and depth < 50:
            cur = rows[cur]["duplicate_of"]
            depth += 1
        root[aid] = cur
        deepest = max(deepest, depth)
    return root, deepest


def clip(s: str, n: int) -> str:
    return " ".join((s or "").split())[:n]


def saudi(backend: str, sample: int, seed: int) -> dict:
    with fresh_store(backend) as (store, settings), Timer() as t:
        report = ingest(store, [str(f) for f in saudi_files()], settings)
        rows = stored_rows(store)
    root, deepest = roots_of(rows)
    groups: dict[int, list[int]] = defaultdict(list)
    for aid, r in root.items():
        groups[r].append(aid)
    groups = {r: m for r, m in groups.items() if len(m) > 1}

    def src(aid):
        return rows[aid]["source"]

    was_roots = [r for r, m in groups.items() if src(r) == WIRE and any(src(a) != WIRE for a in m)]
    mixed = [
        r
        for r, m in groups.items()
        if any(src(a) == WIRE for a in m) and any(src(a) != WIRE for a in m)
    ]
    copies = sorted(a for a in rows if rows[a]["duplicate_of"] is not None)  # same on every backend
    per_outlet = Counter(src(a) for a in copies)
    per_outlet_was_root = Counter(src(a) for a in copies if src(root[a]) == WIRE and src(a) != WIRE)
    per_outlet_wire_group = Counter(src(a) for r in mixed for a in groups[r] if src(a) != WIRE)
    was_total = sum(1 for r in rows.values() if r["source"] == WIRE)
    was_in_mixed = sum(1 for r in mixed for a in groups[r] if src(a) == WIRE)

    rng = random.Random(seed)
    picked = rng.sample(copies, min(sample, len(copies)))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / "near_dup_sample.txt"
    with out.open("w", encoding="utf-8") as fh:
        fh.write(f"# {len(picked)} random linked (copy, root) pairs, seed {seed}\n\n")
        for n, aid in enumerate(picked, 1):
            c, r = rows[aid], rows[root[aid]]
            fh.write(
                f"=== {n}. {c['dup_kind']} sim={c['dup_similarity']:.2f}  "
                f"copy #{aid} [{c['source']}]  root #{r['id']} [{r['source']}]\n"
                f"COPY  title: {clip(c['title'], 200)}\n"
                f"ROOT  title: {clip(r['title'], 200)}\n"
                f"COPY  text : {clip(c['text'], 200)}\n"
                f"ROOT  text : {clip(r['text'], 200)}\n\n"
            )
    sims = sorted(rows[a]["dup_similarity"] or 0 for a in copies)
    return {
        "ingest_s": round(t.seconds, 1),
        "stored": len(rows),
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "near_duplicates": report.near_duplicates,
        "errors": len(report.errors),
        "linked_copies": len(copies),
        "copy_kinds": dict(Counter(rows[a]["dup_kind"] for a in copies)),
        "copy_groups": len(groups),
        "largest_group": max((len(m) for m in groups.values()), default=0),
        "deepest_link_chain": deepest,
        "was_articles": was_total,
        "was_roots_with_other_outlet_copies": len(was_roots),
        "groups_with_was_and_other_outlet": len(mixed),
        "was_articles_in_such_groups": was_in_mixed,
        "copies_per_outlet_all_groups": dict(per_outlet.most_common()),
        "copies_per_outlet_of_was_roots": dict(per_outlet_was_root.most_common()),
        "non_was_members_of_groups_with_was": dict(per_outlet_wire_group.most_common()),
        "similarity_of_links": {
            "min": round(sims[0], 3) if sims else None,
            "median": round(sims[len(sims) // 2], 3) if sims else None,
            "share_below_0.6": round(sum(s < 0.6 for s in sims) / len(sims), 3) if sims else None,
        },
        "sample_file": str(out.relative_to(OUT_DIR.parents[1])),
        "sample_ids": [(a, root[a]) for a in picked],
    }


def demo(backend: str) -> dict:
    records = load_articles()
    with fresh_store(backend) as (store, settings):
        report = ingest(store, [str(p) for p in article_files()], settings)
        rows = stored_rows(store)
    root, deepest = roots_of(rows)
    by_id_url = {aid: r["url"] for aid, r in rows.items()}
    predicted = {
        r["url"]: (by_id_url[root[aid]] if r["duplicate_of"] is not None else None)
        for aid, r in rows.items()
    }
    scores = copy_link_scores(records, predicted)
    scores["deepest_link_chain"] = deepest
    scores["ingest_report"] = {k: v for k, v in report.to_dict().items() if k != "errors"} | {
        "errors": len(report.errors)
    }
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--sample", type=int, default=30, help="linked pairs to sample (default 30)")
    ap.add_argument("--seed", type=int, default=20261128, help="sampling seed")
    args = ap.parse_args()
    emit(
        {
            "benchmark": "near_duplicates",
            "machine": machine(),
            "backend": args.backend,
            "saudinewsnet": saudi(args.backend, args.sample, args.seed),
            "demo": demo(args.backend),
        }
    )


if __name__ == "__main__":
    main()
