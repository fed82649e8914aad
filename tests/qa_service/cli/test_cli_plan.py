from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from graph.settings import Settings
from graph.store.oxigraph import OxigraphStore
from qa_service.cli import app
from tests.graph.conftest import make_plan

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_PLAN = ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
runner = CliRunner(env={"COLUMNS": "200", "KEPU_GRAPH_URI": ""})


def kepu(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def kepu_process(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command in its own process: exit codes and stderr as a shell sees them."""
    return subprocess.run(
        [sys.executable, "-c", "from qa_service.cli import main; main()", "--data-dir", str(data_dir), *args],
        cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=300,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HF_HUB_OFFLINE": "1"},
    )


def table_row(output: str, key: str) -> list[str]:
    """The cells of the rich table row that contains `key`."""
    line = next(row for row in output.splitlines() if key in row)
    return [cell.strip() for cell in line.split("│")[1:-1]]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    store = OxigraphStore(Settings().with_data_dir(tmp_path).graph_dir)
    store.put_plan(make_plan())
    store.put_plan(make_plan("other-2022", "另一区科普实施方案"))
    store.close()
    return tmp_path


def test_plans_lists_each_plan_with_its_measure_count(data_dir):
    result = kepu(data_dir, "plans")
    assert result.exit_code == 0, result.output
    assert table_row(result.output, "sample-2021-2025") == [
        "sample-2021-2025", "样例区全民科学素质行动规划实施方案", "2021—2025", "征求意见稿", "3"]
    assert "other-2022" in result.output


def test_plans_on_an_empty_data_dir_says_what_to_do(tmp_path):
    result = kepu(tmp_path, "plans")
    assert result.exit_code == 0
    assert "kepu ingest plan" in result.output


def test_remove_then_unknown_plan_exits_2(data_dir):
    result = kepu(data_dir, "remove", "other-2022")
    assert result.exit_code == 0 and "已删除方案 other-2022" in result.output
    assert "other-2022" not in kepu(data_dir, "plans").output
    proc = kepu_process(data_dir, "remove", "other-2022")
    assert proc.returncode == 2
    assert "未找到方案：other-2022" in proc.stderr and "sample-2021-2025" in proc.stderr


def test_sparql_table_json_and_bad_query(data_dir):
    query = ('SELECT ?title WHERE { ?m kepu:leadUnit/skos:prefLabel "区委宣传部" ; dcterms:title ?title ; '
             'dcterms:isPartOf/dcterms:identifier "sample-2021-2025" }')
    result = kepu(data_dir, "sparql", query)
    assert result.exit_code == 0 and "强化科普教育基地建设" in result.output
    result = kepu(data_dir, "sparql", "--json", query)
    assert json.loads(result.output) == [{"title": "强化科普教育基地建设"}]
    assert kepu(data_dir, "sparql", "ASK { ?u skos:altLabel \"区文明办\" }").output.strip() == "是"
    result = kepu(data_dir, "sparql", "SELEC ?x")
    assert result.exit_code == 2 and "SPARQL 查询语句有误" in result.stderr


def test_export_json_to_stdout(data_dir):
    result = kepu(data_dir, "export", "--format", "json", "--plan", "sample-2021-2025")
    assert result.exit_code == 0, result.output
    measures = json.loads(result.stdout)
    assert [m["title"] for m in measures] == [m.title for m in make_plan().measures]


def test_export_csv_and_xlsx_files(data_dir, tmp_path):
    out = tmp_path / "分工表.csv"
    assert kepu(data_dir, "export", "--format", "csv", "-o", str(out), "--plan", "sample-2021-2025").exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[2][2:4] == ["强化科普教育基地建设", "区委宣传部"]
    xlsx = tmp_path / "分工表.xlsx"
    result = kepu(data_dir, "export", "-f", "xlsx", "-o", str(xlsx))
    assert result.exit_code == 0, result.output
    assert len(load_workbook(xlsx).sheetnames) == 2


def test_export_rejects_bad_requests(data_dir):
    result = kepu(data_dir, "export", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr
    result = kepu(data_dir, "export", "--format", "docx")
    assert result.exit_code == 2 and "不支持的导出格式" in result.stderr
    result = kepu(data_dir, "export", "--plan", "nope")
    assert result.exit_code == 2 and "未找到方案：nope" in result.stderr


def test_units_counts_roles_and_lists_unresolved(data_dir):
    result = kepu(data_dir, "units")
    assert result.exit_code == 0
    # 区委宣传部 leads 强化科普教育基地建设 in both plans; 区科技局 assists it twice and shares 2/1/1 twice
    assert table_row(result.output, "区委宣传部") == ["区委宣传部", "2", "0", "0", "0", "2"]
    assert table_row(result.output, "区科技局") == ["区科技局", "0", "2", "2", "0", "4"]
    result = kepu(data_dir, "units", "--unresolved")
    assert "淮阴区未知办" in result.output and "sample-2021-2025" in result.output


def test_units_of_two_regions_are_listed_apart(tmp_path):
    store = OxigraphStore(Settings().with_data_dir(tmp_path).graph_dir)
    store.put_plan(make_plan())
    other = make_plan("luohu-2026", "罗湖区科普实施方案")
    other.region = "罗湖区"
    store.put_plan(other)
    store.close()
    result = kepu(tmp_path, "units")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "区委宣传部" in line]
    assert len(rows) == 2 and any("样例区" in r for r in rows) and any("罗湖区" in r for r in rows)
    result = kepu(tmp_path, "units", "--unresolved")
    assert "│ luohu-2026" in result.output and "罗湖区" in result.output and "淮阴区未知办" in result.output


# ---------------------------------------------------------------------------- kepu ingest plan

SHIPPED_ID = "huaiyin_science_literacy_plan_2021-2025_draft"
UNBALANCED = "某区科普方案\n一、总体要求\n（一）重点任务\n1. 加强科普。开展活动。（责任单位：区科技局、科协\n"


def _generation(data_dir: Path) -> str:
    return (data_dir / "graph" / "CURRENT").read_text().strip()


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory) -> Path:
    """A data dir holding the shipped plan, ingested once through the CLI."""
    data_dir = tmp_path_factory.mktemp("shipped")
    result = kepu(data_dir, "ingest", "plan", str(SHIPPED_PLAN))
    assert result.exit_code == 0, result.output
    return data_dir


def test_ingested_shipped_plan_has_40_measures(shipped_dir):
    store = OxigraphStore(shipped_dir / "graph")
    plan = store.get_plan(SHIPPED_ID)
    assert len(plan.measures) == 40
    result = kepu(shipped_dir, "plans")
    assert table_row(result.output, "征求意见稿")[-1] == "40"


def test_ingest_summary_counts(tmp_path):
    result = kepu(tmp_path, "ingest", "plan", str(SHIPPED_PLAN), "--plan-id", "huaiyin")
    assert result.exit_code == 0, result.output
    assert "已导入方案《淮阴区全民科学素质行动规划实施方案》（编号 huaiyin）" in result.output
    assert "措施 40 条" in result.output and "未识别单位 0 个" in result.output


def test_shipped_plan_responsibility_table(shipped_dir, tmp_path):
    out = tmp_path / "表.csv"
    assert kepu(shipped_dir, "export", "-f", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 41
    row = next(r for r in rows if r[2] == "强化科普教育基地建设")
    assert row[1] == "二、（三）3." and row[3] == "区委宣传部"
    assert row[5] == "高新区、农科园、各镇、各街道"
    assert "新评定市级以上科普教育基地15家以上" in row[6]


def test_shipped_plan_measure_units_lookup(shipped_dir):
    units = OxigraphStore(shipped_dir / "graph").measure_units(f"{SHIPPED_ID}/2/3/3")
    assert units["lead_units"] == ["区委宣传部"]
    assert units["co_units"][:3] == ["区科技局", "区文广旅局", "区教体局"]


def test_reingest_replaces_without_growing(shipped_dir):
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = json.loads(kepu(shipped_dir, "sparql", "--json", query).stdout)
    assert kepu(shipped_dir, "ingest", "plan", str(SHIPPED_PLAN)).exit_code == 0
    assert json.loads(kepu(shipped_dir, "sparql", "--json", query).stdout) == before
    assert OxigraphStore(shipped_dir / "graph").plan_ids() == [SHIPPED_ID]


def test_bad_plan_exits_2_names_file_and_line_and_writes_nothing(shipped_dir, tmp_path):
    bad = tmp_path / "坏方案.txt"
    bad.write_text(UNBALANCED, encoding="utf-8")
    generation = _generation(shipped_dir)
    proc = kepu_process(shipped_dir, "ingest", "plan", str(bad))
    assert proc.returncode == 2
    assert "坏方案.txt" in proc.stderr and "第4行" in proc.stderr
    assert _generation(shipped_dir) == generation, "a rejected file must not touch the graph"
    fresh = tmp_path / "fresh"
    assert kepu(fresh, "ingest", "plan", str(bad)).exit_code == 2
    assert not (fresh / "graph").exists()


def test_missing_file_and_bad_plan_id(tmp_path):
    result = kepu(tmp_path, "ingest", "plan", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "找不到方案文件" in result.stderr
    result = kepu(tmp_path, "ingest", "plan", str(SHIPPED_PLAN), "--plan-id", "a/b")
    assert result.exit_code == 2 and "方案编号" in result.stderr


def test_unwritable_data_dir_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    proc = kepu_process(blocker, "ingest", "plan", str(SHIPPED_PLAN))
    assert proc.returncode == 2 and "数据目录不可写" in proc.stderr


def test_full_disk_exits_2_and_keeps_the_previous_graph(data_dir, monkeypatch):
    def disk_full(self, name):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(OxigraphStore, "_publish", disk_full)
    result = kepu(data_dir, "ingest", "plan", str(SHIPPED_PLAN))
    assert result.exit_code == 2 and "磁盘空间不足" in result.stderr
    assert OxigraphStore(data_dir / "graph").plan_ids() == ["other-2022", "sample-2021-2025"]


def test_server_keeps_answering_during_ingest_and_then_sees_it(data_dir):
    """A long-lived reader (as `kepu serve` holds) while `kepu ingest plan` runs in another process."""
    reader = OxigraphStore(data_dir / "graph")
    assert reader.plan_ids() == ["other-2022", "sample-2021-2025"]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from qa_service.cli import main; main()", "--data-dir", str(data_dir),
         "ingest", "plan", str(SHIPPED_PLAN)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reads = 0
    while proc.poll() is None:
        assert reader.get_plan("sample-2021-2025").measures[1].lead_units == ["区委宣传部"]
        assert reader.measure_units("sample-2021-2025/2/3/3")["lead_units"] == ["区委宣传部"]
        reads += 1
    assert proc.returncode == 0, proc.stderr.read()
    assert reads > 0
    assert reader.plan_ids() == sorted(["other-2022", "sample-2021-2025", SHIPPED_ID])
    assert len(reader.get_plan(SHIPPED_ID).measures) == 40


def test_ingest_killed_mid_write_leaves_previous_graph(data_dir):
    reader = OxigraphStore(data_dir / "graph")
    generation = _generation(data_dir)
    code = ("import os, signal; from graph.store.oxigraph import OxigraphStore; "
            "OxigraphStore._publish = lambda self, name: os.kill(os.getpid(), signal.SIGKILL); "
            "from qa_service.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code, "--data-dir", str(data_dir), "ingest", "plan",
                           str(SHIPPED_PLAN)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9
    assert _generation(data_dir) == generation
    assert reader.plan_ids() == ["other-2022", "sample-2021-2025"]
    assert kepu(data_dir, "ingest", "plan", str(SHIPPED_PLAN)).exit_code == 0
    assert SHIPPED_ID in reader.plan_ids()
