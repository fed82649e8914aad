"""Tune fusion weights, confidence calibration and thresholds on a question set; write the JSON.

    kepu eval tune tests/data/policy_questions.jsonl --split tune --plan corpus/plans/<plan>.txt

Weights: grid over the simplex, best top-1 accuracy (ties: larger mean margin of the right document).
Calibration: logistic regression per document kind on "top document is right" (out-of-scope
questions are negatives for every kind). Thresholds: best accuracy of the full chat service on the
tuning questions; the suggestion band only where it shows the right measure more than it misleads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa_service.chat.question import normalize
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.evaluation.logistic import LogisticModel
from qa_service.evaluation.policy_eval import evaluate
from qa_service.policy.index import fuse
from qa_service.policy.params import (
    FEATURES,
    KINDS,
    POLICY_CLIP,
    ModeParams,
    PolicyParams,
    Weights,
    load_params,
)
from qa_service.policy.qa import PolicyQA
from qa_service.policy.ranking import rank

log = logging.getLogger(__name__)
# sklearn's LogisticRegression(C=0.5) minimises C * log-loss + |w|^2 / 2, i.e. log-loss + |w|^2 / (2 C):
# the Newton fit's penalty l2 / 2 * |w|^2 with l2 = 1 / C. Its lbfgs stopped at tol 1e-4: refitting the
# same samples with the exact optimum moved coefficients by at most 6e-4 and intercepts by 2e-3 (issue 11).
CALIBRATION_L2 = 2.0
_KIND_OF = {"resp": "measure", "lead": "measure", "target": "target", "structure": "section"}


@dataclass
class Sample:
    question: str
    kind: str  # document kind
    gold: set[int]  # empty for out-of-scope questions
    query: object
    signals: dict


def standalone(questions: list[dict]) -> list[dict]:
    """Questions that stand on their own, including the first turn of each follow-up sequence."""
    out = []
    for item in questions:
        if item["type"] == "followup":
            out.append(item["turns"][0])
        else:
            out.append(item)
    return out


def gold_docs(qa: PolicyQA, item: dict) -> set[int]:
    index = qa.index
    if item["type"] in ("resp", "lead"):
        return {i for i, m in enumerate(index.measures) if m.title == item["title"]}
    if item["type"] == "target":
        return {i for i, d in enumerate(index.target_docs) if any(e in d.target.text for e in item["expect"])}
    if item["type"] == "structure":
        want = set(item["titles"])
        return {i for i, d in enumerate(index.section_docs)
                if (set(d.children) if d.children else {m.title for m in d.measures}) == want}
    return set()


def collect(qa: PolicyQA, questions: list[dict]) -> list[Sample]:
    samples = []
    answerer = qa.answerer
    for item in standalone(questions):
        if item["type"] not in (*_KIND_OF, "oos"):
            continue
        _, query = answerer.analyse(normalize(item["q"]))
        kinds = [_KIND_OF[item["type"]]] if item["type"] in _KIND_OF else list(KINDS)
        for kind in kinds:
            ranking = rank(query, kind, answerer.params)
            samples.append(Sample(item["q"], kind, gold_docs(qa, item), query, ranking.signals))
    return samples


def tune_weights(samples: list[Sample], kind: str, lexical: bool) -> Weights:
    """Grid over the simplex (step 0.1); each point scored by the mean top-1 accuracy of its
    neighbourhood, so a lucky spike loses to a broad plateau (ties: mean margin of the right document)."""
    positives = [s for s in samples if s.kind == kind and s.gold]
    if lexical or not positives:
        return Weights(1.0, 0.0, 0.0, 0.0)
    grid = [(b, t, x) for b in range(11) for t in range(11) for x in range(11) if b + t + x <= 10]
    right: dict[tuple[int, int, int], int] = {}
    margin: dict[tuple[int, int, int], float] = {}
    for point in grid:
        weights = _weights(*point)
        hits, margins = 0, []
        for s in positives:
            fused = fuse(s.signals, weights)
            hits += int(np.argmax(fused)) in s.gold
            other = max((fused[i] for i in range(len(fused)) if i not in s.gold), default=0.0)
            margins.append(max(fused[i] for i in s.gold) - other)
        right[point] = hits
        margin[point] = float(np.mean(np.clip(margins, -3, 3)))

    def smoothed(point: tuple[int, int, int]) -> float:
        near = [right[p] for p in grid if max(abs(a - b) for a, b in zip(p, point, strict=True)) <= 2]
        return float(np.mean(near))

    # Every signal keeps at least 0.1: corner points have fewer neighbours and look smoother than they are.
    interior = [p for p in grid if min(*p, 10 - sum(p)) >= 1]
    best = max(interior, key=lambda p: (smoothed(p), right[p], margin[p]))
    log.info("weights %s: %s (right %d/%d, neighbourhood %.2f)", kind, _weights(*best), right[best],
             len(positives), smoothed(best))
    return _weights(*best)


def _weights(b: int, t: int, x: int) -> Weights:
    return Weights(b / 10, t / 10, x / 10, (10 - b - t - x) / 10)


def fit_calibration(samples: list[Sample], kind: str, params: ModeParams) -> LogisticModel:
    """The one logistic fit (qa_service/evaluation/logistic.py), rows unweighted, l2 = 1 / C with the
    C = 0.5 the committed params.json was first fitted with (scikit-learn's solver; see CALIBRATION_L2)."""
    rows, labels = [], []
    for s in (s for s in samples if s.kind == kind):
        ranking = rank(s.query, kind, params)
        rows.append([ranking.features[f] for f in FEATURES])
        labels.append(int(ranking.top in s.gold))
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(set(y)) < 2:
        return params.calibration[kind]
    model = LogisticModel.fit(FEATURES, x, y, l2=CALIBRATION_L2, balanced=False, clip=POLICY_CLIP)
    log.info("calibration %s: %d samples, %d positive, train accuracy %.3f", kind, len(y), int(y.sum()),
             float(np.mean([(model.probability(dict(zip(FEATURES, row, strict=True))) >= 0.5) == label
                            for row, label in zip(x, y, strict=True)])))
    # Five places: the committed file is read by people reviewing a re-tune.
    return LogisticModel.of(FEATURES, [round(v, 5) for v in model.mean], [round(v, 5) for v in model.scale],
                            [round(c, 5) for c in model.coef], round(model.intercept, 5), clip=POLICY_CLIP)


def tune_thresholds(qa: PolicyQA, questions: list[dict], mode_params: ModeParams) -> ModeParams:
    """Answer threshold: best accuracy averaged over a +-0.1 window (ties: nearest 0.5). The
    answerer answers with each candidate in turn; it is left with the chosen ones. Each candidate
    gets a chat service of its own: one service would answer every candidate after the first from
    its answer cache, and every threshold would score the same."""
    # Below 0.3 a wrong answer becomes likelier than a right one on unseen questions.
    candidates = [round(0.2 + 0.05 * i, 2) for i in range(15)]
    accuracy = {}
    for answer in candidates:
        qa.answerer.params = replace(mode_params, answer_threshold=answer, suggest_threshold=answer)
        accuracy[answer] = evaluate(ChatService(qa, InMemorySessionStore()), questions)["accuracy"]

    def smoothed(value: float) -> float:
        return float(np.mean([a for t, a in accuracy.items() if abs(t - value) <= 0.1 + 1e-9]))

    # Below 0.3 a wrong answer becomes likelier than a right one on unseen questions.
    allowed = [t for t in candidates if 0.3 <= t <= 0.8]
    best = max(allowed, key=lambda t: (smoothed(t), accuracy[t], -abs(t - 0.5)))
    qa.answerer.params = replace(qa.answerer.params, answer_threshold=best)
    # The suggestion band reaches down while no out-of-scope question falls into it (and not below 0.25).
    suggest = best
    for candidate in [round(best - 0.05 * i, 2) for i in range(1, 7) if best - 0.05 * i >= 0.25 - 1e-9]:
        if _suggest_gain(qa, questions, candidate, best) >= 0:
            suggest = candidate
        else:
            break
    qa.answerer.params = replace(qa.answerer.params, suggest_threshold=suggest)
    log.info("thresholds: answer %.2f, suggest %.2f (tuning accuracy %.3f; by threshold %s)", best, suggest,
             accuracy[best], accuracy)
    return replace(mode_params, answer_threshold=best, suggest_threshold=suggest)


def _suggest_gain(qa: PolicyQA, questions: list[dict], low: float, high: float) -> int:
    """Right measure among the suggestions (+1) against out-of-scope questions shown suggestions (-2)."""
    gain = 0
    for item in standalone(questions):
        if item["type"] not in ("resp", "lead", "oos"):
            continue
        result = qa.answerer.answer(normalize(item["q"]))
        if not result.abstained or not (low <= result.confidence < high):
            continue
        titles = [m.title for m in result.measures]
        gain += 1 if item["type"] != "oos" and item.get("title") in titles else -2
    return gain


def tune(qa: PolicyQA, questions: list[dict], params: PolicyParams) -> PolicyParams:
    """`params` with the answerer's mode tuned: weights, then calibration, then thresholds."""
    mode = qa.answerer.mode
    mode_params = params.mode(mode)
    qa.answerer.params = mode_params
    samples = collect(qa, questions)
    for kind in KINDS:
        mode_params = mode_params.with_weights(kind, tune_weights(samples, kind, mode == "lexical"))
    qa.answerer.params = mode_params
    for kind in KINDS:
        mode_params = mode_params.with_calibration(kind, fit_calibration(samples, kind, mode_params))
    return params.with_mode(mode, tune_thresholds(qa, questions, mode_params))


def tune_modes(plans, registry, encoder, questions: list[dict], params: PolicyParams | None = None,
               modes: tuple[str, ...] = ("hybrid", "lexical")) -> PolicyParams:
    """Tune every mode in turn (hybrid needs the encoder); returns the full parameters."""
    params = params or load_params()
    for mode in modes:
        qa = PolicyQA(plans, encoder if mode == "hybrid" else None, registry, params=params)
        if qa.answerer.mode != mode:
            raise ValueError(f"cannot tune {mode}: the sentence encoder is not available")
        params = tune(qa, questions, params)
        if mode == "hybrid":
            params = replace(params, hybrid=replace(params.hybrid, model=model_name(encoder)))
    return replace(params, tuned_on={"questions": len(questions), "plans": [p.id for p in plans]})


def model_name(encoder) -> str:
    return Path(str(getattr(encoder, "model_dir", type(encoder).__name__))).name
