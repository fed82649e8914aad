"""Graph questions (and, or, not, how many, which most, by when) with the real model, on the shipped
plan and on a second plan of another style (南充); gold from hand-checked tables. The held-out part
was written with the dev part, before tuning, and its failures are not looked at while tuning."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from graph.errors import ModelUnavailable
from graph.settings import DEFAULT_MODEL_DIR, Settings
from graph.unit_registry import UnitRegistry
from ingest.plan_parser import parse_plan_file
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.evaluation.graph_query_eval import check
from qa_service.policy.qa import PolicyQA

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "kgqa"
PLANS = {
    "huaiyin": ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt",
    "nanchong": DATA / "nanchong_2026_opc.txt",
}
# A third plan style (太仓: 牵头单位 / 责任单位, labelled sub-items), its own question file.
TAICANG = ROOT / "tests" / "data" / "plans" / "real" / "taicang_2026_opc.txt"
TAICANG_QUESTIONS = [
    json.loads(line)
    for line in (DATA / "taicang_questions.jsonl").read_text(encoding="utf-8").splitlines()
]
# A fourth (郑州: notes without 牵头 but in two items, sections named by their first phrase).
ZHENGZHOU = ROOT / "tests" / "data" / "plans" / "real" / "zhengzhou_2026_opc_shequ.txt"
ZHENGZHOU_QUESTIONS = [
    json.loads(line)
    for line in (DATA / "zhengzhou_questions.jsonl").read_text(encoding="utf-8").splitlines()
]
# A fifth (宁波: 列第一位的为牵头单位, items numbered through the chapters).
NINGBO = ROOT / "tests" / "data" / "plans" / "real" / "ningbo_2026_opc.txt"
NINGBO_QUESTIONS = [
    json.loads(line)
    for line in (DATA / "ningbo_questions.jsonl").read_text(encoding="utf-8").splitlines()
]
# A sixth and a seventh (武汉: every item its own chapter, ASCII commas; 杭州: no stated lead rule,
# subsidy standards beside the targets), written together after the 宁波 fixes.
OTHER_PLANS = {
    name: (
        ROOT / "tests" / "data" / "plans" / "real" / file,
        [json.loads(line) for line in (DATA / f"{name}_questions.jsonl").read_text(encoding="utf-8").splitlines()],
    )
    for name, file in (
        ("wuhan", "wuhan_2026_opc.txt"),
        ("hangzhou", "hangzhou_2026_opc_draft.txt"),
        # 苍南 writes 县人力社保局 and 县人社局 for one bureau; 上城 区委组织部（人才办） and （区委人才办）
        ("cangnan", "cangnan_2026_opc_draft.txt"),
        ("shangcheng", "shangcheng_2026_opc.txt"),
    )
}
# Two plans whose parse is held out (tests/data/plans/heldout), asked questions by an outsider:
# 罗湖 (第一条… articles over （一）（二） items) and 广东 (a province: 省 written once for a list).
HELDOUT_PARSE = {
    name: (
        ROOT / "tests" / "data" / "plans" / "heldout" / f"{file}.txt",
        [json.loads(line) for line in (DATA / f"{name}_questions.jsonl").read_text(encoding="utf-8").splitlines()],
    )
    for name, file in (
        *((n, f"{n}_2026_opc") for n in ("luohu", "guangdong", "sichuan", "chengdu", "taian", "hubei", "chongqing", "suqian")),
        ("hangzhou_action", "hangzhou_2026_opc_action"),
    )
}
# An outsider's compositional questions on the shipped plan, written without reading the earlier sets.
HUAIYIN_OUTSIDER = [
    json.loads(line)
    for line in (DATA / "huaiyin_outsider_questions.jsonl").read_text(encoding="utf-8").splitlines()
]
QUESTIONS = [
    json.loads(line) for line in (DATA / "graph_questions.jsonl").read_text(encoding="utf-8").splitlines()
]


@pytest.fixture(scope="module")
def chats():
    from graph.encoder.factory import get_encoder

    try:
        encoder = get_encoder(Settings())
    except ModelUnavailable:
        pytest.fail(f"no converted model at {DEFAULT_MODEL_DIR}; run `make model`")
    registry = UnitRegistry.load()
    chats = {
        name: ChatService(PolicyQA([parse_plan_file(path)], encoder, registry), InMemorySessionStore())
        for name, path in PLANS.items()
    }
    # The second plan once more with its notes as labelled by hand instead of as ingest/ reads them:
    # what the query path gets right when the graph holds the right facts.
    labelled = parse_plan_file(PLANS["nanchong"])
    gold = json.loads((DATA / "nanchong_2026_opc.gold.json").read_text(encoding="utf-8"))
    for measure, item in zip(labelled.measures, gold, strict=True):
        measure.lead_units, measure.co_units = list(item["lead"]), list(item["co"])
        measure.local_units = list(item["local"])
    chats["nanchong_labelled"] = ChatService(PolicyQA([labelled], encoder, registry), InMemorySessionStore())
    # Both plans in one graph: a question names its plan, or the answer says which plan says what.
    both = [parse_plan_file(path) for path in PLANS.values()]
    chats["both"] = ChatService(PolicyQA(both, encoder, registry), InMemorySessionStore())
    chats["taicang"] = ChatService(PolicyQA([parse_plan_file(TAICANG)], encoder, registry), InMemorySessionStore())
    chats["zhengzhou"] = ChatService(PolicyQA([parse_plan_file(ZHENGZHOU)], encoder, registry),
                                     InMemorySessionStore())
    chats["ningbo"] = ChatService(PolicyQA([parse_plan_file(NINGBO)], encoder, registry), InMemorySessionStore())
    for name, (path, _) in {**OTHER_PLANS, **HELDOUT_PARSE}.items():
        chats[name] = ChatService(PolicyQA([parse_plan_file(path)], encoder, registry), InMemorySessionStore())
    return chats


def score(chats, rows, plan: str | None = None) -> dict:
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for i, row in enumerate(rows):
        chat = chats[plan or row["plan"]]
        if "turns" in row:
            session = f"kgqa-{i}"
            for turn in row["turns"]:
                body = chat.answer(turn["q"], session)
            chat.forget(session)
            question = row["turns"][-1]["q"]
        else:
            body, question = chat.answer(row["q"]), row["q"]
        why = check(row["kind"], row["gold"], body)
        by_kind[row["kind"]][1] += 1
        if why is None:
            by_kind[row["kind"]][0] += 1
        else:
            failures.append(f"[{row['kind']}] {question}: {why}")
    right = sum(v[0] for v in by_kind.values())
    return {
        "n": len(rows),
        "right": right,
        "accuracy": right / max(len(rows), 1),
        "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "failures": failures,
    }


def test_question_sets_are_large_enough():
    ours = [q for q in QUESTIONS if q["plan"] == "huaiyin"]
    second = [q for q in QUESTIONS if q["plan"] == "nanchong"]
    assert len(ours) >= 150 and len(second) >= 40
    assert {q["split"] for q in QUESTIONS} == {"dev", "heldout"}


def test_dev_questions(chats):
    report = score(chats, [q for q in QUESTIONS if q["split"] == "dev" and q["plan"] == "huaiyin"])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["accuracy"] >= 0.95, "\n".join(report["failures"])


def test_held_out_questions(chats):
    report = score(chats, [q for q in QUESTIONS if q["split"] == "heldout" and q["plan"] == "huaiyin"])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["accuracy"] >= 0.9, f"held-out accuracy {report['accuracy']:.1%} {report['by_kind']}"


def test_second_plan_questions(chats):
    report = score(chats, [q for q in QUESTIONS if q["plan"] == "nanchong"])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    # Before the issue-12 parser work five of this plan's fifteen notes were read wrong (46% here
    # then); the labelled-notes test below keeps the query path's own figure apart from ingest's.
    assert report["accuracy"] >= 0.95, "\n".join(report["failures"])


def test_two_plans_loaded_questions(chats):
    report = score(chats, [q for q in QUESTIONS if q["plan"] == "both"])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 15 and report["accuracy"] >= 0.95, "\n".join(report["failures"])


def test_second_plan_questions_with_labelled_notes(chats):
    report = score(chats, [q for q in QUESTIONS if q["plan"] == "nanchong"], plan="nanchong_labelled")
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["accuracy"] >= 0.95, "\n".join(report["failures"])


def test_a_group_named_as_the_subject_filters_targets(chats):
    # "农民每年有什么目标？" names its group without 面向/针对: still the targets of that group.
    wordings = {"农民每年有什么目标？", "青少年每年有哪些目标？", "产业工人到2025年要达到什么目标？"}
    rows = [q for q in QUESTIONS if q.get("q") in wordings]
    assert len(rows) == len(wordings)
    report = score(chats, rows)
    assert report["accuracy"] == 1.0, "\n".join(report["failures"])


def test_parts_named_by_number_and_superlatives_asked_yes_or_no(chats):
    # "第三章有几项措施？" names its chapter by number; "区科协是牵头最多的吗？" asks 是/不 first, with
    # the unit's own count (it once answered "是" with the 3 measures 区科协 leads).
    numbered = [q for q in QUESTIONS if re.search(r"第.(章|部分)|二、（三）", q.get("q", ""))]
    asked = [q for q in QUESTIONS if q["kind"] == "max_yes"]
    assert len(numbered) >= 6 and len(asked) >= 6 and {q["gold"]["yes"] for q in asked} == {True, False}
    report = score(chats, numbered + asked)
    assert report["accuracy"] == 1.0, "\n".join(report["failures"])


def test_third_plan_questions(chats):
    # Written as held-out and scored once before any change: 51.4% (38/74); mostly the registry's
    # 区… units read into a city's nicknames (科技局, 网信办, 人才办) and section introductions counted
    # as measures. Fixed since, so a development set now. Left: two target counts where the plan
    # joins two figures in one sentence, a group named inside a target, a deadline only in 总体要求.
    report = score(chats, TAICANG_QUESTIONS)
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 70 and report["accuracy"] >= 0.92, "\n".join(report["failures"])


def test_fourth_plan_questions(chats):
    # Written as held-out and scored once before any change: 65.8% (50/76): 发改委 / 国资委 / 文旅局
    # for the plan's 市发展改革委 / 市政府国资委 / 市文化广电旅游局, sections named by their first
    # phrase (精准要素赋能), 参不参与 read as a negation. Fixed since, so a development set now. Left:
    # 审批局 for 市行政审批政务信息管理局, two typos of short names, a target named by its subject.
    report = score(chats, ZHENGZHOU_QUESTIONS)
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 70 and report["accuracy"] >= 0.9, "\n".join(report["failures"])


def test_fifth_plan_questions(chats):
    # Written as held-out after the 太仓 and 郑州 fixes and scored once before any change: 92.1%
    # (70/76). Its misses (不是牵头单位, 谁来牵头, 每年 and 全年 answered as deadlines) fixed since.
    report = score(chats, NINGBO_QUESTIONS)
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 70 and report["accuracy"] >= 0.93, "\n".join(report["failures"])


@pytest.mark.parametrize("name", ["wuhan", "hangzhou"])
def test_sixth_and_seventh_plan_questions(chats, name):
    # Written as held-out after the 宁波 fixes and scored once before any change. 武汉 75.6% (59/78):
    # ranges of items (前五条), 有份 / 没份, 把…去掉, 牵了几条头, 市科技创新局 and 人才局 for the plan's
    # 市科创局 and 市人才工作局, subsidy standards counted as targets. 杭州 85.7% (66/77): 金投集团,
    # 排除掉, 时间节点, 每户每年 read as a deadline, 市民政局 taken for a typo of 市财政局, the plan's
    # total count answered by the plan overview. Fixed since, so development sets now.
    report = score(chats, OTHER_PLANS[name][1])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 75 and report["accuracy"] >= 0.95, "\n".join(report["failures"])


@pytest.mark.parametrize(("name", "floor"), [("cangnan", 0.85), ("shangcheng", 0.9)])
def test_eighth_and_ninth_plan_questions(chats, name, floor):
    # Written as held-out on 2026-12-04 and scored once at 33b5ba1: 苍南 61.4% (43/70), 上城 68.5%
    # (50/73). Most misses were one unit written two ways in one plan (县人力社保局 / 县人社局,
    # 县大数据管理中心 / 县大数据中心, 区委组织部（人才办） / （区委人才办）) and shortened names
    # (数据局 for 区数据资源局, 科技局 for the merged 区科技经信局, 城投, 金融中心). Left: eligibility
    # thresholds (年薪达到50万元) read as targets, 两万平方米 in words, a group the plan never names.
    report = score(chats, OTHER_PLANS[name][1])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 70 and report["accuracy"] >= floor, "\n".join(report["failures"])


def test_outsider_questions_on_the_shipped_plan(chats):
    # Scored once at 33b5ba1: 75.5% (74/98). Misses: parts named short (科普基础设施那块, 青少年那部分,
    # 开放合作工程里) silently dropped, 牵了几次头, 其中牵头的有几项, an elliptic 哪个参与得最多, units
    # the region has but the plan never names answered 共0项 without saying so.
    report = score(chats, HUAIYIN_OUTSIDER)
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 90 and report["accuracy"] >= 0.9, "\n".join(report["failures"])


@pytest.mark.parametrize(
    ("name", "floor"),
    [("luohu", 0.9), ("guangdong", 0.65), ("sichuan", 0.9), ("chengdu", 0.9), ("taian", 0.88),
     ("hubei", 0.9), ("chongqing", 0.95), ("suqian", 0.93), ("hangzhou_action", 0.9)],
)
def test_questions_on_plans_whose_parse_is_held_out(chats, name, floor):
    # Scored once on 2026-12-04 before any change: 罗湖 77.1% (54/70), 广东 30.9% (21/68). 罗湖: the
    # 附则 read as five more measures of 第十条, 第N条 and 第一到第五条 not read as articles, caps and
    # rates of support counted as targets. 广东: 财政厅 after 省工业和信息化厅 not the province's
    # 省财政厅, 工信厅 / 人社厅 / 住建厅 unknown, sections named without their verb (人才政策那一块),
    # 省农业农村厅 not reported unknown. Left for 广东: two notes its parse reads as empty (items 8 and
    # 18; the parse of this plan stays held out), 百个 / 千家 / 万名 goals in words. A second round,
    # written after those fixes: 四川 64.7% (44/68), 成都 75.0% (51/68), 泰安 76.5% (52/68) — 经信厅,
    # 经信局 for a joint office (市经信局市新经济委), 政务服务办, 审批局, 人行泰安分行, 人才 of 省人才集团 read
    # as a unit, sections named 场景赋能那部分, a bare unknown unit dropped from an and / not question,
    # 第13条 of items numbered on through the sections, 5000P, the goals' shared date. A third round,
    # written after those: 湖北 88.4% (61/69), 重庆 95.6% (65/68), 宿迁 91.3% (63/69), 杭州 行动计划
    # 94.2% (65/69) — 都不 over a list, 第（三）条, 有X、没有Y, 6到10条, parts after 强化OPC….
    report = score(chats, HELDOUT_PARSE[name][1])
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    assert report["n"] >= 65 and report["accuracy"] >= floor, "\n".join(report["failures"])
