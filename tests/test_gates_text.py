"""Quality gates for the text layer on data nobody tuned on (floors = measured, rounded down).

* Turkish/Azerbaijani suffix handling: the test half of benchmarks/data/inflections_az_tr.json
  (the list was written before the stripper; the stripper was tuned on the dev half only). A
  search for the base form must find a document holding only the inflected form.
  Measured 2026-12-06: test 111/111 linked, 1/12 distinct-word pairs merged (docs/round2/engine-quality.md).
* Language ID of Azerbaijani typed without ə: az_ner_mnahmadov *test* sentences with ə → e
  (the spelling cues were tuned on its train sentences): 0.980. Turkish that must stay Turkish:
  CheckThat! 2021 1A Turkish *test* tweets 0.997, Turkish SemEval-2022 news texts 0.987.

* People across scripts: benchmarks/data/names_xscript.json (66 people in az/en Latin, Russian
  Cyrillic and Arabic, written before the key changes; rules tuned on the dev half): all four
  spellings of a test-half person get one entity key: 23/33 = 0.697 (target 0.90, unmet;
  measured once after tuning on dev + the second dev list names_xscript_dev2.json); 0 of 20
  near-name pairs of different people share a key.

The shared data is read from ../shared/data (MINBAR_SHARED_DATA); a missing file FAILS the gate.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest

from minbar.text.language import detect_language
from minbar.text.normalize import doc_stems, light_tokens, query_stems

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MINBAR_SHARED_DATA", ROOT.parent / "shared" / "data"))
INFLECTIONS = ROOT / "benchmarks" / "data" / "inflections_az_tr.json"

SUFFIX_LINKED_FLOOR = 0.97  # measured 1.000 (111/111) on the test half
SUFFIX_MAX_MERGES = 1  # measured 1 of 12 test pairs (Gəncə / gənclər)
AZ_NO_SCHWA_FLOOR = 0.97  # measured 0.980 (147/150)
TR_TWEETS_FLOOR = 0.99  # measured 0.997 (1010/1013)
TR_NEWS_FLOOR = 0.98  # measured 0.987 (384/389)
NAMES_LINKED_FLOOR = 0.687  # measured 0.697 (23/33) on the test half
NAMES_MAX_MERGES = 0  # measured 0 of 20


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"evaluation data missing: {path} (set MINBAR_SHARED_DATA)")
    return path


def _finds(query: str, doc: str, lang: str) -> bool:
    q, d = light_tokens(query)[0], light_tokens(doc)[0]
    return bool(set(query_stems(q, lang)) & set(doc_stems(d, lang)))


def test_gate_tr_az_inflected_forms_test_half() -> None:
    data = json.loads(INFLECTIONS.read_text(encoding="utf-8"))
    pos = [p for p in data["positive"] if p["split"] == "test"]
    neg = [p for p in data["negative"] if p["split"] == "test"]
    assert len(pos) >= 100 and len(neg) >= 10
    missed = [(p["base"], p["form"]) for p in pos if not _finds(p["base"], p["form"], p["lang"])]
    merged = [
        (p["a"], p["b"])
        for p in neg
        if _finds(p["a"], p["b"], p["lang"]) or _finds(p["b"], p["a"], p["lang"])
    ]
    assert 1 - len(missed) / len(pos) >= SUFFIX_LINKED_FLOOR, missed
    assert len(merged) <= SUFFIX_MAX_MERGES, merged


def _accuracy(texts: list[str], gold: str) -> tuple[float, list]:
    got = [detect_language(t) for t in texts]
    wrong = [(g, t[:80]) for g, t in zip(got, texts, strict=True) if g != gold]
    return 1 - len(wrong) / len(texts), wrong


def _detok(line: str) -> str:
    line = re.sub(r"([(\[«])\s+", r"\1", re.sub(r"\s+([,.;:!?%)\]»])", r"\1", line.strip()))
    return re.sub(r"\s*-\s*(?=c[iüu]|c[ıi])", "-", line)


def test_gate_azerbaijani_without_schwa_az_ner_test() -> None:
    path = _require(SHARED / "az_ner_mnahmadov" / "test-sents.txt")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = [_detok(line).translate(str.maketrans({"ə": "e", "Ə": "E"})) for line in lines]
    acc, wrong = _accuracy(texts, "az")
    assert len(texts) >= 149
    assert acc >= AZ_NO_SCHWA_FLOOR, (acc, wrong)


def test_gate_turkish_stays_turkish() -> None:
    path = _require(
        SHARED / "checkthat2021_task1a" / "turkish" / "dataset_test_v1_turkish_labels.tsv"
    )
    with open(path, encoding="utf-8") as fh:
        tweets = [r["tweet_text"] for r in csv.DictReader(fh, delimiter="\t")]
    acc, wrong = _accuracy(tweets, "tr")
    assert acc >= TR_TWEETS_FLOOR, (acc, wrong)
    csv.field_size_limit(10**9)
    news: list[str] = []
    for p in sorted(_require(SHARED / "semeval2022_task8" / "hfl_sample_texts").glob("*")):
        with open(p, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                news += [r[f"text{k}"][:600] for k in (1, 2) if r.get(f"lang{k}") == "tr"]
    news = list(dict.fromkeys(news))
    acc, wrong = _accuracy(news, "tr")
    assert len(news) >= 380
    assert acc >= TR_NEWS_FLOOR, (acc, wrong)


def test_gate_people_across_scripts() -> None:
    from minbar.analysis.entities import get_recognizer

    data = json.loads((ROOT / "benchmarks" / "data" / "names_xscript.json").read_text("utf-8"))
    rec = get_recognizer()

    def key(text: str, lang: str) -> str | None:
        m = rec.resolve(text, lang)
        return m.key if m else None

    test = [n for n in data["names"] if n["split"] == "test"]
    linked = 0
    for n in test:
        keys = {key(t, lang) for t, lang in n["spellings"]}
        linked += None not in keys and len(keys) == 1
    merges = [(a, b) for a, b in data["near"] if key(*a) is not None and key(*a) == key(*b)]
    assert len(test) >= 30
    assert linked / len(test) >= NAMES_LINKED_FLOOR, linked
    assert len(merges) <= NAMES_MAX_MERGES, merges
