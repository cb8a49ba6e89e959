"""Helpers shared by the benchmark scripts: machine facts, fresh stores, the datasets, output.

The benchmarks read the shared research data in place (``../shared/data``, never copied) and the
bundled demo corpus; every store they create is thrown away afterwards (a temp SQLite dir or a
dedicated PostgreSQL schema ``bench_<random>``, dropped at the end).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from minbar.config import Settings
from minbar.store.repository import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MINBAR_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAUDI_DIR = SHARED / "saudinewsnet_ar"
AZ_NER_DIR = SHARED / "az_ner_mnahmadov"
OUT_DIR = ROOT / "benchmarks" / "out"
CACHE_DIR = Path(os.environ.get("MINBAR_BENCH_CACHE", ROOT.parent / ".bench"))
PG_URL = os.environ.get("MINBAR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def machine() -> dict:
    """nproc, CPU model, RAM, load average, Python and SQLite versions, UTC date."""
    import sqlite3

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError):
        nproc = os.cpu_count()
    return {
        "nproc": nproc,
        "cpu": cpu,
        "ram_gb": ram_gb,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python " + " ".join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]]),
    }


def emit(result: dict) -> None:
    """Print the result as one JSON document on stdout."""
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def percentiles(values: list[float], points=(50, 95, 99)) -> dict:
    """Nearest-rank percentiles (``p50`` …) plus mean and max, of ``values`` (ms in, ms out)."""
    if not values:
        return {}
    ordered = sorted(values)
    out = {}
    for p in points:
        rank = max(1, -(-p * len(ordered) // 100))  # ceil(p/100 * n)
        out[f"p{p}"] = round(ordered[rank - 1], 2)
    out["mean"] = round(statistics.fmean(ordered), 2)
    out["max"] = round(ordered[-1], 2)
    out["n"] = len(ordered)
    return out


# --- stores ------------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_settings() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="minbar-bench-") as tmp:
        yield Settings(data_dir=Path(tmp) / "data", politeness_delay=0.0)


@contextlib.contextmanager
def pg_settings() -> Iterator[Settings]:
    """Settings pointing at a fresh schema ``bench_<hex>``, dropped on exit."""
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory(prefix="minbar-bench-") as tmp:
            yield Settings(data_dir=Path(tmp) / "data", database_url=url, politeness_delay=0.0)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextlib.contextmanager
def fresh_store(backend: str) -> Iterator[tuple[Store, Settings]]:
    """A migrated, empty store on ``sqlite`` or ``postgres``."""
    ctx = sqlite_settings() if backend == "sqlite" else pg_settings()
    with ctx as settings:
        store = Store.open(settings)
        try:
            yield store, settings
        finally:
            store.close()


# --- datasets ----------------------------------------------------------------------------------


def saudi_files() -> list[Path]:
    files = sorted(SAUDI_DIR.glob("*.json"))
    if not files:
        sys.exit(f"SaudiNewsNet not found under {SAUDI_DIR} (set MINBAR_SHARED_DATA)")
    return files


def saudi_records() -> list[dict]:
    out: list[dict] = []
    for path in saudi_files():
        out.extend(json.loads(path.read_text(encoding="utf-8")))
    return out


def gold_roots(records: list[dict]) -> dict[str, str | None]:
    """url → root url of its gold ``copy_of`` chain (None for an original)."""
    by_url = {r["url"]: r for r in records}
    roots: dict[str, str | None] = {}
    for r in records:
        parent = r.get("copy_of")
        if not parent:
            roots[r["url"]] = None
            continue
        seen = {r["url"]}
        while by_url.get(parent, {}).get("copy_of") and parent not in seen:
            seen.add(parent)
            parent = by_url[parent]["copy_of"]
        roots[r["url"]] = parent
    return roots


def copy_link_scores(records: list[dict], predicted_root: dict[str, str | None]) -> dict:
    """Precision/recall of copy links against the gold ``copy_of`` chains.

    ``predicted_root``: url → url of the stored group root (None when the article is unlinked).
    A linked article is correct when it is a gold copy and its predicted root is the root of its
    gold chain; an unlinked gold copy is a miss; a linked gold original is a false positive.
    """
    gold = gold_roots(records)
    tp = fp = fn = wrong_root = 0
    errors = []
    for url, g in gold.items():
        p = predicted_root.get(url)
        if p is not None and g is not None and p == g:
            tp += 1
        elif p is not None:
            fp += 1
            wrong_root += g is not None
            errors.append({"url": url, "gold_root": g, "predicted_root": p})
            fn += g is not None  # a copy linked to the wrong root is also a missed correct link
        elif g is not None:
            fn += 1
            errors.append({"url": url, "gold_root": g, "predicted_root": None})
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "gold_copies": sum(g is not None for g in gold.values()),
        "linked": tp + fp,
        "correct": tp,
        "false_positive": fp,
        "wrong_root": wrong_root,
        "missed": fn - wrong_root,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "errors": errors,
    }
