"""Fit the rumour check's fusion weights and abstention model; write corpus/rumor_calibration.json.

    .venv/bin/python -m bench.tune_rumor_check [--data-dir DIR] [--out PATH] [--vector-cache NPZ]

Indexes the shipped material and runs qa_service/evaluation/rumor_tuning.py:tune (folds, grid,
held-out figures; the one logistic fit of qa_service/evaluation/logistic.py).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from graph.search.passage_index import IndexHandle
from graph.settings import BUNDLED_MATERIALS_DIR, Settings
from ingest.corpus_indexer import build_index
from qa_service.evaluation.rumor_tuning import CachedQueries, tune
from qa_service.rumors.calibration import CALIBRATION_PATH
from qa_service.rumors.check import RumorChecker

log = logging.getLogger("tune_rumor_check")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, help="data dir to index the shipped material into (default: temp)"
    )
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    parser.add_argument("--vector-cache", type=Path, help="npz file keeping query vectors between runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from graph.encoder.factory import get_encoder

    settings = Settings.from_env(args.data_dir or Path(tempfile.mkdtemp(prefix="kepu-tune-")))
    encoder = CachedQueries(get_encoder(settings))
    if args.vector_cache and args.vector_cache.exists():
        encoder.load(args.vector_cache)
    started = time.perf_counter()
    report = build_index(settings, encoder, BUNDLED_MATERIALS_DIR)
    log.info(
        "index: %d materials, %d entries (%.0fs)",
        report.materials,
        report.entries,
        time.perf_counter() - started,
    )
    checker = RumorChecker(IndexHandle(settings.index_dir, background=False), encoder)
    calibration = tune(
        checker,
        report.materials,
        after_gather=(lambda: encoder.save(args.vector_cache)) if args.vector_cache else None,
    )
    calibration.save(args.out)
    log.info("final fusion %s, threshold %.3f -> %s", calibration.fusion, calibration.threshold, args.out)


if __name__ == "__main__":
    main()
