"""The one logistic calibration: standardised features, coefficients, an intercept; serialisable.

Policy answers (qa_service/policy/params.json, per answer kind) and the rumour checker's abstention
model (corpus/rumor_calibration.json) are both this model; they differ only in their features and
in how far the log-odds are clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]  # 0 reads as 1 (a feature that did not vary when fitted)
    coef: tuple[float, ...]
    intercept: float
    clip: float = 40.0  # |log-odds| kept below this (exp overflow)

    @classmethod
    def of(cls, features: Sequence[str], mean: Sequence[float], scale: Sequence[float], coef: Sequence[float],
           intercept: float, clip: float = 40.0) -> LogisticModel:
        if not (len(mean) == len(scale) == len(coef) == len(features)):
            raise ValueError("calibration vectors must have one value per feature")
        return cls(tuple(features), tuple(mean), tuple(scale), tuple(coef), float(intercept), clip)

    def log_odds(self, values: Mapping[str, float], missing: float | None = None) -> float:
        """`missing`: the value of a feature `values` lacks (None: it must be there)."""
        z = sum(c * ((values[name] if missing is None else values.get(name, missing)) - m) / (s or 1.0)
                for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True))
        return z + self.intercept

    def probability(self, values: Mapping[str, float], missing: float | None = None) -> float:
        z = self.log_odds(values, missing)
        return 1.0 / (1.0 + math.exp(-max(min(z, self.clip), -self.clip)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept}
