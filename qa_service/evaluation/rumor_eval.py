"""Evaluate and calibrate the rumour check on query sets.

Query files are JSON lines: covered queries `{"q", "expect", "kind"}` (expect: the material id
that answers it) and uncovered ones `{"q", "near"}` (no vetted material answers it; `near` names
the closest one, a tempting wrong answer). Figures: Recall@1/@3 and MRR of the ranking, how many
covered queries are answered with the right material, how many are answered with a wrong one,
and how many uncovered ones are abstained on.

The abstention model is the one logistic fit (qa_service/evaluation/logistic.py: Newton steps,
classes balanced) over `rumors.calibration.FEATURES`; the threshold is chosen on the same tuning data, out of fold.

Written uncovered questions are few (a few dozen per set), so the model also learns from
*synthetic* ones: every covered tuning question asked again with its own material left out of the
index — a rumour going round that nobody has vetted yet, whose nearest material is a related one.
They only shape the model; the threshold is chosen on the written questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from graph.settings import PROJECT_ROOT
from graph.text_normalizer import normalize
from qa_service.evaluation.logistic import fit_logistic
from qa_service.rumors.calibration import FEATURES, Calibration
from qa_service.rumors.check import ClauseEvidence, RumorChecker
from qa_service.rumors.retrieval import FusionConfig


@dataclass
class Query:
    q: str
    expect: str | None  # None: uncovered
    kind: str = ""
    near: str | None = None
    source: str = ""  # file it came from


QUERY_DIR = PROJECT_ROOT / "tests" / "data"
SYNTHETIC = "synthetic"  # kind of a covered question asked with its material left out


@dataclass
class Evidence:
    query: Query
    clauses: list[tuple[list[str], list[dict]]] = field(default_factory=list)  # (ranking, top features)


def load_queries(paths: list[Path]) -> list[Query]:
    out = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
            if "q" not in row or not ("expect" in row or "near" in row):
                raise ValueError(f"{path}:{n}: needs q and expect (covered) or near (uncovered)")
            expect = row.get("expect")
            out.append(Query(q=row["q"], expect=expect or None, kind=row.get("kind", "uncovered" if not expect else ""),
                             near=row.get("near"), source=Path(path).name))
    return out


def query_sets(folder: Path = QUERY_DIR) -> dict[str, list[Path]]:
    """The project's query sets: set N is rumor_queries_setN.jsonl plus rumor_uncovered_setN.jsonl (when there)."""
    out = {}
    for covered in sorted(folder.glob("rumor_queries_set*.jsonl")):
        number = covered.stem.removeprefix("rumor_queries_set")
        uncovered = folder / f"rumor_uncovered_set{number}.jsonl"
        out[f"set{number}"] = [covered] + ([uncovered] if uncovered.exists() else [])
    return out


def synthetic_uncovered(queries: list[Query]) -> list[Query]:
    """The covered questions as uncovered ones: each to be asked with its own material left out."""
    return [Query(q=q.q, expect=None, kind=SYNTHETIC, near=q.expect, source=q.source) for q in queries if q.expect]


def gather(checker: RumorChecker, queries: list[Query], fusion: FusionConfig | None = None) -> list[Evidence]:
    """Run retrieval once per query; the evidence can then be scored under any calibration.
    Synthetic uncovered questions are asked with their material (`near`) left out of the index."""
    index = checker.index()
    out = []
    for query in queries:
        exclude = frozenset({query.near}) if query.kind == SYNTHETIC and query.near else frozenset()
        evidence: list[ClauseEvidence] = checker.gather(normalize(query.q), fusion, index=index, exclude=exclude)
        out.append(Evidence(query, [([c.material_id for c in ev.retrieval.candidates], ev.features)
                                    for ev in evidence]))
    return out


def decide(ev: Evidence, calibration: Calibration) -> tuple[list[str], dict | None, float]:
    """Ranking, top features and confidence of the best-supported clause."""
    best = (ev.clauses[0][0], None, -1.0)
    for ranking, feats in ev.clauses:
        if feats:
            p = calibration.probability(feats[0])
            if p > best[2]:
                best = (ranking, feats[0], p)
    return best[0], best[1], max(best[2], 0.0)


def metrics(evidence: list[Evidence], calibration: Calibration) -> dict:
    return pooled_metrics([(evidence, calibration)])


def pooled_metrics(parts: list[tuple[list[Evidence], Calibration]]) -> dict:
    """Figures over several evidence sets, each scored with its own calibration (cross-validation)."""
    rr, r1, r3, answered_right, answered_wrong, abstained, n_cov, n_unc = [], 0, 0, 0, 0, 0, 0, 0
    by_kind: dict[str, list[int]] = {}
    for evidence, calibration in parts:
        for e in evidence:
            ranking, _, p = decide(e, calibration)
            matched = p >= calibration.threshold
            if not e.query.expect:
                n_unc += 1
                abstained += not matched
                continue
            n_cov += 1
            rank = ranking.index(e.query.expect) + 1 if e.query.expect in ranking else 0
            rr.append(1.0 / rank if rank else 0.0)
            r1 += rank == 1
            r3 += 0 < rank <= 3
            answered_right += matched and rank == 1
            answered_wrong += matched and rank != 1
            by_kind.setdefault(e.query.kind or "-", []).append(int(0 < rank <= 3))
    n = max(n_cov, 1)
    return {
        "covered": n_cov, "uncovered": n_unc,
        "recall@1": round(r1 / n, 4), "recall@3": round(r3 / n, 4), "mrr": round(float(np.sum(rr)) / n, 4),
        "answered_correct": round(answered_right / n, 4), "answered_wrong": round(answered_wrong / n, 4),
        "uncovered_abstained": round(abstained / n_unc, 4) if n_unc else None,
        "recall@3_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
    }


def evaluate_modes(checker: RumorChecker, queries: list[Query]) -> dict[str, dict]:
    """Hybrid (calibrated fusion) side by side with BM25 alone and embeddings alone."""
    base = checker.calibration.fusion
    return {mode: metrics(gather(checker, queries, base if mode == "hybrid" else base.with_mode(mode)),
                          checker.calibration)
            for mode in ("hybrid", "bm25", "dense")}


# --- fitting --------------------------------------------------------------------------------------

def _material(e: Evidence) -> str:
    """The material a query is about (expected, or nearly answered by): its questions stay together."""
    return e.query.expect or e.query.near or e.query.q


def _fit_model(evidence: list[Evidence], calibration: Calibration, l2: float, rounds: int) -> Calibration:
    for _ in range(rounds):
        rows, labels = [], []
        for e in evidence:
            ranking, feats, _ = decide(e, calibration)
            if feats is None:
                continue
            rows.append([feats[f] for f in calibration.features])
            labels.append(1.0 if e.query.expect and ranking and ranking[0] == e.query.expect else 0.0)
        mean, scale, coef, intercept = fit_logistic(np.array(rows), np.array(labels), l2)
        calibration = replace(calibration, mean=mean.tolist(), scale=scale.tolist(), coef=coef.tolist(),
                              intercept=intercept)
    return calibration


def fit_calibration(evidence: list[Evidence], fusion: FusionConfig, base: Calibration | None = None,
                    l2: float = 1.0, rounds: int = 2, features: tuple[str, ...] = FEATURES,
                    out_of_fold_threshold: bool = True, abstain_weight: float = 1.0,
                    negatives: list[Evidence] | None = None) -> Calibration:
    """Fit the abstention model on tuning evidence (gathered with `fusion`).

    Positives: covered queries whose top material is the expected one. Negatives: uncovered
    queries, covered ones ranked wrong (answering those would give an unrelated rebuttal) and the
    synthetic uncovered ones in `negatives`, which shape the model but not the threshold.
    Long messages pick their best clause with the current model, so fitting is repeated.
    The threshold is chosen on leave-one-material-out probabilities: scored on its own tuning
    data a model separates the classes better than it will on questions about new material, and
    a threshold chosen there is too lax.
    """
    n = len(features)
    extra = list(negatives or [])
    start = replace(base or Calibration(), fusion=fusion, features=features, mean=[0.0] * n,
                    scale=[1.0] * n, coef=[0.0] * n, intercept=0.0, threshold=0.5)
    calibration = _fit_model(evidence + extra, start, l2, rounds)
    if not out_of_fold_threshold:
        return replace(calibration, threshold=choose_threshold([(evidence, calibration)], abstain_weight))
    groups: dict[str, list[Evidence]] = {}
    for e in evidence:
        groups.setdefault(_material(e), []).append(e)
    parts = [(held, _fit_model([e for e in evidence + extra if _material(e) != key], start, l2, rounds))
             for key, held in groups.items()]
    return replace(calibration, threshold=choose_threshold(parts, abstain_weight))


THRESHOLD_SMOOTHING = 0.6  # logit units; 0: plain counts


def choose_threshold(parts: list[tuple[list[Evidence], Calibration]], abstain_weight: float = 1.0,
                     smoothing: float = THRESHOLD_SMOOTHING) -> float:
    """The threshold maximising right answers on covered plus `abstain_weight` x abstentions on
    uncovered queries, each query scored by the calibration of its part.

    With a few dozen uncovered questions the plain counts jump by whole questions, and the best
    threshold with them; each question is therefore counted by how far (in logit units, through a
    logistic of width `smoothing`) its probability lies on the right side of the threshold.
    """
    right_p, neg_p, n_pos = [], [], 0
    for evidence, calibration in parts:
        for e in evidence:
            ranking, _, p = decide(e, calibration)
            if e.query.expect:
                n_pos += 1
                if ranking and ranking[0] == e.query.expect:
                    right_p.append(p)
            else:
                neg_p.append(p)

    def logit(p) -> np.ndarray:
        p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    def above(z: np.ndarray, zt: float) -> np.ndarray:
        if smoothing <= 0:
            return (z >= zt).astype(np.float64)
        return 1.0 / (1.0 + np.exp(-np.clip((z - zt) / smoothing, -40, 40)))

    z_right, z_neg = logit(right_p), logit(neg_p)
    best_t, best_score = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 181):
        zt = float(logit(t))
        right = above(z_right, zt).sum() / max(n_pos, 1)
        abstain = (1.0 - above(z_neg, zt)).mean() if len(z_neg) else 0.0
        score = right + abstain_weight * abstain
        if score > best_score + 1e-9:
            best_t, best_score = float(t), score
    return round(best_t, 3)


def cross_validate(folds: dict[str, list[Evidence]], fusion: FusionConfig,
                   negatives: dict[str, list[Evidence]] | None = None, **fit_options) -> dict:
    """Fit on all folds but one, score the one left out; per-fold and pooled held-out figures.
    `negatives` are each fold's synthetic uncovered questions (used when that fold is tuning data)."""
    parts, out = [], {}
    for held_out, evidence in folds.items():
        tune = [e for name, ev in folds.items() if name != held_out for e in ev]
        extra = [e for name, ev in (negatives or {}).items() if name != held_out for e in ev]
        calibration = fit_calibration(tune, fusion, negatives=extra, **fit_options)
        parts.append((evidence, calibration))
        out[held_out] = {**metrics(evidence, calibration), "threshold": calibration.threshold}
    out["pooled"] = pooled_metrics(parts)
    return out
