"""Fit the rumour check's fusion weights and abstention model on the project's two query sets.

The two query sets were written by different people about different materials (set1 and set2
share no expected material), so they are the folds: for each fold the fusion weights are chosen
and the abstention model fitted on the *other* set, and figures are measured on this one. Those
held-out figures are what gets reported. The committed calibration is then fitted the same way on
both sets together, and the held-out figures are stored with it. Besides the written uncovered
questions, the model learns from synthetic ones: the tuning set's covered questions asked with
their own material left out (rumor_eval.synthetic_uncovered). The fit itself is the one logistic
fit (qa_service/evaluation/logistic.py) through rumor_eval.fit_calibration.

`bench/tune_rumor_check.py` builds the index of the shipped material and calls `tune`.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from pathlib import Path

import numpy as np

from qa_service.evaluation.rumor_eval import (
    Evidence,
    fit_calibration,
    gather,
    load_queries,
    metrics,
    pooled_metrics,
    query_sets,
    synthetic_uncovered,
)
from qa_service.rumors.calibration import Calibration
from qa_service.rumors.check import RumorChecker
from qa_service.rumors.retrieval import FusionConfig

RRF_K = (5.0, 10.0, 20.0, 60.0)
W_BM25 = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)

log = logging.getLogger(__name__)


class CachedQueries:
    """Every query text embedded once for the whole grid (forwarded messages are many clauses)."""

    def __init__(self, encoder):
        self.inner, self.dim, self.model_dir = encoder, encoder.dim, getattr(encoder, "model_dir", None)
        self.cache: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode_queries(missing), strict=True))
        return np.stack([self.cache[t] for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return self.inner.encode_passages(texts, batch_size, show_progress)

    def load(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as saved:
            self.cache.update(zip(saved["texts"].tolist(), saved["vectors"], strict=True))

    def save(self, path: Path) -> None:
        texts = list(self.cache)
        np.savez(path, texts=np.array(texts), vectors=np.stack([self.cache[t] for t in texts]))


def _objective(m: dict) -> float:
    # Ranking quality only; abstention is fitted afterwards on the chosen ranking.
    return m["mrr"] + 0.5 * m["recall@3"]


def choose_fusion(grid: dict[FusionConfig, list[Evidence]]) -> FusionConfig:
    scored = {f: _objective(metrics(ev, Calibration(fusion=f))) for f, ev in grid.items()}
    return max(scored, key=lambda f: (round(scored[f], 4), -f.w_bm25))


def tune(checker: RumorChecker, materials: int, after_gather=None) -> Calibration:
    """The calibration fitted on both folds, with held-out figures in its `info`; `after_gather` is
    called once the evidence of every configuration is in (the query vectors are all computed)."""
    started = time.perf_counter()
    queries = {name: load_queries(paths) for name, paths in query_sets().items()}
    configs = [FusionConfig(mode="dense"), FusionConfig(mode="bm25")]
    configs += [FusionConfig(rrf_k=k, w_bm25=w) for k, w in itertools.product(RRF_K, W_BM25)]
    grid = {name: {f: gather(checker, qs, f) for f in configs} for name, qs in queries.items()}
    log.info("evidence for %d configurations gathered (%.0fs)", len(configs), time.perf_counter() - started)
    if after_gather is not None:
        after_gather()

    synthetic: dict[tuple[str, FusionConfig], list[Evidence]] = {}

    def negatives(names: list[str], f: FusionConfig) -> list[Evidence]:
        """Synthetic uncovered evidence of these sets under fusion `f` (gathered once)."""
        for n in names:
            if (n, f) not in synthetic:
                synthetic[(n, f)] = gather(checker, synthetic_uncovered(queries[n]), f)
        return [e for n in names for e in synthetic[(n, f)]]

    held_out, parts, synthetic_parts = {}, {"hybrid": [], "bm25": [], "dense": []}, []
    for name in queries:
        others = [n for n in queries if n != name]
        tune_grid = {f: [e for n in others for e in grid[n][f]] for f in configs if f.mode == "rrf"}
        fusion = choose_fusion(tune_grid)
        chosen = {"hybrid": fusion, "bm25": FusionConfig(mode="bm25"), "dense": FusionConfig(mode="dense")}
        held_out[name] = {"fusion": fusion.__dict__}
        for mode, f in chosen.items():
            calibration = fit_calibration(
                [e for n in others for e in grid[n][f]], f, negatives=negatives(others, f)
            )
            parts[mode].append((grid[name][f], calibration))
            held_out[name][mode] = {**metrics(grid[name][f], calibration), "threshold": calibration.threshold}
            if mode == "hybrid":
                own = negatives([name], f)
                synthetic_parts.append((own, calibration))
                held_out[name][mode]["synthetic_uncovered_abstained"] = metrics(own, calibration)[
                    "uncovered_abstained"
                ]
        log.info(
            "held-out %s (fusion %s): %s",
            name,
            fusion,
            json.dumps(held_out[name]["hybrid"], ensure_ascii=False),
        )
    pooled = {mode: pooled_metrics(p) for mode, p in parts.items()}
    pooled["hybrid"]["synthetic_uncovered_abstained"] = pooled_metrics(synthetic_parts)["uncovered_abstained"]

    all_grid = {f: [e for n in queries for e in grid[n][f]] for f in configs if f.mode == "rrf"}
    fusion = choose_fusion(all_grid)
    calibration = fit_calibration(all_grid[fusion], fusion, negatives=negatives(list(queries), fusion))
    calibration.info = {
        "fitted_on": {n: [p.name for p in paths] for n, paths in query_sets().items()},
        "materials": materials,
        "held_out": {
            "note": "each set scored with fusion and abstention model fitted on the other set only; "
            "synthetic_uncovered_abstained: that set's covered questions asked with their "
            "material left out of the index",
            "pooled": pooled,
            **held_out,
        },
        "in_sample": metrics(all_grid[fusion], calibration),
    }
    for mode, figures in pooled.items():
        log.info("pooled held-out %s: %s", mode, json.dumps(figures, ensure_ascii=False))
    return calibration
