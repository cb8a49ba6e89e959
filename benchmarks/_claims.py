"""Shared loaders for the claim-retrieval benchmarks (CheckThat! 2021 2A English, TrClaim19)."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

SHARED = Path(
    os.environ.get("MINBAR_SHARED", Path(__file__).resolve().parents[2] / "shared" / "data")
)
CACHE = Path(os.environ.get("MINBAR_BENCH_CACHE", Path(__file__).resolve().parents[2] / ".bench"))
CT21 = SHARED / "checkthat2021_task2a" / "english"
csv.field_size_limit(sys.maxsize)

_URL = re.compile(r"(https?://\S+|pic\.twitter\.com/\S+)")


def clean_tweet(text: str) -> str:
    return " ".join(_URL.sub(" ", text).split())


def ct21_vclaims() -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with open(CT21 / "vclaims.jsonl", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            ids.append(obj["vclaim_id"])
            texts.append(obj["vclaim"] or obj["title"])
    return ids, texts


def ct21_queries(split: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(tweet id → text, tweet id → relevant vclaim ids) for train, dev or test."""
    src = CT21 / ("tweets-test.tsv" if split == "test" else "tweets-train-dev.tsv")
    texts = {}
    with open(src, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 2 and row[0].startswith("tweet-"):
                texts[row[0]] = clean_tweet(row[1])
    qrels: dict[str, set[str]] = {}
    with open(CT21 / f"qrels-{split}.tsv", encoding="utf-8") as fh:
        for line in fh:
            qid, _, vid, rel = line.split()
            if int(rel) > 0:
                qrels.setdefault(qid, set()).add(vid)
    return {q: texts[q] for q in qrels if q in texts}, qrels


def cached_passages(name: str, texts: list[str], embedder) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npy"
    if path.exists():
        arr = np.load(path)
        if len(arr) == len(texts):
            return arr
    arr = embedder.passages(texts)
    np.save(path, arr)
    return arr


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0
