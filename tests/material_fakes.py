"""A small deterministic stand-in for the sentence encoder, for unit tests of surrounding code.

Character unigrams and bigrams hashed into a fixed number of dimensions: texts sharing wording
get similar vectors, which is all the surrounding code needs. Quality tests use the real model.
"""

from __future__ import annotations

import zlib

import numpy as np


class FakeEncoder:
    name = "fake-ngram"

    def __init__(self, dim: int = 128, delay: float = 0.0):
        self.dim = dim
        self.delay = delay  # seconds per encode call, to make long builds observable
        self.encoded: list[str] = []  # every text ever encoded, in order

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                vec[zlib.crc32(gram.encode()) % self.dim] += 1.0
        vec[0] += 0.1  # no zero vectors, even for empty text
        return vec / np.linalg.norm(vec)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.delay:
            import time

            time.sleep(self.delay)
        self.encoded.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts))

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def encode_passages(self, texts: list[str], batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return self._encode(list(texts))


SMALL_MATERIALS = __import__("pathlib").Path(__file__).parent / "data" / "materials_small"


def good_materials(dest):
    """Copy the valid fixture materials (not the broken-*.md ones) into `dest`; returns `dest`."""
    import shutil
    from pathlib import Path

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for path in SMALL_MATERIALS.glob("*.md"):
        if not path.name.startswith("broken-"):
            shutil.copy(path, dest / path.name)
    return dest


def lexical_calibration():
    """A calibration that trusts word overlap only: predictable with the fake encoder."""
    from qa_service.rumors.calibration import FEATURES, Calibration
    from qa_service.rumors.retrieval import FusionConfig

    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index("q_cov")] = 4.0
    coef[FEATURES.index("c_cov")] = 4.0
    return Calibration(fusion=FusionConfig(rrf_k=10, w_dense=1.0, w_bm25=1.0), coef=coef, intercept=-3.0,
                       threshold=0.5)
