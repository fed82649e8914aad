"""Fitting the pair model and the two-level decision on one corpus's questions (numpy only).

Training pairs, from a corpus and its query sets:
- every covered question against its own material (positive) and against the other candidates
  the retrieval put in its top CANDIDATES (negative);
- every uncovered question against its candidates (negative): near misses on the same topic are
  exactly what the pair model must learn to refuse;
- the material itself: each claim against its own title (positive) and against the titles and
  claims of its nearest other materials (negative), so the model sees claims phrased by the
  corpus's authors, not only by the people who wrote the questions.

A candidate's score is its best row (titles, claims, card); a pair is trained on the row the
question is closest to. The decision model is fitted on out-of-fold pair logits (folds by
material), so it learns how far pair scores on *unseen* material can be trusted, and its two
thresholds are chosen on those out-of-fold probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa_service.evaluation.logistic import fit_logistic
from qa_service.rumors.decision import DECISION_FEATURES, Decision, Pick, clause_candidates
from qa_service.rumors.pair import CANDIDATES, PairModel, claim_rows, pair_features

NEIGHBOURS = 3  # nearest other materials each claim is contrasted with
FOLDS = 5


@dataclass
class Asked:
    """One question's retrieval evidence (gathered once) and what it should get."""

    q: str
    expect: str | None
    kind: str
    clauses: list  # rumor_check.ClauseEvidence
    synthetic: bool = False  # a covered question asked with its material left out
    group: str = ""  # the material it is about: folds keep a material's questions together
    picks: list[Pick] = field(default_factory=list)


def _best_row(index, terms, vector: np.ndarray, ordinal: int) -> np.ndarray | None:
    rows = claim_rows(index, terms, ordinal)
    if not len(rows):
        return None
    return rows[int(np.argmax(rows @ vector))]


def question_pairs(index, terms, asked: list[Asked]) -> tuple[list[np.ndarray], list[float], list[str]]:
    """Pair feature rows, labels and groups from the questions (see module doc)."""
    xs, ys, groups = [], [], []
    ordinal_of = {m: i for i, m in enumerate(index.material_ids)}
    for a in asked:
        if not a.clauses:
            continue
        chosen = [a.clauses[0]]
        if a.expect and a.expect in ordinal_of and len(a.clauses) > 1:
            target = ordinal_of[a.expect]
            rows = claim_rows(index, terms, target)
            best = max(
                a.clauses[1:],
                key=lambda ev: (
                    float((rows @ ev.retrieval.vector).max())
                    if ev.retrieval.vector is not None and len(rows)
                    else -1.0
                ),
            )
            chosen.append(best)
        for ev in chosen:
            vector = ev.retrieval.vector
            if vector is None:
                continue
            ordinals = [c.ordinal for c in ev.retrieval.candidates[:CANDIDATES]]
            if a.expect and a.expect in ordinal_of and not a.synthetic:
                ordinals = list(dict.fromkeys([ordinal_of[a.expect], *ordinals]))
            for o in ordinals:
                row = _best_row(index, terms, vector, o)
                if row is None:
                    continue
                xs.append(pair_features(vector, row[None, :])[0])
                ys.append(
                    1.0 if (a.expect and not a.synthetic and index.material_ids[o] == a.expect) else 0.0
                )
                groups.append(a.group)
    return xs, ys, groups


def material_pairs(index, terms) -> tuple[list[np.ndarray], list[float], list[str]]:
    """Claims against their own title and against their nearest other materials (see module doc)."""
    xs, ys, groups = [], [], []
    titles = {}
    for i, e in enumerate(index.entries):
        if e.kind == "title":
            titles[index.entry_material[i]] = i
    short = np.flatnonzero(index.entry_is_short)
    short_vectors = index.vectors[short]
    for i, e in enumerate(index.entries):
        if e.kind != "claim":
            continue
        own = int(index.entry_material[i])
        mid = index.material_ids[own]
        v = index.vectors[i]
        if own in titles:
            xs.append(pair_features(v, index.vectors[titles[own]][None, :])[0])
            ys.append(1.0)
            groups.append(mid)
        sims = short_vectors @ v
        seen = {own}
        for j in np.argsort(-sims):
            o = int(index.entry_material[short[j]])
            if o in seen:
                continue
            seen.add(o)
            xs.append(pair_features(v, index.vectors[short[j]][None, :])[0])
            ys.append(0.0)
            groups.append(mid)
            if len(seen) > NEIGHBOURS:
                break
    return xs, ys, groups


def fit_pair(x: np.ndarray, y: np.ndarray, l2: float) -> PairModel:
    mean, scale, coef, intercept = fit_logistic(x, y, l2=l2, iterations=30)
    return PairModel(mean.astype(np.float32), scale.astype(np.float32), coef.astype(np.float32), intercept)


def score_picks(model: PairModel, decision: Decision | None, index, terms, asked: list[Asked]) -> None:
    """Every candidate of every clause, with features (and probabilities when `decision` is given);
    `a.picks` ends up best first."""
    for a in asked:
        a.picks = [
            p
            for i, ev in enumerate(a.clauses)
            for p in clause_candidates(model, index, terms, i, ev.clause, ev.retrieval)
        ]
        if decision is not None:
            _choose(decision, a)


def _choose(decision: Decision, a: Asked) -> None:
    """Best candidate per clause by the reranker, scored by the trust model; `a.picks` best first."""
    by_clause: dict[int, Pick] = {}
    for p in a.picks:
        held = by_clause.get(p.clause_index)
        if held is None or decision.rank_score(p.features) > decision.rank_score(held.features):
            by_clause[p.clause_index] = p
    for p in by_clause.values():
        p.probability = decision.probability(p.features)
    a.picks = sorted(by_clause.values(), key=lambda p: -p.probability)


def _label(a: Asked, p: Pick) -> float:
    return 1.0 if a.expect and not a.synthetic and p.material_id == a.expect else 0.0


def fit_decision(
    asked: list[Asked],
    features: tuple[str, ...] = DECISION_FEATURES,
    l2: float = 1.0,
    wrong_cost: float = 8.0,
    false_cost: float = 3.0,
    suggestion_cost: float = 1.0,
) -> Decision:
    """Decision model on every candidate (features from an out-of-fold pair model) and its thresholds,
    chosen on each question's best candidate: `confirm` trades right answers against wrong ones
    (x `wrong_cost`) and uncovered questions answered (x `false_cost`); `suggest` lets a question back be asked
    where a right suggestion is likelier than a needless one (x `suggestion_cost`)."""
    rows, labels = [], []
    for a in asked:
        for p in a.picks:
            rows.append([p.features[f] for f in features])
            labels.append(_label(a, p))
    mean, scale, rank_coef, _ = fit_logistic(np.array(rows), np.array(labels), l2=l2)
    ranker = Decision(
        features=features,
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=rank_coef.tolist(),
        intercept=0.0,
        rank_coef=rank_coef.tolist(),
    )
    chosen = []
    for a in asked:
        if a.picks:
            top = max(a.picks, key=lambda p: ranker.rank_score(p.features))
            chosen.append((top, _label(a, top), a))
    x = (np.array([[t.features[f] for f in features] for t, _, _ in chosen]) - mean) / scale
    mean2, scale2, coef2, intercept2 = fit_logistic(x, np.array([lab for _, lab, _ in chosen]), l2=l2)
    # fit_logistic standardised x once more: fold that into weights over the ranker's standardisation
    coef = coef2 / scale2
    intercept = float(intercept2 - (coef2 * mean2 / scale2).sum())
    decision = Decision(
        features=features,
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=coef.tolist(),
        intercept=intercept,
        rank_coef=rank_coef.tolist(),
    )
    best = [(decision.probability(t.features), lab, a) for t, lab, a in chosen]
    n_cov = sum(1 for a in asked if a.expect and not a.synthetic) or 1
    n_unc = sum(1 for a in asked if not a.expect or a.synthetic) or 1

    def covered(a: Asked) -> bool:
        return bool(a.expect) and not a.synthetic

    def confirm_score(t: float) -> float:
        right = sum(1 for p, lab, _ in best if p >= t and lab) / n_cov
        wrong = sum(1 for p, lab, a in best if p >= t and not lab and covered(a)) / n_cov
        false = sum(1 for p, _, a in best if p >= t and not covered(a)) / n_unc
        return right - wrong_cost * wrong - false_cost * false

    grid = np.linspace(0.05, 0.97, 93)
    confirm = float(max(grid, key=lambda t: (round(confirm_score(t), 9), t)))

    def suggest_score(t: float) -> float:
        right = sum(1 for p, lab, _ in best if t <= p < confirm and lab) / n_cov
        needless = sum(1 for p, lab, _ in best if t <= p < confirm and not lab) / max(n_cov + n_unc, 1)
        return right - suggestion_cost * needless

    suggest = float(max((t for t in grid if t <= confirm), key=lambda t: (round(suggest_score(t), 9), t)))
    decision.confirm, decision.suggest = round(confirm, 3), round(suggest, 3)
    return decision


def fit_all(
    index,
    terms,
    asked: list[Asked],
    l2: float = 1000.0,
    folds: int = FOLDS,
    with_materials: bool = True,
    features: tuple[str, ...] = DECISION_FEATURES,
) -> tuple[PairModel, Decision]:
    """Pair model on everything; decision on out-of-fold pair scores (folds by material)."""
    qx, qy, qg = question_pairs(index, terms, asked)
    mx, my, mg = material_pairs(index, terms) if with_materials else ([], [], [])
    x = np.array(qx + mx, dtype=np.float64)
    y = np.array(qy + my)
    g = np.array(qg + mg)
    keys = sorted(set(g.tolist()) | {a.group for a in asked})
    fold_of = {k: i % folds for i, k in enumerate(keys)}
    fold_rows = np.array([fold_of[k] for k in g.tolist()])
    for f in range(folds):
        model = fit_pair(x[fold_rows != f], y[fold_rows != f], l2)
        score_picks(model, None, index, terms, [a for a in asked if fold_of[a.group] == f])
    decision = fit_decision(asked, features)
    return fit_pair(x, y, l2), decision
