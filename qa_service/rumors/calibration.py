"""When does a retrieved material really answer the question? Features and a fitted logistic model.

e5 cosines sit in a narrow band, so no fixed cut-off separates "this material is about that claim"
from "nothing vetted covers it". The decision uses features of the top candidate — how far it
stands out from the rest, how much of the query its claims (and its whole text) explain, how much
of its claims' key terms the query carries, how much of the query is made of words the corpus uses
elsewhere but this material never does (the predicate differs: 大蒜降血压 against a material on
大蒜 and viruses), whether BM25 and the dense ranking agree — and, from the material's claim terms
(graph.search.claim_terms), how close the question is to the material's card (the rumour and its rebuttal
as one statement) compared with the other candidates' cards, how strongly it evokes the least
evoked word of the best-matched claim (a paraphrase evokes 醋 without writing it; 深海鱼油能软化血管吗
does not), and how much of its weight lies in words the material's text never uses. They are
combined by a logistic model fitted on tuning queries by `bench/tune_rumor_check.py` and stored as
JSON in `corpus/rumor_calibration.json`.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.search.claim_terms import ClaimTerms, plain_words
from graph.search.passage_index import PassageIndex
from graph.settings import PROJECT_ROOT
from graph.text_normalizer import normalize
from qa_service.evaluation.logistic import LogisticModel
from qa_service.rumors.retrieval import SHORT_KINDS, Candidate, FusionConfig, Retrieval

log = logging.getLogger(__name__)

CALIBRATION_PATH = PROJECT_ROOT / "corpus" / "rumor_calibration.json"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Characters that carry no topic on their own; the character-level overlap ignores them.
_STOP_CHARS = set("的了吗呢吧啊呀是有会能要在和与及或就都也还又再才把被让给从向于以为这那个些么什人们说")

FEATURES = ("dense", "dense_short", "dense_gap", "dense_z", "q_cov", "c_cov", "char_cov", "agree", "body_cov",
            "foreign", "card", "card_gap", "term_min", "key_min", "unexplained")


def _weighted_cover(index: PassageIndex, wanted: set[str], have: set[str]) -> float:
    total = sum(index.idf(t) for t in wanted)
    return sum(index.idf(t) for t in wanted & have) / total if total > 0 else 0.0


def _idf_shares(index: PassageIndex, q_tokens: set[str], material: frozenset[str]) -> tuple[float, float]:
    """Shares of the query's weight found in the material, and known to the corpus but not to it."""
    total = inside = foreign = 0.0
    for t in q_tokens:
        w = index.idf(t)
        total += w
        if t in material:
            inside += w
        elif t in index.doc_freq:
            foreign += w
    return (inside / total, foreign / total) if total > 0 else (0.0, 0.0)


def _misspelt(index: PassageIndex, word: str, vocabulary: set[str]) -> bool:
    """Whether `word` is one of `vocabulary` with one character wrong (隔液菜, 头包, 流敢) and no word
    of its own: 鸭蛋 is one character away from 鸡蛋 but another thing, and the dictionary knows it."""
    return len(word) >= 2 and not index.tokenizer.is_word(word) and any(
        len(other) == len(word) and sum(a != b for a, b in zip(word, other, strict=True)) == 1 for other in vocabulary)


def _unexplained(index: PassageIndex, text: str, claim_words: set[str], tokens: list[str]) -> float:
    """Share of the query's word weight in words the material's text never uses (深海鱼油 asked of a
    material on 醋). A misspelling of one of its claim words counts as used: a typo is no new subject."""
    total = missing = 0.0
    for word in plain_words(tokens):
        weight = index.idf(word)
        total += weight
        if word not in text and not _misspelt(index, word, claim_words):
            missing += weight
    return missing / total if total > 0 else 0.0


def _material_text(index: PassageIndex, ordinal: int) -> str:
    record = index.materials[index.material_ids[ordinal]]
    return normalize("。".join([record.title, *record.claims, record.summary, record.body])).lower()


def candidate_features(index: PassageIndex, retrieval: Retrieval, cand: Candidate, query: str,
                       terms: ClaimTerms | None = None) -> dict[str, float]:
    """Features of one candidate material for one (normalised) query; `terms` are the index's
    claim terms (without them the claim-term features take neutral stand-ins)."""
    if retrieval.candidates and cand is retrieval.candidates[0] and retrieval.runner_up_dense is not None:
        others = [retrieval.runner_up_dense]  # the full shortlist, even when only the top is kept
    else:
        others = [c.dense for c in retrieval.candidates if c is not cand]
    pool = retrieval.dense_pool
    spread = float(pool.std()) if len(pool) > 1 else 0.0
    q_tokens = set(retrieval.tokens)
    claim_sets, claim_text = [], []
    for i in index.material_entries[cand.ordinal]:
        entry = index.entries[i]
        if entry.kind in SHORT_KINDS:
            claim_sets.append(set(index.short_tokens[i] or ()))
            claim_text.append(entry.text)
    short_union = set().union(*claim_sets) if claim_sets else set()
    q_chars = {ch for ch in query if _CJK.match(ch) and ch not in _STOP_CHARS}
    c_chars = set("".join(claim_text))
    # A query word the corpus knows but this material never uses is a sign the question is about
    # something else (大蒜 *降血压* asked of a material on 大蒜 and viruses); a word unknown to the
    # whole corpus is just the asker's own wording and counts for nothing.
    body_cov, foreign = _idf_shares(index, q_tokens, index.material_tokens[cand.ordinal])
    dense_gap = cand.dense - max(others, default=cand.dense - 0.05)
    vector = retrieval.vector
    if terms is not None and vector is not None:
        ordinals = [c.ordinal for c in retrieval.candidates if c is not cand]
        card = float(terms.card_scores([cand.ordinal], vector)[0])
        card_gap = card - float(terms.card_scores(ordinals, vector).max()) if ordinals else 0.05
        term_min, key_min = terms.term_support(index, cand.ordinal, vector, query)
        text = terms.material_text(index, cand.ordinal)
    else:
        card, card_gap, term_min, key_min = cand.dense_short, dense_gap, 0.0, 0.0
        text = _material_text(index, cand.ordinal)
    return {
        "dense": cand.dense,
        "dense_short": cand.dense_short,
        "dense_gap": dense_gap,
        "dense_z": (cand.dense - float(pool.mean())) / (spread + 0.01) if len(pool) else 0.0,
        "q_cov": _weighted_cover(index, q_tokens, short_union),
        "c_cov": max((_weighted_cover(index, s, q_tokens) for s in claim_sets), default=0.0),
        "char_cov": len(q_chars & c_chars) / len(q_chars) if q_chars else 0.0,
        "agree": 1.0 if cand.dense_rank == 1 and cand.bm25_rank == 1 else 0.0,
        "body_cov": body_cov,
        "foreign": foreign,
        "card": card,
        "card_gap": card_gap,
        "term_min": term_min,
        "key_min": key_min,
        "unexplained": _unexplained(index, text, short_union, retrieval.tokens),
    }


@dataclass
class Calibration:
    """Fusion settings and the abstention model, as fitted by the tuning script."""

    fusion: FusionConfig = field(default_factory=FusionConfig)
    features: tuple[str, ...] = FEATURES
    mean: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    scale: list[float] = field(default_factory=lambda: [1.0] * len(FEATURES))
    coef: list[float] = field(default_factory=lambda: [0.0, 0.0, 20.0, 0.3, 2.0, 2.0, 1.0, 0.5, 1.0, -3.0,
                                                       0.0, 10.0, 0.3, 0.3, -2.0])
    intercept: float = -2.0
    threshold: float = 0.5
    info: dict = field(default_factory=dict)  # what it was fitted on and held-out figures

    def __post_init__(self) -> None:
        self.model()  # one value per feature
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown calibration features: {sorted(unknown)}")

    def model(self) -> LogisticModel:
        """The abstention model (the one LogisticModel), from the current vectors."""
        return LogisticModel.of(self.features, self.mean, self.scale, self.coef, self.intercept, clip=40.0)

    def probability(self, feats: dict[str, float]) -> float:
        return self.model().probability(feats)

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        return np.array([feats[name] for name in self.features], dtype=np.float64)

    def to_json(self) -> dict:
        f = self.fusion
        return {
            "version": 1,
            "fusion": {"mode": f.mode, "rrf_k": f.rrf_k, "w_dense": f.w_dense, "w_bm25": f.w_bm25, "depth": f.depth},
            "abstain": {"features": list(self.features), "mean": self.mean, "scale": self.scale,
                        "coef": self.coef, "intercept": self.intercept, "threshold": self.threshold},
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        ab = data["abstain"]
        return cls(fusion=FusionConfig(**data["fusion"]), features=tuple(ab["features"]),
                   mean=[float(x) for x in ab["mean"]], scale=[float(x) for x in ab["scale"]],
                   coef=[float(x) for x in ab["coef"]], intercept=float(ab["intercept"]),
                   threshold=float(ab["threshold"]), info=data.get("info", {}))

    def save(self, path: Path) -> None:
        from graph.fsutil import atomic_write_text

        atomic_write_text(Path(path), json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")


def load_calibration(path: Path | None = None) -> Calibration:
    """The committed calibration; built-in defaults (and a warning) when the file is missing or bad."""
    path = Path(path or CALIBRATION_PATH)
    try:
        return Calibration.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        log.warning("no rumour-check calibration at %s; using built-in defaults", path)
    except (ValueError, KeyError, TypeError) as exc:
        log.error("rumour-check calibration %s is invalid (%s); using built-in defaults", path, exc)
    return Calibration()
