"""Pair model and two-level decision: file format, features, levels, several rumours, fitting."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from qa_service.evaluation.rumor_pair_fit import fit_pair
from qa_service.rumors.decision import (
    CONFIRMED,
    NONE,
    SUGGESTED,
    Decision,
    PairScorer,
    Pick,
    answers,
    calibrated_picks,
    confirmed_picks,
    load_pair_scorer,
)
from qa_service.rumors.pair import PairModel, pair_features


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_pair_features_read_both_vectors_together():
    q, c = _unit([1, 0, 0, 1]), _unit([[1, 0, 1, 0], [0, 1, 0, 0]])
    x = pair_features(q, c)
    assert x.shape == (2, 9)
    assert np.allclose(x[:, :4], q * c) and np.allclose(x[:, 4:8], np.abs(q - c))
    assert np.allclose(x[:, 8], c @ q)


def test_a_fitted_pair_model_separates_same_claim_from_another_claim():
    rng = np.random.default_rng(0)
    dim, rows, labels = 8, [], []
    for _ in range(200):
        q = _unit(rng.normal(size=dim))
        same = _unit(q + 0.2 * rng.normal(size=dim))
        other = _unit(rng.normal(size=dim))
        rows += [pair_features(q, same[None])[0], pair_features(q, other[None])[0]]
        labels += [1.0, 0.0]
    model = fit_pair(np.array(rows, dtype=np.float64), np.array(labels), l2=1.0)
    q = _unit(rng.normal(size=dim))
    same, other = _unit(q + 0.2 * rng.normal(size=dim)), _unit(rng.normal(size=dim))
    logits = model.logits(q, np.stack([same, other]))
    assert logits[0] > 0 > logits[1], f"same claim should score above 0 and another below, got {logits}"


def test_pair_scorer_round_trips_through_its_json_file(tmp_path):
    model = PairModel(np.zeros(9, np.float32), np.ones(9, np.float32), np.arange(9, dtype=np.float32), -0.5)
    path = tmp_path / "pair.json"
    PairScorer(model, Decision(confirm=0.8, suggest=0.3), {"fitted_on": "x"}).save(path)
    loaded = load_pair_scorer(path)
    assert loaded.model.dim == 4 and loaded.decision.confirm == 0.8 and loaded.decision.suggest == 0.3
    assert np.allclose(loaded.model.coef, model.coef) and loaded.info == {"fitted_on": "x"}


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps(
            {"pair": {"dim": 4, "mean": [0], "scale": [1], "coef": [1], "intercept": 0}, "decision": {}}
        ),
    ],
)
def test_a_bad_pair_file_turns_the_pair_scorer_off(tmp_path, content):
    path = tmp_path / "pair.json"
    path.write_text(content, encoding="utf-8")
    assert load_pair_scorer(path) is None
    assert load_pair_scorer(tmp_path / "missing.json") is None


def test_levels_follow_the_two_thresholds():
    decision = Decision(confirm=0.7, suggest=0.3)
    assert decision.level(0.9) == CONFIRMED
    assert decision.level(0.5) == SUGGESTED
    assert decision.level(0.1) == NONE


def _pick(material: str, probability: float, clause: int = 0) -> Pick:
    return Pick(clause, f"clause {clause}", SimpleNamespace(material_id=material), {}, probability)


def test_a_message_with_two_rumours_gets_both_confirmed_answers_once_each():
    decision = Decision(confirm=0.7, suggest=0.3)
    scored = [_pick("a", 0.95, 1), _pick("a", 0.9, 0), _pick("b", 0.8, 2), _pick("c", 0.5, 3)]
    got = answers(decision, scored)
    assert [p.material_id for p in got] == ["a", "b"], (
        "each confirmed material once; a suggestion is no answer"
    )


def test_a_decision_names_its_features_and_a_file_with_unknown_ones_is_refused(tmp_path):
    features = ("pair", "pair_gap", "dense_rel")
    decision = Decision(
        features=features, mean=[0.0] * 3, scale=[1.0] * 3, coef=[2.0, 1.0, 3.0], rank_coef=[1.0, 0.0, 0.0]
    )
    again = Decision.from_json(decision.to_json())
    feats = {"pair": 1.0, "pair_gap": 0.5, "dense_rel": 0.1}
    assert again.features == features and again.probability(feats) == pytest.approx(decision.probability(feats))
    bad = {**decision.to_json(), "features": ["pair", "pair_gap", "shared_words"]}
    with pytest.raises(ValueError):
        Decision.from_json(bad)


def test_a_claim_word_without_a_counterpart_in_the_message_is_only_suggested():
    """大蒜降血压 against 大蒜杀病毒: however probable the pick, a key word of the claim that the
    message does not evoke (key_min below zero) keeps it from being a verdict."""
    decision = Decision(confirm=0.68, suggest=0.3)
    assert decision.level(0.8, {"key_min": 0.4}) == CONFIRMED
    assert decision.level(0.8, {"key_min": -0.7}) == SUGGESTED
    assert decision.level(0.2, {"key_min": 2.0}) == NONE


def _clause(i: int, material: str, key_min: float):
    from qa_service.rumors.check import ClauseEvidence
    from qa_service.rumors.retrieval import Candidate, Retrieval

    cand = Candidate(ordinal=i, material_id=material)
    return ClauseEvidence(f"clause {i}", Retrieval(tokens=[], candidates=[cand]), [{"p": 0.9, "key_min": key_min}])


def test_a_calibrated_verdict_needs_the_key_words_or_the_pair_decision_behind_it():
    """The calibration reads shared words: 灰指甲用醋泡能治好吗 shares every key word of a material
    on 指甲变灰; its verdict stands only when the claim's key words are evoked or the pair decision
    picks the same material itself."""

    calibration = SimpleNamespace(threshold=0.5, probability=lambda f: f["p"])
    decision = Decision(confirm=0.7, suggest=0.3)
    evoked, not_evoked, backed = _clause(0, "m-a", 0.4), _clause(1, "m-b", -0.8), _clause(2, "m-c", -0.8)
    scored = [
        Pick(1, "clause 1", backed.retrieval.candidates[0], {"key_min": -0.8}, 0.2),  # another pick, weak
        Pick(2, "clause 2", backed.retrieval.candidates[0], {"key_min": -0.8}, 0.35),  # same material
    ]
    got = calibrated_picks(calibration, decision, [evoked, not_evoked, backed], scored)
    assert [p.material_id for p in got] == ["m-a", "m-c"]
    # the pair decision's pick for clause 2 is at a suggestion's level only: not a verdict of its own
    assert [p.material_id for p in confirmed_picks(calibration, decision, [not_evoked], scored)] == []


def test_the_committed_pair_model_was_fitted_on_the_material_as_it_is():
    """Editing the bundled material or the fitting questions without refitting leaves a decision
    tuned to texts that are gone: `python -m bench.fit_rumor_pair` after such a change."""
    from bench.fit_rumor_pair import fitting_files, manifest

    scorer = load_pair_scorer()
    assert scorer is not None
    assert scorer.info["fitted_on"] == manifest(fitting_files())
