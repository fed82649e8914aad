"""Passage embeddings of the policy indexes on disk (data_dir/policy/embeddings.npz).

Keyed by passage text and stamped with the model folder and dimension, so a different model never
reuses them. Loading is best-effort: a missing or broken file just means encoding again.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from graph.fsutil import atomic_output

log = logging.getLogger(__name__)


def _stamp(encoder) -> str:
    return f"{getattr(encoder, 'model_dir', type(encoder).__name__)}|{getattr(encoder, 'dim', '')}"


def load(path: Path, encoder) -> dict[str, np.ndarray]:
    if encoder is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["stamp"]) != _stamp(encoder):
                return {}
            return {str(t): v for t, v in zip(data["texts"], data["vectors"], strict=True)}
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring policy embedding cache %s: %s", path, exc)
        return {}


def save(path: Path, encoder, cache: dict[str, np.ndarray]) -> None:
    if encoder is None or not cache:
        return
    try:
        texts = list(cache)
        with atomic_output(path) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, stamp=np.array(_stamp(encoder)), texts=np.array(texts),
                     vectors=np.stack([cache[t] for t in texts]).astype(np.float32))
    except OSError as exc:
        log.warning("cannot write policy embedding cache %s: %s", path, exc)
