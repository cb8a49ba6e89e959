"""Check-worthiness data for train_checkworthiness.py and checkworthiness.py.

Reads CheckThat! 2020 (en), 2021 Task 1A (ar/tr/en), 2022 Task 1A/1B (ar/tr/en) and TrClaim-19
(tr) in place from ``../shared/data`` (research-only, never copied). The sets reuse each other's
tweets - the CT22 English *train* contains CT21 English *test* tweets, CT21 Turkish train/dev are
TrClaim-19, CT20 English test is CT21 English dev - so every tweet is keyed by its id *and* by its
cleaned text and given the strictest role any copy has: ``test`` > ``dev`` > ``train``. Training
reads only ``train`` rows, model selection and calibration only ``dev`` rows, so no reported test
number was seen in training.

Embeddings (e5 query vectors of the *cleaned* text) are cached under
``$MINBAR_BENCH_CACHE/cw/`` (default /work/.bench/cw); embedding all ~17k distinct tweets takes
~7 min on 2 cores, once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import CACHE_DIR, SHARED

from minbar.analysis.claims import clean_text

CW_CACHE = CACHE_DIR / "cw"
ROLE_RANK = {"train": 0, "dev": 1, "test": 2}
LANGS = ("ar", "tr", "en")


@dataclass
class Row:
    text: str  # raw tweet
    clean: str  # clean_text(text): what is embedded
    lang: str
    label: int  # check-worthy (1A) or verifiable claim (1B)
    task: str  # "cw" or "claim"
    source: str  # e.g. "ct21/ar/test"
    tweet_id: str | None


def text_key(clean: str) -> str:
    """Duplicate key: lower-cased letters and digits only, first 150 characters (copies differ in
    truncation, spacing and punctuation)."""
    return re.sub(r"[\W_]+", "", clean.lower())[:150]


def _tsv(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").split("\n")
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"), strict=False)) for line in lines[1:] if line.strip()]


def _rows(path: Path, lang: str, source: str, label_col: str | None, task: str = "cw"):
    out = []
    for rec in _tsv(path):
        label = rec.get(label_col) if label_col else None
        if label_col is None:
            label = next(
                (
                    rec[c]
                    for c in ("claim_worthiness", "check_worthiness", "class_label")
                    if c in rec
                ),
                None,
            )
        text = rec.get("tweet_text") or rec.get("tweet") or ""
        out.append(
            Row(text, clean_text(text), lang, int(float(label)), task, source, rec.get("tweet_id"))
        )
    return out


def load_all() -> list[Row]:
    """Every labelled row of every set, with its own split in ``source`` (``…/train|dev|test``)."""
    c21, c22, c20 = (
        SHARED / "checkthat2021_task1a",
        SHARED / "checkthat2022_task1",
        SHARED / "checkthat2020_task1_en",
    )
    rows: list[Row] = []
    ct21 = {
        "ar": ("arabic/CT21-AR-{}-T1-Labels.tsv", {"train": "Train", "dev": "Dev", "test": "Test"}),
        "tr": (
            "turkish/dataset_{}_turkish.tsv",
            {"train": "train_v1", "dev": "dev_v1", "test": "test_v1"},
        ),
        "en": (
            "english/dataset_{}_english.tsv",
            {"train": "train_v1", "dev": "dev_v1", "test": "test"},
        ),
    }
    for lang, (pattern, splits) in ct21.items():
        for split, name in splits.items():
            path = c21 / pattern.format(name)
            if lang == "tr" and split == "test":
                path = c21 / "turkish/dataset_test_v1_turkish_labels.tsv"
            rows += _rows(path, lang, f"ct21/{lang}/{split}", None)
    names = {"ar": "arabic", "tr": "turkish", "en": "english"}
    for lang, name in names.items():
        for split in ("train", "dev", "dev_test"):
            role = "test" if split == "dev_test" else split
            rows += _rows(
                c22 / name / f"CT22_{name}_1A_checkworthy_{split}.tsv",
                lang,
                f"ct22/{lang}/{role}",
                "class_label",
            )
            rows += _rows(
                c22 / name / f"CT22_{name}_1B_claim_{split}.tsv",
                lang,
                f"ct22b/{lang}/{role}",
                "class_label",
                task="claim",
            )
    # CT20 English test-gold is the CT21 English dev set (same tweets): not loaded, so those
    # tweets keep their CT21 role (dev) instead of removing English dev altogether.
    for split, fname in (("train", "training_v2.tsv"), ("dev", "dev_v2.tsv")):
        rows += _rows(c20 / fname, "en", f"ct20/en/{split}", None)
    rows += _rows(
        SHARED / "trclaim19" / "trclaim19_v1_1.csv", "tr", "trclaim19/tr/train", "check_worthiness"
    )
    # CT22 unlabelled test tweets: never trained on, even though we cannot score them.
    for lang, name in names.items():
        for rec in _tsv(c22 / name / f"CT22_{name}_1A_checkworthy_test.tsv"):
            rows.append(
                Row(
                    rec["tweet_text"],
                    clean_text(rec["tweet_text"]),
                    lang,
                    -1,
                    "none",
                    f"ct22u/{lang}/test",
                    rec["tweet_id"],
                )
            )
    return rows


def assign_roles(rows: list[Row], with_groups: bool = False):
    """The strictest role of any copy of each row (same tweet id or same text key); with
    ``with_groups`` also each row's duplicate-group number."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    keys = []
    for r in rows:
        tk = "t:" + text_key(r.clean)
        find(tk)
        if r.tweet_id:
            union("i:" + r.tweet_id.strip(), tk)
        keys.append(tk)
    strictest: dict[str, int] = {}
    for r, k in zip(rows, keys, strict=True):
        root, rank = find(k), ROLE_RANK[r.source.rsplit("/", 1)[1]]
        strictest[root] = max(strictest.get(root, 0), rank)
    names = {v: k for k, v in ROLE_RANK.items()}
    roles = [names[strictest[find(k)]] for k in keys]
    if not with_groups:
        return roles
    number: dict[str, int] = {}
    groups = [number.setdefault(find(k), len(number)) for k in keys]
    return roles, groups


def vectors_for(texts: list[str]) -> np.ndarray:
    """e5 query vectors of ``texts``, cached by text hash under CW_CACHE (computed on a miss)."""
    CW_CACHE.mkdir(parents=True, exist_ok=True)
    store = CW_CACHE / "vectors.npz"
    cache: dict[str, np.ndarray] = {}
    if store.exists():
        data = np.load(store)
        cache = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))
    digest = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = sorted({d: t for d, t in zip(digest, texts, strict=True) if d not in cache}.items())
    if missing:
        from minbar.analysis.embeddings import get_embedder

        emb = get_embedder()
        for start in range(0, len(missing), 1024):
            part = missing[start : start + 1024]
            vecs = emb.queries([t for _, t in part])
            cache.update(zip([d for d, _ in part], vecs, strict=True))
            keys = list(cache)
            np.savez(store, keys=np.array(keys), vecs=np.stack([cache[k] for k in keys]))
            print(f"embedded {start + len(part)}/{len(missing)}", flush=True)
    return np.stack([cache[d] for d in digest]).astype(np.float32)


def needed(rows: list[Row], roles: list[str]) -> list[int]:
    """Indices of the rows the benchmarks use: all train/dev rows, and the test rows of the two
    reported sets (CT21 1A test, CT22 1A dev_test)."""
    return [
        i
        for i, (r, role) in enumerate(zip(rows, roles, strict=True))
        if role != "test"
        or r.source in {f"ct21/{lg}/test" for lg in LANGS} | {f"ct22/{lg}/test" for lg in LANGS}
    ]
