"""`kepu ask` and `kepu eval questions` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_service.cli import app

PLAN = Path(__file__).resolve().parents[3] / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
RUNNER = CliRunner()


@pytest.fixture
def lexical(monkeypatch, tmp_path):
    monkeypatch.setenv("KEPU_MODEL_DIR", str(tmp_path / "no-model"))  # fast: no encoder


def run(data_dir, *args):
    return RUNNER.invoke(app, ["--data-dir", str(data_dir), *args])


def test_ask_prints_the_answer_and_json(data_dir, lexical):
    result = run(data_dir, "ask", "应急科普由哪个部门牵头？", "--plan", str(PLAN))
    assert result.exit_code == 0, result.output
    assert "牵头单位：区应急管理局、区委宣传部" in result.output
    result = run(data_dir, "ask", "每年培育多少高素质农民？", "--json", "--plan", str(PLAN))
    body = json.loads(result.stdout)
    assert body["intent"] == "target" and "3000" in body["answer"]


def test_ask_session_spans_invocations(data_dir, lexical):
    run(data_dir, "ask", "保障经费投入由哪个部门负责？", "--session", "cli-1", "--plan", str(PLAN))
    result = run(data_dir, "ask", "它还负责什么？", "--session", "cli-1", "--plan", str(PLAN))
    assert "区财政局" in result.output and "优化科普设施建设布局" in result.output


def test_ask_from_the_graph_without_plans_says_none_loaded(data_dir, lexical):
    result = run(data_dir, "ask", "谁负责科普教育基地建设？")
    assert result.exit_code == 0 and "还没有导入任何方案" in result.output


def test_ask_rejects_bad_input_and_session_ids(data_dir, lexical):
    result = run(data_dir, "ask", "   ", "--plan", str(PLAN))
    assert result.exit_code == 2 and "不能为空" in result.output
    result = run(data_dir, "ask", "谁负责？", "--session", "../x", "--plan", str(PLAN))
    assert result.exit_code == 2 and "会话 ID" in result.output


def test_eval_questions_prints_accuracy_per_type(data_dir, lexical, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"q": "保障经费投入由哪个部门负责？", "type": "resp", "title": "保障经费投入", "units": ["区财政局"],
         "local": ["各镇", "各街道"]},
        {"q": "区商务局参与了哪些措施？", "type": "reverse", "unit": "区商务局", "titles": ["实施高素质农民培育工程"]},
        {"q": "今天天气怎么样？", "type": "oos"},
    ]), encoding="utf-8")
    result = run(data_dir, "eval", "questions", str(questions), "--plan", str(PLAN))
    assert result.exit_code == 0, result.output
    assert "责任单位（resp）" in result.output and "100.0%" in result.output
    result = run(data_dir, "eval", "questions", str(questions), "--json", "--plan", str(PLAN))
    report = json.loads(result.stdout)
    assert report["accuracy"] == 1.0 and report["by_type"]["oos"]["n"] == 1


def test_eval_questions_reports_a_broken_file_in_chinese(data_dir, lexical, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = run(data_dir, "eval", "questions", str(bad))
    assert result.exit_code == 2 and "第1行" in result.output
