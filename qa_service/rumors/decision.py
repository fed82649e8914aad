"""Two-level decision from pair scores: confirmed (the rebuttal), suggested (a question back), or nothing.

For each checked clause of a message the top CANDIDATES materials of the retrieval are read
together with it (qa_service.rumors.pair). Each candidate is described by features that do not
count shared words — its pair logit and how far it stands above the clause's other candidates,
its cosine and cosine gap, its card's cosine, how strongly the clause evokes the least evoked key
word of its best claim (graph.search.claim_terms, by vectors), its retrieval rank — and a small logistic
model turns them into the probability that it is the material that answers the message. The most
probable candidate is the clause's pick, so the decision also reorders the shortlist.

- confirmed: probability >= `confirm`, and every key word of the candidate's best claim finds a
  counterpart in the message (`key_min`, the least evoked key word's z-score, >= `key_confirm`):
  the rebuttal is given, as a verdict. A message that shares the claim's subject but not its
  predicate (大蒜*降血压* against 大蒜*杀病毒*) is at most suggested;
- suggested: probability >= `suggest`: "您说的是不是‘……’？" with the material's title, never a verdict;
- otherwise: no vetted material (the message is logged for staff).

A forwarded message can carry several rumours: every clause whose pick is confirmed for a
different material is answered (at most MAX_ANSWERS).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.fsutil import atomic_write_text
from qa_service.rumors.pair import CANDIDATES, PAIR_MODEL_PATH, PairModel, candidate_logits

DECISION_FEATURES = ("pair", "pair_gap", "dense", "dense_gap", "card", "key_min", "rank")
# Every feature clause_candidates computes; a fitted decision names the ones it uses. The relative
# ones measure a candidate against the clause's own level: a long forwarded message sits lower on
# every cosine and pair score than a short question, for the right material and the wrong ones alike.
ALL_FEATURES = (*DECISION_FEATURES, "dense_rel", "pair_rel")
RELATIVE_DEPTH = 10  # the clause's top entry cosines its level is taken from
log = logging.getLogger(__name__)

MAX_ANSWERS = 2
CONFIRMED, SUGGESTED, NONE = "confirmed", "suggested", "none"


@dataclass
class Pick:
    """The best candidate of one clause under the pair model."""

    clause_index: int
    clause: str
    candidate: object  # material_retrieval.Candidate
    features: dict[str, float]
    probability: float = 0.0
    ranking: list[str] = field(default_factory=list)  # material ids, pair-reordered top then the rest

    @property
    def material_id(self) -> str:
        return self.candidate.material_id


@dataclass
class Decision:
    """Logistic model over `features` (DECISION_FEATURES unless fitted otherwise) and the two thresholds."""

    mean: list[float] = field(default_factory=lambda: [0.0] * len(DECISION_FEATURES))
    scale: list[float] = field(default_factory=lambda: [1.0] * len(DECISION_FEATURES))
    coef: list[float] = field(default_factory=lambda: [1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0])
    intercept: float = 0.0
    confirm: float = 0.5
    suggest: float = 0.2
    # The reranker: which of a clause's candidates is the one (fitted on every candidate); the
    # model above says how far that pick can be trusted (fitted on picks only).
    rank_coef: list[float] = field(default_factory=lambda: [1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0])
    features: tuple[str, ...] = DECISION_FEATURES
    # A verdict needs every key word of the claim evoked at least as much as by an average message
    # (z >= 0); below that the pick can only be suggested. A rule, not a fitted weight.
    key_confirm: float = 0.0

    def probability(self, feats: dict[str, float]) -> float:
        z = self.intercept + self._z(feats, self.coef)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def rank_score(self, feats: dict[str, float]) -> float:
        return self._z(feats, self.rank_coef)

    def _z(self, feats: dict[str, float], coef: list[float]) -> float:
        return sum(
            c * (feats[n] - m) / (s or 1.0)
            for n, m, s, c in zip(self.features, self.mean, self.scale, coef, strict=True)
        )

    def keys_evoked(self, feats: dict[str, float]) -> bool:
        """Does the message evoke every key word of the pick's best claim (the verdict rule)?"""
        return feats.get("key_min", 0.0) >= self.key_confirm

    def level(self, probability: float, feats: dict[str, float] | None = None) -> str:
        """`feats`: the pick's features; without them only the probability is read."""
        if probability >= self.confirm and (feats is None or self.keys_evoked(feats)):
            return CONFIRMED
        return SUGGESTED if probability >= self.suggest else NONE

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": self.intercept,
            "rank_coef": self.rank_coef,
            "confirm": self.confirm,
            "suggest": self.suggest,
        }

    @classmethod
    def from_json(cls, data: dict) -> Decision:
        features = tuple(data.get("features", ()))
        if not features or set(features) - set(ALL_FEATURES):
            raise ValueError(f"decision features must be among {ALL_FEATURES}")
        if any(len(data[k]) != len(features) for k in ("mean", "scale", "coef", "rank_coef")):
            raise ValueError("decision vectors must have one value per feature")
        return cls(
            features=features,
            mean=[float(x) for x in data["mean"]],
            scale=[float(x) for x in data["scale"]],
            coef=[float(x) for x in data["coef"]],
            intercept=float(data["intercept"]),
            confirm=float(data["confirm"]),
            suggest=float(data["suggest"]),
            rank_coef=[float(x) for x in data["rank_coef"]],
        )


def clause_candidates(
    model: PairModel, index, terms, clause_index: int, clause: str, retrieval, k: int = CANDIDATES
) -> list[Pick]:
    """Each of a clause's top-k candidates read together with it, with its decision features."""
    cands = retrieval.candidates[:k]
    if not cands or retrieval.vector is None:
        return []
    vector = retrieval.vector
    logits = candidate_logits(model, index, terms, vector, [c.ordinal for c in cands])
    dense = np.array([c.dense for c in cands])
    pool = np.asarray(retrieval.dense_pool[:RELATIVE_DEPTH], dtype=np.float64)
    level = float(pool.mean()) if len(pool) else float(dense.mean())
    cards = terms.card_scores([c.ordinal for c in cands], vector) if terms is not None else dense
    out = []
    for j, cand in enumerate(cands):
        others = np.delete(np.arange(len(cands)), j)
        key_min = terms.term_support(index, cand.ordinal, vector, clause)[1] if terms is not None else 0.0
        feats = {
            "pair": float(logits[j]),
            "pair_gap": float(logits[j] - logits[others].max()) if len(others) else 5.0,
            "dense": float(dense[j]),
            "dense_gap": float(dense[j] - dense[others].max()) if len(others) else 0.05,
            "card": float(cards[j]),
            "key_min": float(key_min),
            "rank": 1.0 / (j + 1),
            "dense_rel": float(dense[j] - level),
            "pair_rel": float(logits[j] - logits[others].mean()) if len(others) else 5.0,
        }
        out.append(Pick(clause_index, clause, cand, feats))
    order = np.argsort(-logits, kind="stable")
    ranking = [cands[j].material_id for j in order] + [c.material_id for c in retrieval.candidates[k:]]
    for p in out:
        p.ranking = ranking
    return out


def picks(model: PairModel, decision: Decision, index, terms, evidence) -> list[Pick]:
    """Each clause's best candidate under the decision model, best first (evidence:
    rumor_check.ClauseEvidence list); a pick's ranking puts it first."""
    out = []
    for i, ev in enumerate(evidence):
        cands = clause_candidates(model, index, terms, i, ev.clause, ev.retrieval)
        if cands:
            order = sorted(cands, key=lambda p: -decision.rank_score(p.features))
            best = order[0]
            best.probability = decision.probability(best.features)
            rest = [c.material_id for c in order[1:]]
            best.ranking = [
                best.material_id,
                *rest,
                *(m for m in best.ranking if m not in rest and m != best.material_id),
            ]
            out.append(best)
    out.sort(key=lambda p: -p.probability)
    return out


def answers(decision: Decision, scored: list[Pick]) -> list[Pick]:
    """The confirmed picks for distinct materials, best first, at most MAX_ANSWERS."""
    out, seen = [], set()
    for pick in scored:
        if decision.level(pick.probability, pick.features) == CONFIRMED and pick.material_id not in seen:
            out.append(pick)
            seen.add(pick.material_id)
    return out[:MAX_ANSWERS]


def calibrated_picks(calibration, decision: Decision, evidence: list,
                     scored: list[Pick]) -> list[Pick]:
    """The clauses whose top candidate the calibration confirms, best first, as picks. The
    calibration reads shared words; its verdict also needs the claim's key words evoked by the
    message (the pair decision's `key_confirm` rule), or the pair decision's own pick for that
    clause to be the same material at a suggestion's level at least: 灰指甲用醋泡能治好吗 shares
    every key word of 指甲变灰就是得了灰指甲 but the pair decision reads them apart."""
    pair_pick = {p.clause_index: p for p in scored}
    out = []
    for i, ev in enumerate(evidence):
        if not (ev.features and ev.retrieval.candidates):
            continue
        p = calibration.probability(ev.features[0])
        if p < calibration.threshold:
            continue
        top, other = ev.retrieval.candidates[0], pair_pick.get(i)
        agreed = other is not None and other.material_id == top.material_id and other.probability >= decision.suggest
        if agreed or decision.keys_evoked(ev.features[0]):
            out.append(Pick(i, ev.clause, top, ev.features[0], p, [c.material_id for c in ev.retrieval.candidates]))
    return sorted(out, key=lambda p: -p.probability)


def confirmed_picks(calibration, decision: Decision, evidence: list,
                    scored: list[Pick]) -> list[Pick]:
    """What a message is answered with: the calibrated confirmations, then the pair decision's,
    one per material, at most MAX_ANSWERS (`scored`: the pair decision's picks, best first)."""
    confirmed, seen = [], set()
    for pick in [*calibrated_picks(calibration, decision, evidence, scored), *answers(decision, scored)]:
        if pick.material_id not in seen and len(confirmed) < MAX_ANSWERS:
            confirmed.append(pick)
            seen.add(pick.material_id)
    return confirmed


@dataclass
class PairScorer:
    """The pair model and the two-level decision fitted with it (one file, one fit)."""

    model: PairModel
    decision: Decision
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "version": 1,
            "pair": self.model.to_json(),
            "decision": self.decision.to_json(),
            "info": self.info,
        }

    def save(self, path: Path) -> None:
        atomic_write_text(Path(path), json.dumps(self.to_json(), ensure_ascii=False) + "\n")


def load_pair_scorer(path: Path | None = None) -> PairScorer | None:
    """The committed pair scorer, or None (logged) when the file is missing or bad."""
    path = Path(path or PAIR_MODEL_PATH)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PairScorer(
            PairModel.from_json(data["pair"]), Decision.from_json(data["decision"]), data.get("info", {})
        )
    except FileNotFoundError:
        log.info("no rumour pair model at %s; the pair scorer is off", path)
    except (ValueError, KeyError, TypeError) as exc:
        log.error("rumour pair model %s is invalid (%s); the pair scorer is off", path, exc)
    return None
