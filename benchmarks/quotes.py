"""Quote extraction (``minbar.analysis.quotes``): precision/recall per language, and speed.

Gold: ``benchmarks/data/quotes_gold.jsonl``, news-like passages we wrote (14 per language, ar tr
az en ru) with every quote annotated as speaker / quote text / kind. ``split``: the first 10
passages per language alternate dev/test (written before the rules; the rules were tuned on dev
and on the demo corpus's output, test was only measured); ``holdout`` (4 per language, passages
``xx-h1``…) was written after the rules were frozen, with constructions chosen to differ from
the dev ones (other verbs, quotes cut by their attribution, "described it as "…"", quotes after
"إن «…»" and "X: «…»" after a clause), and measured once. All three sets were written by the same person
who wrote the rules, so the numbers are optimistic for real news. Annotation rules:

1. A quote is speech attributed to someone by a reporting cue (verb, "according to", a colon):
   direct if inside quote marks, indirect otherwise. Claims by groups ("analysts say",
   "posts on social media claimed") count; passive reports with no one behind them
   ("it was reported", "bildirildi", "сообщается", "according to preliminary data") do not.
2. Direct quote text is what is inside the marks; a quote cut by its attribution
   («…, — сказал X. — …») is two quotes. Indirect quote text is the reported clause without
   the complementiser (that/что/ki/أن) and without the attribution; in Turkish/Azerbaijani the
   clause includes its -DIğInI verb form; a clause ends where a participle adds another one
   ("adding that …" is a second quote).
3. A reported clause that contains a quotation ("said the tremor was "…"") yields the
   quotation only (direct).
4. Speaker: a person's full name as first introduced (no title), also for surnames, pronouns
   and bare titles ("the minister") that refer back to them; otherwise the phrase as written
   (organisation, group, title without a name).
5. Quoted names of plans, operations, laws, companies and scare quotes are not quotes.

Matching: a prediction matches a gold quote of the same passage when the kind is equal, the
token Jaccard of the normalised quote texts is ≥ 0.5, and (strict metric) the speakers agree:
equal after normalisation, or the gold speaker's last word (less up to two final letters, for
case endings) occurs in the predicted speaker. The "quote only" metric ignores the speaker.
``noquote_flagged`` = sentences without a gold quote where something was predicted.

Speed: ``extract_quotes`` per article on the demo corpus (sentences split beforehand, as the
enrichment stage does), ms/article per language.

    python benchmarks/quotes.py [--split dev|test|holdout|all] [--errors N] [--demo-out PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, emit, machine  # noqa: E402

from minbar.analysis.quotes import extract_quotes  # noqa: E402
from minbar.demo import load_articles  # noqa: E402
from minbar.text.sentences import split_sentences  # noqa: E402

GOLD = ROOT / "benchmarks" / "data" / "quotes_gold.jsonl"
LANGS = ("ar", "tr", "az", "en", "ru")
_TOK = re.compile(r"\w+")


def norm_tokens(text: str | None) -> list[str]:
    return _TOK.findall((text or "").casefold().replace("ё", "е"))


def jaccard(a: str, b: str) -> float:
    x, y = set(norm_tokens(a)), set(norm_tokens(b))
    return len(x & y) / len(x | y) if x | y else 0.0


def speaker_ok(gold: str | None, pred: str | None) -> bool:
    g, p = norm_tokens(gold), norm_tokens(pred)
    if not g or not p:
        return not g and not p
    if g == p:
        return True
    last = g[-1]
    key = last if len(last) <= 4 else last[: max(4, len(last) - 2)]
    return key in " ".join(p)


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def match(gold: list[dict], pred: list[dict], with_speaker: bool) -> int:
    """Greedy one-to-one matching (best Jaccard first); returns the number of matched pairs."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g["kind"] != p["kind"]:
                continue
            j = jaccard(g["quote"], p["quote"])
            if j < 0.5 or (with_speaker and not speaker_ok(g["speaker"], p["speaker"])):
                continue
            pairs.append((j, gi, pi))
    used_g, used_p, n = set(), set(), 0
    for _j, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            n += 1
    return n


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate(records: list[dict], n_errors: int = 0) -> dict:
    """Per-language scores of ``extract_quotes`` on gold passages (any split mix)."""
    acc: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    errors: dict[str, list] = defaultdict(list)
    for r in records:
        lang = r["lang"]
        sents = split_sentences(r["text"], lang)
        pred = [q.to_dict() | {"i": q.sentence_index} for q in extract_quotes(sents, lang)]
        gold = r["quotes"]
        a = acc[lang]
        a["gold"] += len(gold)
        a["pred"] += len(pred)
        a["tp_strict"] += match(gold, pred, True)
        a["tp_quote"] += match(gold, pred, False)
        gold_sents = {g["sentence_index"] for g in gold}
        no_quote = [i for i in range(len(sents)) if i not in gold_sents]
        a["noquote_sentences"] += len(no_quote)
        a["noquote_flagged"] += len({p["i"] for p in pred} & set(no_quote))
        if n_errors:
            for g in gold:
                if not match([g], pred, True):
                    errors[lang].append({"id": r["id"], "missed": g})
            for p in pred:
                if not match(gold, [p], True):
                    errors[lang].append({"id": r["id"], "spurious": p})
    out = {}
    for lang in LANGS:
        if lang not in acc:
            continue
        a = acc[lang]
        out[lang] = {
            "gold": a["gold"],
            "predicted": a["pred"],
            "with_speaker": prf(a["tp_strict"], a["pred"], a["gold"]),
            "quote_only": prf(a["tp_quote"], a["pred"], a["gold"]),
            "noquote_sentences": a["noquote_sentences"],
            "noquote_flagged": a["noquote_flagged"],
        }
        if n_errors:
            out[lang]["errors"] = errors[lang][:n_errors]
    return out


def speed(repeat: int, demo_out: Path | None) -> dict:
    """ms/article of extract_quotes on the demo corpus, per language (sentences pre-split)."""
    per: dict[str, list] = defaultdict(list)
    for a in load_articles():
        per[a["lang"]].append(split_sentences(a["text"], a["lang"]))
    out: dict = {}
    dump = []
    total_n = total_s = 0.0
    for lang in LANGS:
        docs = per[lang]
        for d in docs:  # warm-up (regex compilation is at import, but caches fill here)
            extract_quotes(d, lang)
        t0 = time.perf_counter()
        for _ in range(repeat):
            for d in docs:
                extract_quotes(d, lang)
        secs = time.perf_counter() - t0
        n_quotes = sum(len(extract_quotes(d, lang)) for d in docs)
        out[lang] = {
            "articles": len(docs),
            "ms_per_article": round(1000 * secs / (repeat * len(docs)), 3),
            "quotes_per_article": round(n_quotes / len(docs), 2),
        }
        total_n += repeat * len(docs)
        total_s += secs
        if demo_out:
            for d in docs:
                for q in extract_quotes(d, lang):
                    dump.append({"lang": lang, **q.to_dict(), "sentence": d[q.sentence_index]})
    out["all"] = {"ms_per_article": round(1000 * total_s / total_n, 3)}
    if demo_out:
        demo_out.parent.mkdir(parents=True, exist_ok=True)
        demo_out.write_text(
            "\n".join(json.dumps(x, ensure_ascii=False) for x in dump) + "\n", encoding="utf-8"
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "holdout", "all"], default="all")
    ap.add_argument("--errors", type=int, default=0, help="list up to N errors per language")
    ap.add_argument("--repeat", type=int, default=20, help="timing repetitions over the demo")
    ap.add_argument("--demo-out", type=Path, default=None, help="write demo quotes (JSONL)")
    ap.add_argument("--save", type=Path, default=None, help="also write the JSON result here")
    args = ap.parse_args()
    records = load_gold()
    splits = ["dev", "test", "holdout"] if args.split == "all" else [args.split]
    result = {"machine": machine(), "gold": str(GOLD.relative_to(ROOT))}
    for split in splits:
        result[split] = evaluate([r for r in records if r["split"] == split], args.errors)
    result["speed_demo"] = speed(args.repeat, args.demo_out)
    emit(result)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
