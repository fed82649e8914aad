"""Rumour-check quality with the real model on the shipped material and the writers' query sets.

Bars (issue 4): Recall@3 >= 0.95, MRR >= 0.9, >= 90% of uncovered questions abstained, on at
least 150 covered and 40 uncovered questions; and the point of abstaining carefully: at least 80%
of covered questions answered with the right material, at most 2% with a wrong one. The figures
asserted are *held out*: the two query sets cover disjoint materials, so each set is scored with
an abstention model fitted on the other set only (fusion weights as committed; the model also
learns from the other set's covered questions asked with their material left out). The committed
calibration is also checked on all queries, and BM25 alone and embeddings alone are reported next
to the fused ranking.
"""

from __future__ import annotations

import json

import pytest

from graph.search.passage_index import IndexHandle
from graph.settings import BUNDLED_MATERIALS_DIR, PROJECT_ROOT, Settings
from ingest.corpus_indexer import build_index
from qa_service.evaluation.rumor_eval import (
    cross_validate,
    gather,
    load_queries,
    metrics,
    synthetic_uncovered,
)
from qa_service.rumors.calibration import load_calibration
from qa_service.rumors.check import RumorChecker

pytestmark = pytest.mark.slow

DATA = PROJECT_ROOT / "tests" / "data"
RECALL_AT_3, MRR, ABSTAINED, ANSWERED, WRONG = 0.95, 0.90, 0.90, 0.80, 0.02


def _sets() -> dict[str, list]:
    out = {}
    for covered in sorted(DATA.glob("rumor_queries_set*.jsonl")):
        number = covered.stem.removeprefix("rumor_queries_set")
        files = [covered, DATA / f"rumor_uncovered_set{number}.jsonl"]
        out[f"set{number}"] = load_queries([f for f in files if f.exists()])
    return out


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    from graph.encoder.factory import get_encoder

    settings = Settings.from_env(tmp_path_factory.mktemp("quality"))
    encoder = get_encoder(settings)
    report = build_index(settings, encoder, BUNDLED_MATERIALS_DIR)
    assert not report.issues, f"shipped material has errors: {report.issues}"
    return RumorChecker(IndexHandle(settings.index_dir, background=False), encoder, calibration=load_calibration())


@pytest.fixture(scope="module")
def evidence(checker):
    fusion = checker.calibration.fusion
    return {mode: {name: gather(checker, queries, fusion if mode == "hybrid" else fusion.with_mode(mode))
                   for name, queries in _sets().items()}
            for mode in ("hybrid", "bm25", "dense")}


def test_query_sets_are_big_enough():
    queries = [q for qs in _sets().values() for q in qs]
    covered = sum(1 for q in queries if q.expect)
    assert covered >= 150 and len(queries) - covered >= 40, (covered, len(queries) - covered)


@pytest.fixture(scope="module")
def synthetic(checker):
    """Each set's covered questions asked with their own material left out (fused ranking)."""
    return {name: gather(checker, synthetic_uncovered(queries), checker.calibration.fusion)
            for name, queries in _sets().items()}


def test_held_out_figures_meet_the_bars(checker, evidence, synthetic):
    fusion = checker.calibration.fusion
    held_out = {mode: cross_validate(evidence[mode], fusion if mode == "hybrid" else fusion.with_mode(mode),
                                     negatives=synthetic if mode == "hybrid" else None)
                for mode in evidence}
    print("\nheld-out (fit on one set, scored on the other):")
    for mode, figures in held_out.items():
        print(mode, json.dumps(figures["pooled"], ensure_ascii=False))
    pooled = held_out["hybrid"]["pooled"]
    assert pooled["recall@3"] >= RECALL_AT_3, f"Recall@3 {pooled['recall@3']} below {RECALL_AT_3}"
    assert pooled["mrr"] >= MRR, f"MRR {pooled['mrr']} below {MRR}"
    assert pooled["uncovered_abstained"] >= ABSTAINED, (
        f"only {pooled['uncovered_abstained']:.0%} of questions without vetted material were abstained on")
    assert pooled["answered_wrong"] <= WRONG, f"an unrelated rebuttal for more than {WRONG:.0%} of covered questions"
    assert pooled["answered_correct"] >= ANSWERED, (
        f"only {pooled['answered_correct']:.0%} of covered questions answered with their material")


def test_committed_calibration_meets_the_bars(checker, evidence):
    figures = {mode: metrics([e for ev in evidence[mode].values() for e in ev], checker.calibration)
               for mode in evidence}
    print("\ncommitted calibration, all queries:")
    for mode, m in figures.items():
        print(mode, json.dumps(m, ensure_ascii=False))
    hybrid = figures["hybrid"]
    assert hybrid["recall@3"] >= RECALL_AT_3 and hybrid["mrr"] >= MRR
    assert hybrid["uncovered_abstained"] >= ABSTAINED
    assert hybrid["recall@3"] >= figures["bm25"]["recall@3"], "fusion should not lose to BM25 alone"


@pytest.mark.parametrize("text", [
    "吃大蒜能降血压吗",  # shares 大蒜 with the covered claim about garlic and viruses, not its predicate
    "狂犬疫苗打完以后能不能吃海鲜",
    "手机充电的时候打电话会爆炸吗",
])
def test_no_unrelated_rebuttal_for_a_near_miss(checker, text):
    result = checker.check(text, log_unanswered=False)
    assert not result.matched, f"answered with {result.materials[0].id if result.materials else None}"


@pytest.mark.parametrize(("text", "material"), [
    ("我妈每天早上空腹喝一小杯老陈醋，说能把变硬的血管泡软，这有科学根据吗", "health-vinegar-soften-vessels"),
    ("听说头天晚上炒的青菜放到第二天会产生致癌的东西，热一热再吃会得癌吗", "food-overnight-vegetables-cancer"),
    ("被狗咬伤都过了两天了，现在再去打狂犬疫苗还有用吗", "vaccine-rabies-24-hours"),
])
def test_a_covered_rumour_in_the_askers_own_words_gets_its_rebuttal(checker, text, material):
    """Written for this test, in none of the query sets the calibration was fitted on."""
    result = checker.check(text, log_unanswered=False)
    assert result.matched and result.materials[0].id == material, (result.confidence, result.ranking[:3])
