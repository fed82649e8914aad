"""Tuned fusion weights, confidence calibration and thresholds (params.json beside this module, committed).

`python -m qa_service.evaluation.policy_tuning` (`kepu eval tune`) rewrites the JSON from a question
set. Two modes: "hybrid" (BM25 + embeddings) and "lexical" (BM25 only, when the encoder is not
available). Inside, the parameters are frozen dataclasses; `from_json` / `to_json` keep the file's
format, so loading and saving the committed file gives it back byte for byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from graph.fsutil import atomic_write_text
from qa_service.evaluation.logistic import LogisticModel

PARAMS_PATH = Path(__file__).with_name("params.json")
FEATURES = ("fused_top", "margin", "cos_title", "cos_text", "cos_sent", "cov_top", "cov_vocab", "idf_top", "n_words", "cue")
KINDS = ("measure", "target", "section")
SIGNALS = ("bm25", "cos_title", "cos_text", "cos_sent")
MODES = ("hybrid", "lexical")
POLICY_CLIP = 30.0  # |log-odds| of a policy answer's calibration kept below this


@dataclass(frozen=True)
class Weights:
    """Fusion weights of the four signals of one document kind (policy/index.py:fuse)."""

    bm25: float
    cos_title: float
    cos_text: float
    cos_sent: float

    @classmethod
    def from_json(cls, data: Mapping[str, float]) -> Weights:
        return cls(*(float(data.get(name, 0.0)) for name in SIGNALS))

    def to_json(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SIGNALS}


def calibration_from_json(data: Mapping) -> LogisticModel:
    """One answer kind's calibration over FEATURES (absent features read as 0 when scoring)."""
    return LogisticModel.of(FEATURES, [float(v) for v in data["mean"]], [float(v) for v in data["scale"]],
                            [float(v) for v in data["coef"]], float(data["intercept"]), clip=POLICY_CLIP)


def calibration_to_json(model: LogisticModel) -> dict:
    return {"coef": list(model.coef), "intercept": model.intercept, "mean": list(model.mean),
            "scale": list(model.scale)}


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ModeParams:
    """Everything one answering mode ("hybrid" or "lexical") is tuned on."""

    weights: Mapping[str, Weights]  # per document kind (KINDS)
    calibration: Mapping[str, LogisticModel]  # per document kind: P(top document is the right answer)
    answer_threshold: float
    suggest_threshold: float
    model: str | None = None  # the sentence encoder the hybrid mode was tuned with

    def __post_init__(self) -> None:
        missing = set(KINDS) - set(self.weights) | set(KINDS) - set(self.calibration)
        if missing:
            raise ValueError(f"policy parameters lack the document kinds {sorted(missing)}")
        object.__setattr__(self, "weights", _frozen(self.weights))
        object.__setattr__(self, "calibration", _frozen(self.calibration))

    @classmethod
    def from_json(cls, data: Mapping, base: ModeParams) -> ModeParams:
        """`data` over `base`: keys the file lacks keep their defaults."""
        weights = {k: Weights.from_json(v) for k, v in data["weights"].items()} if "weights" in data else base.weights
        calibration = ({k: calibration_from_json(v) for k, v in data["calibration"].items()}
                       if "calibration" in data else base.calibration)
        return cls(weights, calibration, float(data.get("answer_threshold", base.answer_threshold)),
                   float(data.get("suggest_threshold", base.suggest_threshold)), data.get("model", base.model))

    def to_json(self) -> dict:
        out = {"weights": {k: w.to_json() for k, w in self.weights.items()},
               "calibration": {k: calibration_to_json(m) for k, m in self.calibration.items()},
               "answer_threshold": self.answer_threshold, "suggest_threshold": self.suggest_threshold}
        if self.model is not None:
            out["model"] = self.model
        return out

    def with_weights(self, kind: str, weights: Weights) -> ModeParams:
        return replace(self, weights={**self.weights, kind: weights})

    def with_calibration(self, kind: str, model: LogisticModel) -> ModeParams:
        return replace(self, calibration={**self.calibration, kind: model})


@dataclass(frozen=True)
class PolicyParams:
    hybrid: ModeParams
    lexical: ModeParams
    unit_fuzzy_cutoff: float = 75.0
    rumor_margin: float = 0.0  # route to the rumour checker when its confidence beats the policy's by this
    rumor_min_confidence: float = 0.5
    tuned_on: Mapping | None = field(default=None, compare=False)  # questions and plans of the last tune

    def mode(self, name: str) -> ModeParams:
        if name not in MODES:
            raise ValueError(f"unknown answering mode {name!r}")
        return getattr(self, name)

    def with_mode(self, name: str, params: ModeParams) -> PolicyParams:
        self.mode(name)
        return replace(self, **{name: params})

    @classmethod
    def from_json(cls, data: Mapping, base: PolicyParams | None = None) -> PolicyParams:
        base = base or DEFAULT_PARAMS
        return cls(
            hybrid=ModeParams.from_json(data["hybrid"], base.hybrid) if "hybrid" in data else base.hybrid,
            lexical=ModeParams.from_json(data["lexical"], base.lexical) if "lexical" in data else base.lexical,
            unit_fuzzy_cutoff=float(data.get("unit_fuzzy_cutoff", base.unit_fuzzy_cutoff)),
            rumor_margin=float(data.get("rumor_margin", base.rumor_margin)),
            rumor_min_confidence=float(data.get("rumor_min_confidence", base.rumor_min_confidence)),
            tuned_on=data.get("tuned_on", base.tuned_on),
        )

    def to_json(self) -> dict:
        out = {"hybrid": self.hybrid.to_json(), "lexical": self.lexical.to_json(),
               "unit_fuzzy_cutoff": self.unit_fuzzy_cutoff, "rumor_margin": self.rumor_margin,
               "rumor_min_confidence": self.rumor_min_confidence}
        if self.tuned_on is not None:
            out["tuned_on"] = self.tuned_on
        return out


def _default_mode(weights: dict[str, dict[str, float]]) -> ModeParams:
    start = {"coef": [0.3, 0.5, 0.0, 0.0, 0.0, 4.0, 3.0, 1.0, 0.0, 0.5], "intercept": -5.5,
             "mean": [0.0] * len(FEATURES), "scale": [1.0] * len(FEATURES)}
    return ModeParams({k: Weights.from_json(w) for k, w in weights.items()},
                      {k: calibration_from_json(start) for k in KINDS}, answer_threshold=0.5, suggest_threshold=0.3)


DEFAULT_PARAMS = PolicyParams(
    hybrid=_default_mode({
        "measure": {"bm25": 0.3, "cos_title": 0.1, "cos_text": 0.3, "cos_sent": 0.3},
        "target": {"bm25": 0.5, "cos_title": 0.2, "cos_text": 0.3, "cos_sent": 0.0},
        "section": {"bm25": 0.5, "cos_title": 0.3, "cos_text": 0.2, "cos_sent": 0.0},
    }),
    lexical=_default_mode({k: {"bm25": 1.0} for k in KINDS}),
)


def load_params(path: Path | None = None) -> PolicyParams:
    """The committed parameters (built-in defaults for whatever the file lacks)."""
    path = path or PARAMS_PATH
    if not path.exists():
        return DEFAULT_PARAMS
    return PolicyParams.from_json(json.loads(path.read_text(encoding="utf-8")))


def params_text(params: PolicyParams) -> str:
    text = json.dumps(params.to_json(), ensure_ascii=False, indent=1)
    # One line per list of numbers: the file is read by people reviewing a re-tune.
    text = re.sub(r"\[\s*([-0-9.e,\s]+?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",")
                  + "]", text)
    return text + "\n"


def save_params(params: PolicyParams, path: Path | None = None) -> None:
    atomic_write_text(path or PARAMS_PATH, params_text(params))
