"""Fit the rumour pair model and two-level decision on the bundled corpus; write corpus/rumor_pair.json.

    .venv/bin/python -m bench.fit_rumor_pair [--data-dir DIR] [--out PATH] [--l2 L2]

Data (all in this repository; the manifest is stored in the output's `info`):
- corpus/materials (titles, claims, cards: claim-vs-title and claim-vs-neighbour pairs);
- tests/data/rumor_queries_set*.jsonl and rumor_uncovered_set*.jsonl (the project's questions),
  plus the covered questions asked with their own material left out (synthetic near misses).
tests/data/rumor_hard_set*.jsonl and the external corpus are never used for fitting: they score it.
Deterministic: no sampling, Newton steps from zero, the same inputs give the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import tempfile
import time
from pathlib import Path

from bench.rumor_pair_eval import Corpus
from graph.settings import BUNDLED_MATERIALS_DIR, PROJECT_ROOT, Settings
from qa_service.evaluation.rumor_pair_fit import fit_all
from qa_service.rumors.decision import PairScorer
from qa_service.rumors.pair import PAIR_MODEL_PATH

log = logging.getLogger("fit_rumor_pair")
DEFAULT_L2 = 1000.0


def manifest(paths: list[Path]) -> dict[str, str]:
    out = {}
    for path in paths:
        digest = hashlib.sha256()
        for f in sorted(path.glob("*.md")) if path.is_dir() else [path]:
            digest.update(f.read_bytes())
        out[str(path.relative_to(PROJECT_ROOT))] = digest.hexdigest()[:16]
    return out


def fitting_files() -> list[Path]:
    """What the shipped pair model is fitted on (its manifest lists their hashes)."""
    data = PROJECT_ROOT / "tests" / "data"
    return [
        BUNDLED_MATERIALS_DIR,
        *sorted(data.glob("rumor_queries_set*.jsonl")),
        *sorted(data.glob("rumor_uncovered_set*.jsonl")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, help="data dir to index the shipped material into (default: temp)"
    )
    parser.add_argument("--out", type=Path, default=PAIR_MODEL_PATH)
    parser.add_argument("--l2", type=float, default=DEFAULT_L2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from graph.encoder.factory import get_encoder

    started = time.perf_counter()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kepu-pair-"))
    encoder = get_encoder(Settings.from_env(data_dir))
    kepu = Corpus("kepu", BUNDLED_MATERIALS_DIR, data_dir, encoder, fit_only=True)
    model, decision = fit_all(kepu.index, kepu.terms, kepu.fit_asked, l2=args.l2)
    info = {
        "fitted_on": manifest(fitting_files()),
        "l2": args.l2,
        "questions": sum(not a.synthetic for a in kepu.asked),
        "synthetic_uncovered": sum(a.synthetic for a in kepu.asked),
        "engine": encoder.engine,
        "script": "bench/fit_rumor_pair.py",
    }
    PairScorer(model, decision, info).save(args.out)
    log.info(
        "pair model -> %s (confirm %.3f, suggest %.3f) in %.0fs",
        args.out,
        decision.confirm,
        decision.suggest,
        time.perf_counter() - started,
    )


if __name__ == "__main__":
    main()
