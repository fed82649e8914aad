"""`kepu ingest plan` with several files and directories, and questions answered from plans whose
responsibilities sit in 任务分工表 tables (Word and PDF), ingested into the embedded store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.store.oxigraph import OxigraphStore
from qa_service.cli import app
from tests.ingest.render_tables import (
    write_appendix_docx,
    write_firstlead_docx,
    write_grouped_docx,
    write_pdf_plan,
)

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_PLAN = ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
CITY_PLAN = ROOT / "tests" / "data" / "plans" / "city_plan_lead_co.txt"
UNBALANCED = "某区科普方案\n一、总体要求\n（一）重点任务\n1. 加强科普。开展活动。（责任单位：区科技局、科协\n"
TABLED = ["appendix", "firstlead", "grouped", "pdf_plan"]


def kepu(data_dir: Path, *args: str, model_dir: Path | None = None):
    env = {"COLUMNS": "200", "KEPU_GRAPH_URI": ""}
    if model_dir is not None:
        env["KEPU_MODEL_DIR"] = str(model_dir)
    return CliRunner(env=env).invoke(app, ["--data-dir", str(data_dir), *args])


def kepu_process(data_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from qa_service.cli import main; main()", "--data-dir", str(data_dir), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "200", "HF_HUB_OFFLINE": "1",
             "KEPU_GRAPH_URI": "", **(env or {})})


def generation(data_dir: Path) -> str:
    return (data_dir / "graph" / "CURRENT").read_text().strip()


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    """Four tabled plans (three Word layouts, one PDF) and a plain-text plan in one directory."""
    folder = tmp_path_factory.mktemp("plans")
    write_appendix_docx(folder / "appendix.docx")
    write_grouped_docx(folder / "grouped.docx")
    write_firstlead_docx(folder / "firstlead.docx")
    write_pdf_plan(folder / "pdf_plan.pdf")
    shutil.copy(CITY_PLAN, folder)
    (folder / "notes.xlsx").write_bytes(b"not a plan")  # other files in the folder are left alone
    return folder


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, plan_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    assert kepu(data_dir, "ingest", "plan", str(SHIPPED_PLAN)).exit_code == 0
    before = generation(data_dir)
    result = kepu(data_dir, "ingest", "plan", str(plan_dir))
    assert result.exit_code == 0, result.output
    assert "共导入 5 个方案" in result.output
    assert int(generation(data_dir)[4:]) == int(before[4:]) + 1, "all plans of a directory: one generation"
    return data_dir


def test_directory_ingest_adds_every_plan_and_keeps_the_others(ingested):
    store = OxigraphStore(ingested / "graph")
    assert store.plan_ids() == sorted(
        [*TABLED, "city_plan_lead_co", "huaiyin_science_literacy_plan_2021-2025_draft"])
    assert len(store.get_plan("huaiyin_science_literacy_plan_2021-2025_draft").measures) == 40
    assert [len(store.get_plan(pid).measures) for pid in TABLED] == [5, 5, 4, 6]


def test_summary_names_each_plan(ingested, plan_dir, tmp_path):
    result = kepu(tmp_path, "ingest", "plan", str(plan_dir / "grouped.docx"), str(plan_dir / "appendix.docx"))
    assert result.exit_code == 0, result.output
    assert "已导入方案《淮阴区青少年科学素质提升工作方案》（编号 grouped）：措施 4 条" in result.output
    assert "已导入方案《淮阴区科普阵地建设三年行动方案》（编号 appendix）：措施 5 条" in result.output
    assert "共导入 2 个方案、措施 9 条" in result.output


ANSWERS = [
    # a clause without a note, its units in the appendix table
    ("谁负责建设社区科普e站？", ["牵头单位：区民政局", "配合单位：区科协"], "二、（二）3."),
    # a task only the appendix table has
    ("开展科普阵地运行评估由谁负责？", ["牵头单位：区科协", "配合单位：区统计局"], "分工表第5项"),
    # one 责任单位 column: X牵头，Y配合 and 各镇街
    ("谁负责推动科普教育基地向学生免费开放？", ["牵头单位：区科协", "配合单位：区文广旅局"], "二、（二）分工表第4项"),
    # the plan says the first-listed unit leads
    ("组织老年人防诈骗科普讲座由哪个部门牵头？", ["区公安分局"], "三、（二）分工表第2项"),
    # PDF: the lead cell merged down, the clause's own note
    ("开展应急科普进社区活动谁负责？", ["牵头单位：区应急管理局", "区消防救援大队", "区卫健委"], "二、4."),
    # PDF: a unit name wrapped over three lines of its cell
    ("完善应急科普资源库由哪些单位负责？", ["牵头单位：区应急管理局", "市自然资源和规划局淮阴分局"], "二、3."),
]


@pytest.mark.parametrize(("question", "expected", "clause"), ANSWERS, ids=[a[2] for a in ANSWERS])
def test_who_is_responsible_for_table_tasks(ingested, tmp_path, question, expected, clause):
    result = kepu(ingested, "ask", question, "--json", model_dir=tmp_path / "no-model")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["intent"] in ("resp", "lead"), body
    for text in expected:
        assert text in body["answer"], body["answer"]
    assert f"出处：{clause}" in body["answer"]


@pytest.mark.slow
def test_table_answers_with_the_real_model(ingested):
    """The same questions through the hybrid answerer (the converted e5 model)."""
    from graph.settings import DEFAULT_MODEL_DIR, Settings
    from qa_service.policy.qa import PolicyQA

    if not DEFAULT_MODEL_DIR.exists():
        pytest.fail(f"no converted model at {DEFAULT_MODEL_DIR}; run `make model`")
    policy = PolicyQA.from_settings(Settings.from_env(ingested))
    assert policy.answerer.mode == "hybrid"
    for question, expected, clause in ANSWERS:
        answer = policy.answer(question).answer
        assert all(text in answer for text in expected) and f"出处：{clause}" in answer, (question, answer)


def test_one_bad_file_writes_nothing_and_names_every_problem(ingested, plan_dir, tmp_path):
    folder = tmp_path / "batch"
    shutil.copytree(plan_dir, folder)
    (folder / "坏方案.txt").write_text(UNBALANCED, encoding="utf-8")
    (folder / "空白.docx").write_bytes(b"")
    before = generation(ingested)
    proc = kepu_process(ingested, "ingest", "plan", str(folder))
    assert proc.returncode == 2, proc.stdout
    assert "未写入任何方案" in proc.stderr
    assert "“坏方案.txt”第4行" in proc.stderr and "括号不成对" in proc.stderr
    assert "“空白.docx”" in proc.stderr and "文件为空" in proc.stderr
    assert "appendix" not in proc.stdout, "nothing is reported as imported"
    assert generation(ingested) == before, "a rejected batch must not touch the graph"
    fresh = tmp_path / "fresh"
    assert kepu(fresh, "ingest", "plan", str(folder)).exit_code == 2
    assert not (fresh / "graph").exists()


def test_two_files_giving_the_same_plan_id_are_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(CITY_PLAN, tmp_path / name / "plan.txt")
    result = kepu(tmp_path / "data", "ingest", "plan", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 2
    assert "同一个方案编号 plan" in result.stderr and str(tmp_path / "b" / "plan.txt") in result.stderr
    assert not (tmp_path / "data" / "graph").exists()


def test_plan_id_only_with_a_single_file(plan_dir, tmp_path):
    result = kepu(tmp_path, "ingest", "plan", str(plan_dir), "--plan-id", "x")
    assert result.exit_code == 2 and "--plan-id 只能在导入单个文件时使用（本次共 5 个文件）" in result.stderr
    result = kepu(tmp_path, "ingest", "plan", str(plan_dir / "grouped.docx"), "--plan-id", "youth")
    assert result.exit_code == 0 and "（编号 youth）" in result.output


def test_empty_directory_and_missing_path(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.xlsx").write_bytes(b"x")
    result = kepu(tmp_path / "data", "ingest", "plan", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "中没有可导入的方案文件" in result.stderr
    result = kepu(tmp_path / "data", "ingest", "plan", str(SHIPPED_PLAN), str(tmp_path / "nope.docx"))
    assert result.exit_code == 2 and "找不到方案文件" in result.stderr and "nope.docx" in result.stderr
    assert not (tmp_path / "data" / "graph").exists()


def test_progress_bar_for_many_files(plan_dir, tmp_path):
    proc = kepu_process(tmp_path, "ingest", "plan", str(plan_dir), env={"TTY_COMPATIBLE": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "解析方案" in proc.stderr and "5/5" in proc.stderr
