"""Fusing several rankers' scores into one ranking, with named modes (as Haystack's
DocumentJoiner has join modes). The one place either fusion is written:

- "reciprocal_rank": the sum over rankers of weight / (k + rank); rank 0 means the ranker did not
  retrieve the item (it adds nothing). Used by the rumour side, where BM25 retrieves few passages.
- "zscore": the weighted sum of each ranker's per-query z-scores. Used by policy answers, where
  every ranker scores every measure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MODES = ("reciprocal_rank", "zscore")


def reciprocal_rank(ranked: Sequence[tuple[np.ndarray, float]], k: float) -> np.ndarray:
    """`ranked`: (1-based ranks, 0 = not retrieved; weight) per ranker."""
    total: np.ndarray | float = 0.0
    for ranks, weight in ranked:
        total = total + np.where(ranks > 0, weight / (k + np.maximum(ranks, 1)), 0.0)
    return np.asarray(total, dtype=np.float64)


def zscore(scored: Sequence[tuple[np.ndarray, float]]) -> np.ndarray:
    """`scored`: (raw scores, weight) per ranker; a ranker with weight 0 or no spread adds nothing."""
    size = len(scored[0][0])
    total = np.zeros(size, dtype=np.float64)
    for scores, weight in scored:
        values = scores.astype(np.float64)
        if weight == 0.0 or size < 2:
            continue
        std = values.std()
        if std > 1e-9:
            total += weight * (values - values.mean()) / std
    return total


def fuse(mode: str, inputs: Sequence[tuple[np.ndarray, float]], k: float = 60.0) -> np.ndarray:
    """`mode` one of MODES; `inputs` ranks (reciprocal_rank) or scores (zscore) with their weights."""
    if mode == "reciprocal_rank":
        return reciprocal_rank(inputs, k)
    if mode == "zscore":
        return zscore(inputs)
    raise ValueError(f"unknown fusion mode {mode!r}; one of {', '.join(MODES)}")
