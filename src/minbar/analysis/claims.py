"""Check-worthiness: how much a sentence looks like a factual claim worth fact-checking.

The model is a small head over the multilingual-e5-small *query* embedding (the same vector the
fact-check matcher already computes for every sentence, so scoring costs one matrix product when
the caller passes it) plus a few cheap surface features (numbers, percentages, quotes, length).
It was trained on CheckThat! 2020-2022 and TrClaim-19 tweets in ar/tr/en
(``benchmarks/train_checkworthiness.py``); the weights ship as ``data/checkworthiness.npz``
(numpy only at run time, no download). See docs/decisions.md for why not a fine-tuned
transformer.

Training data are tweets, the product scores news sentences. :func:`clean_text` removes what
only tweets have (URLs, @-reply chains, ``#`` marks, emoji, HTML entities) and was applied to
every training tweet before embedding, so the head learned from text that looks like news copy.
For news sentences it is (almost) a no-op, which is why :meth:`CheckWorthiness.score` embeds
the sentences as given: a caller's precomputed ``get_embedder().queries(sentences)`` is then the
very same vector.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

_URL = re.compile(r"(?:https?:?/*|www\.)\S*", re.IGNORECASE)
_REPLY_CHAIN = re.compile(r"^(?:\s*(?:RT\s+)?@\w+:?)+", re.UNICODE)
_TRAILING_MENTIONS = re.compile(r"(?:\s*@\w+)+\s*$", re.UNICODE)
_SPACES = re.compile(r"\s+")
_REPEAT_PUNCT = re.compile(r"([!?.،,])\1{2,}")
#: Invisible joiners/selectors and emoji skin-tone modifiers that survive the "So" filter.
_INVISIBLE = {"\ufe0f", "\ufe0e", "\u200d", "\u200c", "\u2060"} | {
    chr(c) for c in range(0x1F3FB, 0x1F400)
}


def clean_text(text: str) -> str:
    """Remove tweet-only noise so training tweets look like news copy: URLs (also truncated
    ``https://t.``), leading reply chains and trailing @-handles, the ``@``/``#`` marks of
    mid-sentence handles and hashtags (``#كورونا_الجديد`` → ``كورونا الجديد``), emoji and other
    pictographs, HTML entities, runs of ``!!!``, and a trailing ellipsis of truncated tweets."""
    text = html.unescape(text or "")
    text = _URL.sub(" ", text)
    text = _REPLY_CHAIN.sub(" ", text)
    text = _TRAILING_MENTIONS.sub(" ", text)
    text = re.sub(r"[#@](\w+)", lambda m: m.group(1).replace("_", " "), text)
    text = "".join(
        " " if ch in _INVISIBLE or unicodedata.category(ch) in ("So", "Cs", "Co") else ch
        for ch in text
    )
    text = _REPEAT_PUNCT.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip()
    return text.rstrip("…").rstrip()


# --- cheap surface features ---------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:[.,٫]\d+)*")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
#: Percent and magnitude words in the five languages (lower-cased stems; prefix match).
_QUANTITY = re.compile(
    r"%|٪|\b(?:percent|per cent|million|billion|thousand|yüzde|milyon|milyar|bin\b|faiz|"
    r"процент|млн|млрд|миллион|миллиард|тысяч)|"
    r"(?:بالمئة|بالمائة|في المئة|في المائة|مليون|مليار|ألف)",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"«»“”„]")
SURFACE = (
    "has_number",
    "log_numbers",
    "quantity_word",
    "quote",
    "question",
    "exclamation",
    "log_chars",
    "log_words",
)


def surface_features(clean: list[str]) -> np.ndarray:
    """Cheap language-independent cues of factual claims (figures, percentages, quotes) and of
    non-claims (questions, exclamations, very short text), one row per *cleaned* text."""
    rows = []
    for text in clean:
        words = len(_WORD.findall(text))
        stripped = text.rstrip()
        rows.append(
            (
                1.0 if _DIGIT.search(text) else 0.0,
                np.log1p(len(_NUMBER.findall(text))),
                1.0 if _QUANTITY.search(text) else 0.0,
                1.0 if _QUOTE.search(text) else 0.0,
                1.0 if stripped.endswith(("?", "؟")) else 0.0,
                1.0 if stripped.endswith("!") else 0.0,
                np.log1p(len(text)),
                np.log1p(words),
            )
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(clean), len(SURFACE))


def word_count(clean: str) -> int:
    return len(_WORD.findall(clean))


# --- the model ----------------------------------------------------------------------------------

WEIGHTS = Path(__file__).with_name("data") / "checkworthiness.npz"
#: Fewer words than this (after cleaning) is a fragment, a heading or a byline, not a claim.
MIN_WORDS = 3
SHORT_FACTOR = 0.1


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


class CheckWorthiness:
    """The shipped head: calibrated probability that a sentence is a check-worthy claim.

    ``threshold`` was chosen on the CheckThat! 2022 1A dev sets (max F1 of the positive class,
    pooled over ar/tr/en); :meth:`checkworthy` applies it. The head is language-independent:
    the e5 space is shared by all five languages and no per-language parameter was learnt (az
    and ru have no training data, and the per-language class priors of the tweet sets say
    nothing about news), so ``langs`` does not change a score.
    """

    def __init__(self, path: Path = WEIGHTS) -> None:
        data = np.load(path, allow_pickle=False)
        meta = json.loads(str(data["meta"]))
        self.variant: str = meta["variant"]
        self.heads = []
        for k in range(meta["heads"]):
            params = {
                key.split("_", 1)[1]: data[key].astype(np.float64)
                for key in data.files
                if key.startswith(f"h{k}_")
            }
            self.heads.append(params)
        self.surface = bool(meta["surface"])
        self.feat_mean = data["feat_mean"].astype(np.float64)
        self.feat_scale = data["feat_scale"].astype(np.float64)
        self.platt_a, self.platt_c = (float(x) for x in meta["platt"])
        self.threshold: float = float(meta["threshold"])

    def _logits(self, X: np.ndarray) -> np.ndarray:
        z = np.zeros(len(X))
        for p in self.heads:
            h = np.maximum(0.0, X @ p["W1"] + p["b1"]) if "W1" in p else X
            z += p["scale"][0] * (h @ p["w2"] + p["b2"][0])
        return z

    def score(
        self,
        sentences: list[str],
        langs: list[str | None] | str | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Scores in [0, 1], one per sentence. ``vectors`` are the e5 *query* vectors of exactly
        these sentences (``get_embedder().queries(sentences)``); when given nothing is embedded.
        Sentences without a word score 0 and fragments under ``MIN_WORDS`` words are damped by
        ``SHORT_FACTOR``. ``langs`` is accepted for the pipeline's uniform call shape (see the
        class docstring)."""
        n = len(sentences)
        if isinstance(langs, list) and len(langs) != n:
            raise ValueError(f"{len(langs)} langs for {n} sentences")
        if n == 0:
            return np.zeros(0)
        clean = [clean_text(s) for s in sentences]
        words = np.array([word_count(c) for c in clean])
        live = np.flatnonzero(words > 0)
        out = np.zeros(n)
        if vectors is not None:
            vectors = np.asarray(vectors)
            if vectors.shape[0] != n:
                raise ValueError(f"{vectors.shape[0]} vectors for {n} sentences")
            vectors = vectors[live]
        elif len(live):
            from minbar.analysis.embeddings import get_embedder

            vectors = get_embedder().queries([sentences[i] for i in live])
        if not len(live):
            return out
        X = np.asarray(vectors, dtype=np.float64)
        if self.surface:
            feats = surface_features([clean[i] for i in live])
            X = np.hstack([X, (feats - self.feat_mean) / self.feat_scale])
        p = _sigmoid(self.platt_a * self._logits(X) + self.platt_c)
        p = np.where(words[live] < MIN_WORDS, p * SHORT_FACTOR, p)
        out[live] = p
        return out

    def checkworthy(self, scores: np.ndarray) -> np.ndarray:
        """Boolean mask: score at or above the calibrated threshold."""
        return np.asarray(scores, dtype=np.float64) >= self.threshold


@lru_cache(maxsize=1)
def get_checkworthiness() -> CheckWorthiness:
    """The process-wide model (weights are a few hundred KB, loaded once)."""
    return CheckWorthiness()
