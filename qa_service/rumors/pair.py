"""Pair scoring: does this message make the same claim as this material's title or claim?

The retrieval ranks materials by how near they are; the decision needs something else — whether
the message and the candidate claim *say the same thing*. Cosine alone cannot tell (e5 cosines of
a paraphrase and of a near miss on the same topic sit in one narrow band), and the lexical
features the calibration used reward the asker for using the material's own words.

The pair model reads the two together: for the message's vector q and a claim's vector c (both
embedded on e5's query side, so the comparison is symmetric) it scores the element-wise product
q*c, the element-wise distance |q-c| and their cosine with a logistic model. Which dimensions must
agree for two sentences to make one claim — the predicate (降血压 against 杀病毒), the subject —
is learned from (message, claim) pairs, not from shared words, so "厨房里那瓶酸的" can match 醋
where their tokens share nothing. A candidate's pair score is its best over its title, its
claims and its card (title + claims + summary, graph.search.claim_terms).

No model call beyond the one retrieval already made: the claim vectors are the index's own.
The weights (2 x dim + 1 floats) are fitted by `bench/fit_rumor_pair.py` and stored as JSON in
`corpus/rumor_pair.json`; without that file the pair scorer is off and the check decides as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from graph.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

PAIR_MODEL_PATH = PROJECT_ROOT / "corpus" / "rumor_pair.json"
CANDIDATES = 5  # candidates read together with the message, per clause


def pair_features(query: np.ndarray, claims: np.ndarray) -> np.ndarray:
    """(n, 2*dim+1) features of one query vector against n claim vectors."""
    claims = np.atleast_2d(np.asarray(claims, dtype=np.float32))
    q = np.asarray(query, dtype=np.float32)[None, :]
    return np.hstack([q * claims, np.abs(q - claims), (claims @ q[0])[:, None]])


@dataclass
class PairModel:
    """Standardised logistic model over pair_features; fitted weights plus what they came from."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    info: dict = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return (len(self.coef) - 1) // 2

    def logits(self, query: np.ndarray, claims: np.ndarray) -> np.ndarray:
        if not len(claims):
            return np.zeros(0)
        x = pair_features(query, claims)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        return {
            "version": 1,
            "dim": self.dim,
            "intercept": round(float(self.intercept), 6),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> PairModel:
        arrays = [np.asarray(data[k], dtype=np.float32) for k in ("mean", "scale", "coef")]
        if len({len(a) for a in arrays}) != 1 or len(arrays[0]) != 2 * int(data["dim"]) + 1:
            raise ValueError("pair model vectors must all have 2*dim+1 values")
        arrays[1][arrays[1] < 1e-9] = 1.0
        return cls(*arrays, intercept=float(data["intercept"]), info=data.get("info", {}))


def claim_rows(index, terms, ordinal: int) -> np.ndarray:
    """The vectors a candidate is read against: its titles and claims, then its card."""
    ids = [i for i in index.material_entries[ordinal] if index.entry_is_short[i]]
    rows = [index.vectors[ids]] if ids else []
    if terms is not None:
        rows.append(terms.cards[ordinal][None, :])
    return np.vstack(rows) if rows else np.zeros((0, index.vectors.shape[1]), np.float32)


def candidate_logits(model: PairModel, index, terms, vector: np.ndarray, ordinals: list[int]) -> np.ndarray:
    """The best pair logit of each candidate material (one matrix product for all of them)."""
    blocks = [claim_rows(index, terms, o) for o in ordinals]
    sizes = [len(b) for b in blocks]
    if not sum(sizes):
        return np.full(len(ordinals), -40.0)
    logits = model.logits(vector, np.vstack([b for b in blocks if len(b)]))
    out, at = np.full(len(ordinals), -40.0), 0
    for j, n in enumerate(sizes):
        if n:
            out[j] = float(logits[at : at + n].max())
            at += n
    return out
