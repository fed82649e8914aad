"""Metrics and the abstention model's fitting, on synthetic evidence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa_service.evaluation.logistic import fit_logistic
from qa_service.evaluation.rumor_eval import (
    SYNTHETIC,
    Evidence,
    Query,
    choose_threshold,
    fit_calibration,
    load_queries,
    metrics,
)
from qa_service.rumors.calibration import FEATURES, Calibration
from qa_service.rumors.retrieval import FusionConfig


def _feats(strength: float) -> dict:
    return {name: strength for name in FEATURES}


def _evidence(rng: np.random.Generator) -> list[Evidence]:
    out = []
    for i in range(60):  # covered, ranked right, strong evidence
        out.append(Evidence(Query(f"c{i}", f"m{i % 6}"), [([f"m{i % 6}", "x"], [_feats(rng.normal(1.0, 0.3))])]))
    for i in range(30):  # uncovered, weak evidence
        out.append(Evidence(Query(f"u{i}", None, near=f"m{i % 6}"), [([f"m{i % 6}"], [_feats(rng.normal(-1.0, 0.3))])]))
    return out


def test_fit_logistic_learns_the_direction_of_the_evidence():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(1, 1, (200, 1)), rng.normal(-1, 1, (200, 1))])
    y = np.array([1.0] * 200 + [0.0] * 200)
    _, _, coef, intercept = fit_logistic(x, y)
    assert coef[0] > 0.5 and abs(intercept) < 0.5


def test_fitted_calibration_answers_covered_and_abstains_on_uncovered():
    evidence = _evidence(np.random.default_rng(1))
    calibration = fit_calibration(evidence, FusionConfig())
    figures = metrics(evidence, calibration)
    assert figures["answered_correct"] >= 0.95 and figures["uncovered_abstained"] >= 0.95
    assert figures["recall@1"] == 1.0 and figures["mrr"] == 1.0
    assert 0.05 <= calibration.threshold <= 0.95


def test_synthetic_negatives_shape_the_model_but_not_the_threshold():
    rng = np.random.default_rng(2)
    evidence = _evidence(rng)
    synthetic = [Evidence(Query(f"s{i}", None, kind=SYNTHETIC, near=f"m{i % 6}"),
                          [([f"m{(i + 1) % 6}"], [_feats(rng.normal(-0.6, 0.3))])]) for i in range(120)]
    calibration = fit_calibration(evidence, FusionConfig(), negatives=synthetic)
    figures = metrics(evidence, calibration)
    assert figures["answered_correct"] >= 0.95 and figures["uncovered_abstained"] >= 0.95
    assert metrics(synthetic, calibration)["uncovered_abstained"] >= 0.9


def test_with_a_clear_gap_the_threshold_sits_inside_it_not_at_its_edge():
    """A handful of uncovered questions must not pin the threshold right above the last of them."""
    plain = Calibration(coef=[1.0] + [0.0] * (len(FEATURES) - 1), intercept=0.0, threshold=0.5)
    covered = [Evidence(Query(f"c{i}", "m"), [(["m"], [_feats(2.0 + 0.01 * i)])]) for i in range(40)]
    uncovered = [Evidence(Query(f"u{i}", None, near="m"), [(["m"], [_feats(-2.0 - 0.01 * i)])]) for i in range(8)]
    threshold = choose_threshold([(covered + uncovered, plain)])
    # Probabilities: covered ~0.88, uncovered ~0.12; any threshold between separates them.
    assert 0.3 <= threshold <= 0.7, threshold
    assert choose_threshold([(covered + uncovered, plain)], smoothing=0) <= 0.15, "plain counts take the edge"


def test_metrics_count_ranks_and_wrong_answers():
    always = Calibration(coef=[0.0] * len(FEATURES), intercept=5.0, threshold=0.5)  # answers everything
    evidence = [Evidence(Query("a", "m1"), [(["m2", "m1"], [_feats(0)])]),
                Evidence(Query("b", "m1"), [(["m1"], [_feats(0)])]),
                Evidence(Query("c", None, near="m1"), [(["m1"], [_feats(0)])])]
    figures = metrics(evidence, always)
    assert figures["recall@1"] == 0.5 and figures["recall@3"] == 1.0 and figures["mrr"] == 0.75
    assert figures["answered_wrong"] == 0.5 and figures["uncovered_abstained"] == 0.0


def test_load_queries_tells_covered_from_uncovered(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"q": "a", "expect": "m", "kind": "typo"}) + "\n\n" + json.dumps({"q": "b", "near": "m"}),
                    encoding="utf-8")
    covered, uncovered = load_queries([path])
    assert (covered.expect, covered.kind) == ("m", "typo") and (uncovered.expect, uncovered.near) == (None, "m")
    path.write_text('{"q": "no label"}', encoding="utf-8")
    with pytest.raises(ValueError, match="expect"):
        load_queries([path])
