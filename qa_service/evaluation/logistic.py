"""The one logistic calibration: standardised features, coefficients, an intercept; serialisable.

Policy answers (qa_service/policy/params.json, per answer kind) and the rumour checker's abstention
model (corpus/rumor_calibration.json) are both this model; they differ only in their features and
in how far the log-odds are clipped. `fit_logistic` is the one fitting procedure behind every
committed weight file (policy calibration, rumour abstention, rumour pair and decision models).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


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

    @classmethod
    def fit(cls, features: Sequence[str], x: np.ndarray, y: np.ndarray, *, l2: float, balanced: bool = True,
            clip: float = 40.0) -> LogisticModel:
        """The model `fit_logistic` fits on rows `x` (one column per feature) and labels `y`."""
        mean, scale, coef, intercept = fit_logistic(x, y, l2=l2, balanced=balanced)
        return cls.of(features, [float(v) for v in mean], [float(v) for v in scale], [float(c) for c in coef],
                      intercept, clip)

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


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50, balanced: bool = True
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardise, then Newton's method on the L2-penalised log-loss (the intercept unpenalised);
    returns mean, scale, coef, intercept. `balanced`: each class weighs half, so the intercept does
    not simply follow how many negatives were written; otherwise every row weighs 1 (then `l2` is
    1 / C of scikit-learn's LogisticRegression, which this matches to its solver's tolerance)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    if balanced:
        weights = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    else:
        weights = np.ones(len(y))
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -40, 40)))
        grad = z.T @ (weights * (p - y)) + penalty * w
        hess = (z * (weights * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])
