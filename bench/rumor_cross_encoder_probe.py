"""Probe: a cross-encoder fine-tuned from the bundled e5-small, as the rumour decision (issue 15).

    KEPU_RUMOR_EVAL_DIR=... .venv/bin/python -m bench.rumor_cross_encoder_probe [--work DIR]

Fits on kepu's own questions (plain, uncovered and the synthetic near misses of
bench.rumor_pair_eval: each clause against its top retrieval candidates, the right material as the
positive), then reads every (clause, candidate card) pair of the external corpus's questions and
takes each question's best pair as its answer. Printed: the top-1 rate and, at the thresholds
where 85 / 90 / 95 % of uncovered questions abstain, the plain and hard questions confirmed right,
beside the committed pair decision read the same way. The thresholds are read off the scored
corpus itself, so both rows are upper bounds of what a fitted threshold would reach.

A measurement, not shipped: on 2026-12-03 (one epoch, the lower 6 layers and the embeddings
frozen, 4,459 pairs, ~7 min on 2 cores) it ranked the right material first for 80 % of plain and
66 % of hard questions (the pair reranker: 100 % / 87 %) and confirmed 14 % / 15 % at 90 %
abstained (pair: 100 % / 43 %). Some five hundred positive pairs are far too few to teach a
bi-encoder's weights to read two texts across each other.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
from pathlib import Path

import numpy as np

from bench.rumor_pair_eval import Corpus, rebuts, same_claim
from graph.settings import BUNDLED_MATERIALS_DIR, Settings

log = logging.getLogger("rumor_cross_encoder_probe")
CANDIDATES = 5
MAX_TOKENS = 128
SEED = 13


def card(index, material_id: str) -> str:
    """The material's title and claims, as one text (the pair model's 'card' without the summary)."""
    ordinal = index.material_ids.index(material_id)
    texts = [
        index.entries[i].text
        for i in index.material_entries[ordinal]
        if index.entries[i].kind in ("title", "claim")
    ]
    return "；".join(dict.fromkeys(texts))[:200]


def pairs(corpus: Corpus, asked: list, training: bool) -> list[tuple[int, str, str, str, float]]:
    """(question number, material, clause, card, label) for each clause's top candidates."""
    out = []
    for n, a in enumerate(asked):
        for ev in a.clauses[:4]:
            cands = ev.retrieval.candidates[:CANDIDATES]
            ids = [c.material_id for c in cands]
            if training and (a.expect and a.expect not in ids):
                continue  # no positive to learn from in this clause
            if training and not a.expect:
                cands = cands[:3]
            for c in cands:
                label = float(bool(a.expect) and c.material_id == a.expect)
                out.append((n, c.material_id, ev.clause, card(corpus.index, c.material_id), label))
    return out


def fit(model_dir: Path, rows: list, freeze: int = 6, lr: float = 4e-5, batch: int = 16):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, num_labels=1)
    frozen = [model.roberta.embeddings, *model.roberta.encoder.layer[:freeze]]
    for part in frozen:
        for p in part.parameters():
            p.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = (len(rows) + batch - 1) // batch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    positives = sum(r[-1] for r in rows)
    loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(((len(rows) - positives) / max(positives, 1)) ** 0.5)
    )
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    model.train()
    for step, start in enumerate(range(0, len(rows), batch)):
        chunk = [rows[i] for i in order[start : start + batch]]
        logits = model(**_encode(tok, chunk)).logits[:, 0]
        loss = loss_fn(logits, torch.tensor([r[-1] for r in chunk]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 50 == 0:
            log.info("step %d/%d loss %.3f", step, steps, loss.item())
    return model.eval(), tok


def _encode(tok, chunk):
    return tok(
        ["query: " + r[2] for r in chunk],
        ["passage: " + r[3] for r in chunk],
        truncation=True,
        max_length=MAX_TOKENS,
        padding=True,
        return_tensors="pt",
    )


def score(model, tok, rows: list, batch: int = 32) -> list[float]:
    import torch

    out = [0.0] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][2]) + len(rows[i][3]))
    with torch.no_grad():
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            for i, v in zip(
                idx, model(**_encode(tok, [rows[i] for i in idx])).logits[:, 0].tolist(), strict=True
            ):
                out[i] = v
    return out


def curve(asked: list, best: dict[int, tuple[str, float]]) -> dict:
    """Top-1 rate and confirmed-right shares where 85/90/95 % of uncovered questions abstain."""
    same = same_claim()

    def right(n):
        return n in best and rebuts(best[n][0], asked[n].expect, same)

    kinds = {k: [n for n, a in enumerate(asked) if a.expect and a.kind == k] for k in ("plain", "hard")}
    uncovered = [n for n, a in enumerate(asked) if not a.expect]
    out = {"top1": {k: float(np.mean([right(n) for n in ns])) for k, ns in kinds.items()}}
    for target in (0.85, 0.90, 0.95):
        for t in sorted({s for _, s in best.values()}) + [float("inf")]:
            if np.mean([not (n in best and best[n][1] >= t) for n in uncovered]) >= target:
                break
        out[f"abstained>={target}"] = {
            k: float(np.mean([right(n) and best[n][1] >= t for n in ns])) for k, ns in kinds.items()
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kepu-rumor-pair-eval"))
    parser.add_argument("--freeze", type=int, default=6, help="lower encoder layers kept frozen")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    external_dir = os.environ.get("KEPU_RUMOR_EVAL_DIR")
    if not external_dir or not (Path(external_dir) / "materials").is_dir():
        parser.error("set KEPU_RUMOR_EVAL_DIR to the converted external corpus (see README)")
    from graph.encoder.factory import get_encoder
    from qa_service.evaluation.rumor_pair_fit import score_picks
    from qa_service.rumors.decision import load_pair_scorer

    settings = Settings.from_env(args.work / "kepu")
    encoder = get_encoder(settings)
    kepu = Corpus("kepu", BUNDLED_MATERIALS_DIR, args.work / "kepu", encoder, args.work / "kepu.pickle")
    ext = Path(external_dir)
    external = Corpus("external", ext / "materials", ext / "var", encoder, args.work / "external.pickle")
    model, tok = fit(settings.model_dir, pairs(kepu, kepu.fit_asked, True), freeze=args.freeze)
    asked = [a for a in external.asked if not a.synthetic]
    rows = pairs(external, asked, False)
    best: dict[int, tuple[str, float]] = {}
    for (n, mid, *_), s in zip(rows, score(model, tok, rows), strict=True):
        if n not in best or s > best[n][1]:
            best[n] = (mid, s)
    committed = load_pair_scorer()
    score_picks(committed.model, committed.decision, external.index, external.terms, asked)
    pair_best = {n: (a.picks[0].material_id, a.picks[0].probability) for n, a in enumerate(asked) if a.picks}
    for name, chosen in (("cross-encoder", best), ("pair decision", pair_best)):
        print(name, curve(asked, chosen))


if __name__ == "__main__":
    main()
