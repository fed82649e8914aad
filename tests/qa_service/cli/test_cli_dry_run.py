"""`kepu ingest plan FILE --dry-run`: the 责任分工表 it would write and what it was unsure of; nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from ingest.plan_report import load_report
from qa_service.cli import app

ROOT = Path(__file__).resolve().parents[3]
NINGBO = ROOT / "tests" / "data" / "plans" / "real" / "ningbo_2026_opc.txt"
runner = CliRunner(env={"COLUMNS": "200", "KEPU_GRAPH_URI": ""})


def kepu(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def test_dry_run_prints_the_table_and_writes_nothing(tmp_path):
    data = tmp_path / "var"
    result = kepu(data, "ingest", "plan", str(NINGBO), "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "责任分工表" in result.output
        and "建设OPC实体社区" in result.output
        and "通商控股集团" in result.output
    )
    assert "列第一位的为牵头单位" in result.output, "the convention it applied is reported"
    assert "未写入图谱" in result.output
    assert not data.exists(), "a dry run writes nothing"


def test_dry_run_json_and_xlsx(tmp_path):
    data = tmp_path / "var"
    result = kepu(data, "ingest", "plan", str(NINGBO), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["plan"]["region"] == "宁波市" and len(parsed["measures"]) == 18
    first = parsed["measures"][0]
    assert first["title"] == "建设OPC实体社区" and first["lead_units"] == ["市经信局"]
    assert parsed["report"]["conventions"] and parsed["report"]["without_note"] == []
    out = tmp_path / "分工表.xlsx"
    result = kepu(data, "ingest", "plan", str(NINGBO), "--dry-run", "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][3] == "牵头单位" and rows[1][2] == "建设OPC实体社区" and rows[1][3] == "市经信局"
    assert not data.exists()


def test_dry_run_lists_measures_without_a_note(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "某某市科普方案\n一、重点任务\n1.建设科普馆。完善展教设施。\n2.开展科普活动。每年开展活动。（责任单位：市科协）\n",
        encoding="utf-8",
    )
    result = kepu(tmp_path / "var", "ingest", "plan", str(plan), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "没有责任单位说明的措施" in result.output and "建设科普馆" in result.output


def test_bad_dry_run_options_exit_2(tmp_path):
    result = kepu(tmp_path / "var", "ingest", "plan", str(NINGBO), "--dry-run", "-f", "xlsx")
    assert result.exit_code == 2 and "-o" in result.output
    result = kepu(tmp_path / "var", "ingest", "plan", str(NINGBO), "--dry-run", "-f", "pdf")
    assert result.exit_code == 2 and "不支持的输出格式" in result.output


def test_ingest_keeps_the_report_with_the_plan(tmp_path):
    data = tmp_path / "var"
    result = kepu(data, "ingest", "plan", str(NINGBO))
    assert result.exit_code == 0, result.output
    report = load_report(data, "ningbo_2026_opc")
    assert report is not None and report.measures == 18 and report.conventions


def test_eval_plans_scores_a_directory_of_gold_files(tmp_path):
    real = ROOT / "tests" / "data" / "plans" / "real"
    result = kepu(tmp_path / "var", "eval", "plans", str(real), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["items"] == 101 and summary["units_exact"] == 101 and summary["lead_exact"] == 101
    result = kepu(tmp_path / "var", "eval", "plans", str(tmp_path))
    assert result.exit_code == 2 and ".gold.json" in result.output


def test_the_report_kept_with_a_plan_is_shown_on_the_matrix_page(tmp_path):
    from fastapi.testclient import TestClient

    from graph.settings import Settings
    from qa_service.app import create_app

    data = tmp_path / "var"
    assert kepu(data, "ingest", "plan", str(NINGBO)).exit_code == 0
    settings = Settings(data_dir=data, model_dir=data / "no-model")
    with TestClient(create_app(settings)) as client:
        page = client.get("/matrix")
    assert page.status_code == 200
    assert "解析报告" in page.text and "列第一位的为牵头单位" in page.text
