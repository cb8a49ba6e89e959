"""Calibrated re-ranker: logistic regression over :mod:`minbar.matching.features`.

The weights are trained by ``benchmarks/train_reranker.py`` on train/dev splits only and shipped as
``data/reranker.json`` (a few numbers). Its output is a probability that the pair checks the same
claim; ``threshold`` is the no-match cut chosen on held-out data. The weights name the features
they use (any subset of :data:`FEATURES`, in any order), so weights trained before a feature was
added keep working.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from minbar.matching.features import FEATURES

WEIGHTS_FILE = "reranker.json"
#: Weights for same-language pairs (query and fact-check in one language), see
#: :func:`default_same_reranker`.
SAME_WEIGHTS_FILE = "reranker_same.json"


@dataclass(frozen=True)
class Reranker:
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    trained_on: str = ""
    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown or len(self.features) != len(self.coef):
            raise ValueError(
                f"reranker weights are for features {list(self.features)}, "
                f"this minbar computes {list(FEATURES)}: retrain"
            )
        object.__setattr__(self, "_cols", tuple(FEATURES.index(f) for f in self.features))

    def probability(self, feats: list[float]) -> float:
        """``feats``: all of :data:`FEATURES`, in that order."""
        z = self.intercept
        for i, m, s, w in zip(self._cols, self.mean, self.scale, self.coef, strict=True):
            z += w * (feats[i] - m) / s
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: dict) -> Reranker:
        return cls(
            tuple(data["coef"]),
            float(data["intercept"]),
            float(data["threshold"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            data.get("trained_on", ""),
            tuple(data["features"]),
        )


def _shipped(name: str) -> Reranker | None:
    """Weights shipped in the package's data folder, or None when the file is absent."""
    path = resources.files("minbar.matching") / "data" / name
    if not path.is_file():
        return None
    return Reranker.from_json(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_reranker() -> Reranker:
    model = _shipped(WEIGHTS_FILE)
    if model is None:
        raise FileNotFoundError(f"minbar.matching/data/{WEIGHTS_FILE} is missing: reinstall")
    return model


@lru_cache(maxsize=1)
def default_same_reranker() -> Reranker | None:
    """The model for same-language pairs, or None when the package ships none (then
    :func:`default_reranker` scores every pair). Trained on the cross-lingual dev half's
    same-language pairs plus CheckThat! 2021 2A English train tweets, chosen on dev
    (``benchmarks/rerank_dev.py``): a paraphrase in the claim's own language shares words and
    numbers with it in ways a translation does not, and the cross-language model ordered
    English tweet → claim candidates worse than its own first stage."""
    return _shipped(SAME_WEIGHTS_FILE)
