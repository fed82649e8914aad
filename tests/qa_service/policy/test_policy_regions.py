"""Two regions' units of one name are two units: questions never mix 淮阴区's and 罗湖区's 区财政局.

The shipped plan (淮阴区) and the held-out 罗湖区 plan (tests/data/plans/heldout/) both name a
区财政局; each is its own district's bureau.
"""

from __future__ import annotations

from functools import cache

import pytest

from graph.settings import PROJECT_ROOT
from graph.unit_registry import UnitRegistry
from ingest.plan_parser import parse_plan_file
from qa_service.policy.qa import PolicyQA

SHIPPED = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
LUOHU = PROJECT_ROOT / "tests" / "data" / "plans" / "heldout" / "luohu_2026_opc.txt"


@cache
def plans():
    return parse_plan_file(SHIPPED), parse_plan_file(LUOHU)


def _involved(plan, name):
    return {m.id for m in plan.measures if name in m.all_units}


@pytest.fixture(scope="module")
def both() -> PolicyQA:
    return PolicyQA(list(plans()), None, UnitRegistry.shared())


def test_the_two_plans_share_a_unit_name():
    huaiyin, luohu = plans()
    assert (huaiyin.region, luohu.region) == ("淮阴区", "罗湖区")
    assert _involved(huaiyin, "区财政局") and _involved(luohu, "区财政局")


def test_one_plan_loaded_the_unit_resolves_as_before():
    huaiyin, _ = plans()
    qa = PolicyQA([huaiyin], None, UnitRegistry.shared())
    result = qa.answer("区财政局负责哪些工作？")
    assert {m.id for m in result.measures} == _involved(huaiyin, "区财政局")
    assert "罗湖区" not in result.answer


def test_unqualified_question_answers_each_region_apart(both):
    huaiyin, luohu = plans()
    result = both.answer("区财政局负责哪些工作？")
    assert {m.id for m in result.measures} == _involved(huaiyin, "区财政局") | _involved(luohu, "区财政局")
    here, there = result.answer.split("\n\n")
    assert "淮阴区" in here and "罗湖区" in there, result.answer
    # every measure is listed under its own region's bureau, none under the other's
    for m in huaiyin.measures:
        if m.id in _involved(huaiyin, "区财政局"):
            assert m.title[:12] not in there
    assert [u.get("region") for u in result.units] == ["淮阴区", "罗湖区"]


@pytest.mark.parametrize(
    "question, region",
    [
        ("罗湖区财政局负责哪些工作？", "罗湖区"),
        ("罗湖区的区财政局负责哪些工作？", "罗湖区"),
        ("淮阴区财政局负责哪些工作？", "淮阴区"),
    ],
)
def test_a_question_naming_the_region_gets_that_region_only(both, question, region):
    huaiyin, luohu = plans()
    plan = luohu if region == "罗湖区" else huaiyin
    result = both.answer(question)
    assert {m.id for m in result.measures} == _involved(plan, "区财政局"), result.answer
    assert "\n\n" not in result.answer


def test_graph_queries_do_not_count_two_regions_as_one(both):
    # "和" is a typed graph query; over two regions' 区财政局 the engine leaves it to the answerer.
    engine = both.built.engine
    for question in ("区财政局和区住建局共同负责哪些工作？", "区财政局牵头几项工作？"):
        parsed = engine.parse(question)
        assert parsed is not None and engine._mixes_regions(parsed.query)
        assert engine.answer(question) is None
    huaiyin, _ = plans()
    alone = PolicyQA([huaiyin], None, UnitRegistry.shared()).built.engine
    assert not alone._mixes_regions(alone.parse("区财政局和区住建局共同负责哪些工作？").query)


HELDOUT = PROJECT_ROOT / "tests" / "data" / "plans" / "heldout"


def test_most_over_many_plans_counts_each_regions_unit_apart():
    # Beyond the plan-by-plan answer (EACH_PLAN_MAX plans), "which unit leads the most" counts over
    # all plans at once: a unit name two regions share must be counted per region, never added up.
    extra = [parse_plan_file(p) for p in sorted(HELDOUT.glob("*.txt"))[:4]]
    loaded = [*plans(), *extra]
    assert len(loaded) > 4
    lead: dict[tuple[str, str], int] = {}
    for plan in loaded:
        for m in plan.measures:
            for name in set(m.lead_units):
                lead[(plan.region, name)] = lead.get((plan.region, name), 0) + 1
    regions: dict[str, set[str]] = {}
    for region, name in lead:
        regions.setdefault(name, set()).add(region)
    shared = {n for n, r in regions.items() if len(r) > 1}
    assert shared  # the premise: two regions' plans name a lead unit alike (市国资委)
    best = max(lead.values())
    winners = {k for k, v in lead.items() if v == best}
    qa = PolicyQA(loaded, None, UnitRegistry.shared())
    result = qa.answer("牵头措施最多的是哪个单位？")
    assert result.answer.startswith(f"{best}项"), result.answer
    for region, name in winners:  # with several regions counted, every unit is named with its region
        assert f"{name}（{region}）" in result.answer, result.answer
    assert {(u["region"], u["name"]) for u in result.units} == winners
    for name in shared:  # a shared name is never shown bare, with the regions' counts added up
        assert not any(f"{name}（{n}项）" in result.answer for n in range(1, 200)), result.answer
        assert f"的是{name}，" not in result.answer, result.answer


def test_most_over_two_regions_is_answered_plan_by_plan(both):
    # 淮阴区 and 罗湖区 both name a 区财政局; "which unit takes part in the most" is answered per plan.
    result = both.answer("哪个单位参与的措施最多？")
    huaiyin_line, luohu_line = result.answer.split("\n")
    assert "淮阴区" in huaiyin_line and "罗湖区" in luohu_line, result.answer
    for plan, line in zip(plans(), (huaiyin_line, luohu_line), strict=True):
        counts: dict[str, int] = {}
        for m in plan.measures:
            for name in {*m.lead_units, *m.co_units}:
                counts[name] = counts.get(name, 0) + 1
        best = max(counts.values())
        assert line.startswith(f"{best}项"), line
        assert all(n in line for n, c in counts.items() if c == best), line
