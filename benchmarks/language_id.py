"""Language identification accuracy and speed of ``minbar.text.language.detect_language``.

(a) demo corpus articles (title + text, gold ``lang``); (b) sentences of the demo texts (split on
. ! ? ؟, kept when ≥ ``--min-chars`` characters), per language; (c) the Azerbaijani trap: the az
demo sentences with ə→e / Ə→E (how az is typed without an az keyboard), and the 149 test
sentences of az_ner_mnahmadov (tokenised text, lightly detokenised here) with and without that
replacement; (d) Turkish that must stay Turkish (the Azerbaijani spelling cues must not take
it): CheckThat! 2021 1A Turkish test tweets and the Turkish SemEval-2022 Task 8 news texts.
For every set: accuracy per language and what the errors were detected as
(``none`` = too little text to tell). Throughput is sentences/s of the single-text call
(``detect_language`` in a loop) and of the batch call (``detect_languages``), after the models are
loaded (load time reported separately).

    python benchmarks/language_id.py [--min-chars 20]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import AZ_NER_DIR, SHARED, Timer, emit, machine  # noqa: E402

from minbar.demo import load_articles  # noqa: E402
from minbar.text import language  # noqa: E402
from minbar.text.language import detect_language, detect_languages  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
NO_SCHWA = str.maketrans({"ə": "e", "Ə": "E"})
_DETOK_BEFORE = re.compile(r"\s+([,.;:!?%)\]»])")
_DETOK_AFTER = re.compile(r"([(\[«])\s+")


def sentences(text: str, min_chars: int) -> list[str]:
    out = []
    for para in text.split("\n"):
        out.extend(s.strip() for s in SENTENCE_END.split(para) if len(s.strip()) >= min_chars)
    return out


def detokenize(line: str) -> str:
    line = _DETOK_AFTER.sub(r"\1", _DETOK_BEFORE.sub(r"\1", line.strip()))
    return re.sub(r"\s*-\s*(?=c[iüu]|c[ıi])", "-", line)  # "1944 - cü" → "1944-cü"


def evaluate(items: list[tuple[str, str]], keep_errors: int = 5) -> dict:
    """items: (gold, text) → per-language accuracy and confusions."""
    per: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list] = defaultdict(list)
    for gold, text in items:
        got = detect_language(text) or "none"
        per[gold][got] += 1
        if got != gold and len(examples[gold]) < keep_errors:
            examples[gold].append({"detected": got, "text": text[:120]})
    out: dict = {}
    total = correct = 0
    for lang in sorted(per):
        c = per[lang]
        n = sum(c.values())
        ok = c[lang]
        total += n
        correct += ok
        out[lang] = {
            "n": n,
            "correct": ok,
            "accuracy": round(ok / n, 4),
            "confused_with": {k: v for k, v in c.most_common() if k != lang},
        }
        if examples[lang]:
            out[lang]["error_examples"] = examples[lang]
    out["all"] = {"n": total, "correct": correct, "accuracy": round(correct / total, 4)}
    return out


def throughput(texts: list[str]) -> dict:
    with Timer() as single:
        for t in texts:
            detect_language(t)
    with Timer() as batch:
        detect_languages(texts)
    return {
        "n": len(texts),
        "single_call_per_s": round(len(texts) / single.seconds, 1),
        "batch_call_per_s": round(len(texts) / batch.seconds, 1),
    }


def az_ner_sentences() -> list[str]:
    path = AZ_NER_DIR / "test-sents.txt"
    if not path.exists():
        sys.exit(f"{path} not found (set MINBAR_SHARED_DATA)")
    return [detokenize(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def tr_tweets() -> list[str]:
    """CheckThat! 2021 1A Turkish test tweets: Turkish that must stay Turkish."""
    import csv

    path = SHARED / "checkthat2021_task1a" / "turkish" / "dataset_test_v1_turkish_labels.tsv"
    with open(path, encoding="utf-8") as fh:
        return [r["tweet_text"] for r in csv.DictReader(fh, delimiter="\t")]


def tr_news() -> list[str]:
    """Distinct Turkish article texts of the SemEval-2022 Task 8 sample files (first 600
    characters each)."""
    import csv

    csv.field_size_limit(10**9)
    out: list[str] = []
    for path in sorted((SHARED / "semeval2022_task8" / "hfl_sample_texts").glob("*")):
        with open(path, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out += [r[f"text{k}"][:600] for k in (1, 2) if r.get(f"lang{k}") == "tr"]
    return list(dict.fromkeys(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--min-chars", type=int, default=20, help="shortest sentence kept (default 20)")
    args = ap.parse_args()
    result: dict = {"benchmark": "language_id", "machine": machine()}
    with Timer() as t_load:
        language._detector()
    result["model_load_s"] = round(t_load.seconds, 2)

    records = load_articles()
    articles = [(r["lang"], f"{r['title']}\n{r['text']}") for r in records]
    result["demo_articles"] = evaluate(articles)

    sents = [(r["lang"], s) for r in records for s in sentences(r["text"], args.min_chars)]
    result["demo_sentences"] = evaluate(sents)
    result["demo_sentences"]["length_chars_median"] = sorted(len(s) for _, s in sents)[
        len(sents) // 2
    ]

    az = [s for lang, s in sents if lang == "az"]
    az_typed = [s.translate(NO_SCHWA) for s in az]
    result["az_trap"] = {
        "demo_az_sentences": evaluate([("az", s) for s in az])["az"],
        "demo_az_sentences_without_schwa": evaluate([("az", s) for s in az_typed])["az"],
        "demo_az_sentences_that_had_a_schwa": sum(
            s != t for s, t in zip(az, az_typed, strict=True)
        ),
    }
    ner = az_ner_sentences()
    result["az_trap"]["az_ner_test"] = evaluate([("az", s) for s in ner])["az"]
    result["az_trap"]["az_ner_test_without_schwa"] = evaluate(
        [("az", s.translate(NO_SCHWA)) for s in ner]
    )["az"]
    result["az_trap"]["az_ner_test_sentences_with_a_schwa"] = sum("ə" in s.lower() for s in ner)

    result["tr_precision"] = {
        "ct21_1a_turkish_test_tweets": evaluate([("tr", t) for t in tr_tweets()])["tr"],
        "semeval22_hfl_turkish_news": evaluate([("tr", t) for t in tr_news()])["tr"],
    }
    texts = [s for _, s in sents] + ner
    result["throughput_sentences"] = throughput(texts)
    result["throughput_no_schwa_az"] = throughput([s.translate(NO_SCHWA) for s in az + ner])
    emit(result)


if __name__ == "__main__":
    main()
