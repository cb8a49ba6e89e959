"""Ingest → indexed throughput on SaudiNewsNet (6,010 Arabic articles, 4 daily JSON files).

Pass 1 (end to end): ``minbar.ingest.pipeline.ingest`` on the four files into a fresh store, the
way ``minbar ingest`` runs (records carry no ``lang``, so every article goes through language
detection). Pass 2 (stage breakdown, on another fresh store): the same stages called directly
on the same records: read+parse the files, ``check_article``, ``prepare_batch`` (language ID,
normalisation, stems, MinHash, bands) and ``Store.add_articles`` (dedup lookups, inserts, FTS),
in batches of ``pipeline.BATCH``. Language detection alone is timed a third time by calling
``detect_languages`` on the same texts.

lingua's models are loaded once before anything is timed (reported as ``model_load_s``), so the
rates are those of a warm worker; a cold one-shot ``minbar ingest`` adds the load time.

    python benchmarks/ingest_throughput.py [--backends sqlite,postgres] [--files N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Timer, emit, fresh_store, machine, saudi_files  # noqa: E402

from minbar.ingest import pipeline  # noqa: E402
from minbar.ingest.errors import IngestError  # noqa: E402
from minbar.ingest.prepare import check_article, prepare_batch  # noqa: E402
from minbar.models import IngestReport  # noqa: E402
from minbar.text import language  # noqa: E402

TARGET_SQLITE = 300.0  # articles/s


def end_to_end(backend: str, files: list[Path]) -> dict:
    with fresh_store(backend) as (store, settings), Timer() as t:
        report = pipeline.ingest(store, [str(f) for f in files], settings)
        summary = store.summary()
    total_in = report.ingested + report.duplicates + len(report.errors)
    empty = sum("empty" in e.error for e in report.errors)
    return {
        "seconds": round(t.seconds, 2),
        "records_in": total_in,
        "articles_per_s": round(total_in / t.seconds, 1),
        "stored_per_s": round(summary["articles"] / t.seconds, 1),
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "near_duplicates": report.near_duplicates,
        "errors": len(report.errors),
        "errors_empty_text": empty,
        "error_examples": [e.to_dict() for e in report.errors[:3]],
        "stored_articles": summary["articles"],
        "exact_copies": summary["exact_copies"],
        "url_duplicates_skipped": report.duplicates - summary["exact_copies"],
        "near_copies": summary["near_copies"],
        "copy_groups": summary["copy_groups"],
        "languages": summary["languages"],
    }


def stages(backend: str, files: list[Path]) -> dict:
    """Each stage timed on its own, same records, fresh store."""
    from minbar.config import Settings

    arts = []
    with Timer() as t_read:
        for f in files:
            loaded = pipeline.load_file(f, Settings())
            arts.extend((str(f), a) for a in loaded.articles)
    valid = []
    with Timer() as t_check:
        for name, a in arts:
            try:
                check_article(a, 200_000, name)
            except IngestError:
                continue
            valid.append(a)
    batches = [valid[i : i + pipeline.BATCH] for i in range(0, len(valid), pipeline.BATCH)]
    with Timer() as t_langid:
        for b in batches:
            language.detect_languages([f"{a.title}\n{a.text}" for a in b])
    prepared = []
    with Timer() as t_prep:
        for b in batches:
            prepared.append(prepare_batch(b))
    report = IngestReport()
    with fresh_store(backend) as (store, _settings), Timer() as t_store:
        for p in prepared:
            store.add_articles(p, report)
    n = len(valid)
    total = t_read.seconds + t_check.seconds + t_prep.seconds + t_store.seconds
    return {
        "records_read": len(arts),
        "valid": n,
        "read_parse_s": round(t_read.seconds, 2),
        "check_s": round(t_check.seconds, 3),
        "prepare_batch_s": round(t_prep.seconds, 2),
        "of_which_language_id_s (measured separately)": round(t_langid.seconds, 2),
        "add_articles_s": round(t_store.seconds, 2),
        "sum_s": round(total, 2),
        "prepare_articles_per_s": round(n / t_prep.seconds, 1),
        "language_id_articles_per_s": round(n / t_langid.seconds, 1),
        "add_articles_per_s": round(n / t_store.seconds, 1),
        "share": {
            "read_parse": round(t_read.seconds / total, 3),
            "prepare_batch": round(t_prep.seconds / total, 3),
            "add_articles": round(t_store.seconds / total, 3),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--backends", default="sqlite,postgres", help="comma list: sqlite,postgres")
    ap.add_argument("--files", type=int, default=4, help="how many daily files (1-4, default 4)")
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage second pass")
    args = ap.parse_args()
    files = saudi_files()[: args.files]
    result: dict = {"benchmark": "ingest_throughput", "machine": machine()}
    result["files"] = [f.name for f in files]
    with Timer() as t_load:
        language._detector()
    result["model_load_s"] = round(t_load.seconds, 2)
    for backend in args.backends.split(","):
        started = time.perf_counter()
        res = {"end_to_end": end_to_end(backend, files)}
        if not args.no_stages:
            res["stages"] = stages(backend, files)
        res["wall_s"] = round(time.perf_counter() - started, 1)
        result[backend] = res
    if "sqlite" in result:
        rate = result["sqlite"]["end_to_end"]["articles_per_s"]
        result["target"] = {
            "sqlite_articles_per_s": TARGET_SQLITE,
            "measured": rate,
            "met": rate >= TARGET_SQLITE,
        }
    emit(result)


if __name__ == "__main__":
    main()
