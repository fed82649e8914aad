"""The typed policy parameters read and write params.json in its own format."""

from __future__ import annotations

import dataclasses
import json

import pytest

from qa_service.policy.params import (
    DEFAULT_PARAMS,
    PARAMS_PATH,
    PolicyParams,
    Weights,
    load_params,
    params_text,
    save_params,
)


def test_the_committed_file_comes_back_byte_for_byte(tmp_path):
    params = load_params()
    assert params_text(params) == PARAMS_PATH.read_text(encoding="utf-8")
    save_params(params, tmp_path / "params.json")
    assert (tmp_path / "params.json").read_bytes() == PARAMS_PATH.read_bytes()


def test_a_file_with_some_keys_keeps_the_defaults_for_the_others(tmp_path):
    path = tmp_path / "params.json"
    path.write_text(json.dumps({"hybrid": {"answer_threshold": 0.45}, "rumor_margin": 0.1}), encoding="utf-8")
    params = load_params(path)
    assert params.hybrid.answer_threshold == 0.45
    assert params.hybrid.suggest_threshold == DEFAULT_PARAMS.hybrid.suggest_threshold
    assert params.hybrid.weights == DEFAULT_PARAMS.hybrid.weights
    assert params.rumor_margin == 0.1 and params.lexical == DEFAULT_PARAMS.lexical
    assert load_params(tmp_path / "missing.json") == DEFAULT_PARAMS


def test_parameters_are_frozen_and_changed_only_by_copy():
    params = load_params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.hybrid.answer_threshold = 0.9
    with pytest.raises(TypeError):
        params.hybrid.weights["measure"] = Weights(1.0, 0.0, 0.0, 0.0)
    changed = params.with_mode("lexical", params.lexical.with_weights("target", Weights(0.5, 0.5, 0.0, 0.0)))
    assert changed.lexical.weights["target"].cos_title == 0.5
    assert params.lexical.weights["target"].cos_title == 0.0
    with pytest.raises(ValueError):
        params.mode("fuzzy")


def test_calibration_scores_like_the_file_says():
    params = load_params()
    data = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))["hybrid"]["calibration"]["measure"]
    model = params.hybrid.calibration["measure"]
    z = data["intercept"] + sum(
        c * (0.0 - m) / s for c, m, s in zip(data["coef"], data["mean"], data["scale"], strict=True)
    )
    assert model.log_odds({}, missing=0.0) == pytest.approx(z)
    assert PolicyParams.from_json(params.to_json()) == params
