"""One question against one index: fused ranking, confidence features and calibrated probability."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa_service.policy.index import DocIndex, PolicyIndex, fuse
from qa_service.policy.params import ModeParams


@dataclass
class Ranking:
    kind: str  # measure | target | section
    order: list[int]
    fused: np.ndarray
    signals: dict[str, np.ndarray]
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0

    @property
    def top(self) -> int | None:
        return self.order[0] if self.order else None


@dataclass
class Query:
    """A question prepared once for every index: words, BM25 tokens, lazily its embedding."""

    text: str
    bm25_text: str  # question without unit names (units are not in the documents' text)
    content: list[str]
    cue: bool
    index: PolicyIndex
    _vec: np.ndarray | None = None
    _vec_done: bool = False
    _tokens: list[str] | None = None

    @property
    def vector(self) -> np.ndarray | None:
        if not self._vec_done:
            self._vec = self.index.query_vector(self.text)
            self._vec_done = True
        return self._vec

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = self.index.tokenizer.index_tokens(self.bm25_text)
        return self._tokens


def rank(query: Query, kind: str, params: ModeParams) -> Ranking:
    index = query.index
    doc_index: DocIndex = {"measure": index.measure_index, "target": index.target_index,
                           "section": index.section_index}[kind]
    if doc_index.size == 0:
        return Ranking(kind, [], np.zeros(0), {})
    signals = doc_index.signals(query.tokens, query.vector)
    fused = fuse(signals, params.weights[kind])
    order = [int(i) for i in np.argsort(-fused, kind="stable")]
    ranking = Ranking(kind, order, fused, signals)
    ranking.features = features(query, ranking, doc_index)
    ranking.probability = params.calibration[kind].probability(ranking.features, missing=0.0)
    return ranking


def features(query: Query, ranking: Ranking, doc_index: DocIndex) -> dict[str, float]:
    top = ranking.order[0]
    second = ranking.order[1] if len(ranking.order) > 1 else None
    fused_top = float(ranking.fused[top])
    return {
        "fused_top": fused_top,
        "margin": fused_top - float(ranking.fused[second]) if second is not None else fused_top,
        "cos_title": float(ranking.signals["cos_title"][top]),
        "cos_text": float(ranking.signals["cos_text"][top]),
        "cos_sent": float(ranking.signals["cos_sent"][top]),
        "cov_top": query.index.coverage(query.content, doc_index.tokens[top]),
        "cov_vocab": query.index.coverage(query.content),
        "idf_top": query.index.matched_idf(query.content, doc_index.tokens[top]),
        "n_words": min(len(query.content), 10) / 10.0,
        "cue": 1.0 if query.cue else 0.0,
    }

