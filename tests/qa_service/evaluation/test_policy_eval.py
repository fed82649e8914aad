"""Scoring question sets: what counts as right for each question type."""

from __future__ import annotations

import json

import pytest

from graph.unit_registry import UnitRegistry
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.evaluation.policy_eval import QuestionFileError, evaluate, judge, load_questions
from qa_service.policy.qa import PolicyQA
from tests.qa_service.policy_fixtures import mini_plan


def _response(**overrides) -> dict:
    body = {"intent": "resp", "answer": "", "confidence": 0.9, "abstained": False, "measures": [],
            "targets": [], "units": [], "citations": []}
    body.update(overrides)
    return body


def test_resp_needs_the_measure_and_exact_unit_sets():
    item = {"type": "resp", "title": "保障经费投入", "units": ["区财政局"], "local": ["各镇", "各街道"]}
    units = [{"name": "区财政局", "role": "co", "measure_id": "m"},
             {"name": "各镇", "role": "local", "measure_id": "m"}, {"name": "各街道", "role": "local", "measure_id": "m"}]
    right = _response(measures=[{"id": "m", "title": "保障经费投入"}], units=units)
    assert judge(item, right) == (True, "")
    wrong_units = _response(measures=[{"id": "m", "title": "保障经费投入"}], units=units[:2])
    assert judge(item, wrong_units)[0] is False, "a missing local unit is wrong"
    assert judge(item, _response(measures=[{"id": "x", "title": "强化标准建设"}]))[0] is False
    assert judge(item, _response(abstained=True, measures=[{"id": "m", "title": "保障经费投入"}], units=units))[0] \
        is False, "suggesting the right measure is not answering"


def test_out_of_scope_is_right_only_when_declined():
    assert judge({"type": "oos"}, _response(abstained=True))[0]
    assert judge({"type": "oos"}, _response(intent="rumor", abstained=False))[0]
    assert not judge({"type": "oos"}, _response(measures=[{"id": "m", "title": "t"}]))[0]


def test_targets_need_every_expected_number_in_the_answer():
    item = {"type": "target", "expect": ["1.2万", "1200"]}
    assert judge(item, _response(answer="每年组织1.2万人次…培育1200个…"))[0]
    assert not judge(item, _response(answer="每年组织1.2万人次…"))[0]


def test_reverse_needs_the_exact_set_of_titles():
    item = {"type": "reverse", "unit": "区财政局", "titles": ["a", "b"]}
    body = _response(intent="reverse", units=[{"name": "区财政局", "role": "any", "measure_id": None}],
                     measures=[{"title": "a"}, {"title": "b"}])
    assert judge(item, body)[0]
    body["measures"].append({"title": "c"})
    assert not judge(item, body)[0]


def test_bad_question_files_are_reported_in_chinese(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "谁负责？", "type": "resp", "title": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(QuestionFileError, match="第2行"):
        load_questions(path)
    path.write_text('{"q": "谁负责？", "type": "weird"}\n', encoding="utf-8")
    with pytest.raises(QuestionFileError, match="type"):
        load_questions(path)
    with pytest.raises(QuestionFileError, match="无法读取"):
        load_questions(tmp_path / "missing.jsonl")


def test_evaluate_reports_per_type_and_follow_ups(tmp_path):
    lines = [
        {"q": "保障经费投入由哪个部门负责？", "type": "resp", "title": "保障经费投入", "units": ["区财政局"]},
        {"q": "每年培育多少高素质农民？", "type": "target", "expect": ["3000"]},
        {"q": "今天天气怎么样？", "type": "oos"},
        {"q": "谁负责科普教育基地建设？", "type": "resp", "title": "实施智慧助老行动"},  # deliberately wrong
        {"type": "followup", "turns": [
            {"q": "保障经费投入由哪个部门负责？", "type": "resp", "title": "保障经费投入"},
            {"q": "它还负责什么？", "type": "reverse", "unit": "区财政局", "titles": ["保障经费投入"]}]},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    chat = ChatService(PolicyQA([mini_plan()], None, UnitRegistry.load()), InMemorySessionStore())
    report = evaluate(chat, load_questions(path))
    assert report["by_type"]["resp"] == {"n": 2, "right": 1, "accuracy": 0.5}
    assert report["by_type"]["followup"]["right"] == 1
    assert report["oos_abstained"] == 1.0
    assert [f["q"] for f in report["failures"]] == ["谁负责科普教育基地建设？"]
    assert report["latency_ms"]["median"] is not None
