"""Tuned fusion weights, confidence calibration and thresholds (params.json beside this module, committed).

`python -m qa_service.evaluation.policy_tuning` rewrites the JSON from a question set. Two modes: "hybrid"
(BM25 + embeddings) and "lexical" (BM25 only, when the encoder is not available).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from graph.fsutil import atomic_write_text
from qa_service.evaluation.logistic import LogisticModel

PARAMS_PATH = Path(__file__).with_name("params.json")
FEATURES = ("fused_top", "margin", "cos_title", "cos_text", "cos_sent", "cov_top", "cov_vocab", "idf_top", "n_words", "cue")
KINDS = ("measure", "target", "section")

_MODE_DEFAULT = {
    "weights": {
        "measure": {"bm25": 0.3, "cos_title": 0.1, "cos_text": 0.3, "cos_sent": 0.3},
        "target": {"bm25": 0.5, "cos_title": 0.2, "cos_text": 0.3, "cos_sent": 0.0},
        "section": {"bm25": 0.5, "cos_title": 0.3, "cos_text": 0.2, "cos_sent": 0.0},
    },
    # Logistic regression over FEATURES, per document kind: P(top document is the right answer).
    "calibration": {
        kind: {"coef": [0.3, 0.5, 0.0, 0.0, 0.0, 4.0, 3.0, 1.0, 0.0, 0.5], "intercept": -5.5,
               "mean": [0.0] * 10, "scale": [1.0] * 10}
        for kind in KINDS
    },
    "answer_threshold": 0.5,
    "suggest_threshold": 0.3,
}
DEFAULT_PARAMS = {
    "hybrid": copy.deepcopy(_MODE_DEFAULT),
    "lexical": {**copy.deepcopy(_MODE_DEFAULT), "weights": {
        kind: {"bm25": 1.0, "cos_title": 0.0, "cos_text": 0.0, "cos_sent": 0.0} for kind in KINDS}},
    "unit_fuzzy_cutoff": 75.0,
    # Route to the rumour checker when its confidence beats the policy confidence by this much.
    "rumor_margin": 0.0,
    "rumor_min_confidence": 0.5,
}


def load_params(path: Path | None = None) -> dict:
    path = path or PARAMS_PATH
    params = copy.deepcopy(DEFAULT_PARAMS)
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        for key, value in stored.items():
            if key in ("hybrid", "lexical") and isinstance(value, dict):
                params[key].update(value)
            else:
                params[key] = value
    return params


def save_params(params: dict, path: Path | None = None) -> None:
    path = path or PARAMS_PATH
    text = json.dumps(params, ensure_ascii=False, indent=1)
    # One line per list of numbers: the file is read by people reviewing a re-tune.
    text = re.sub(r"\[\s*([-0-9.e,\s]+?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",")
                  + "]", text)
    atomic_write_text(path, text + "\n")


def probability(features: dict[str, float], calibration: dict) -> float:
    """The policy side's calibration of one answer kind (the one LogisticModel; absent features are 0)."""
    model = LogisticModel.of(FEATURES, calibration["mean"], calibration["scale"], calibration["coef"],
                             calibration["intercept"], clip=30.0)
    return model.probability(features, missing=0.0)
