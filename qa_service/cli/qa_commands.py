"""Question answering commands: `kepu ask`, `kepu eval questions`, `kepu eval tune`.

`ask` and `eval questions` answer from the graph under --data-dir (or, with --plan, from plan files
parsed on the fly); `--session` keeps a conversation across `kepu ask` calls in
data_dir/sessions.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import typer
from rich.table import Table

from graph.errors import GraphError
from graph.settings import Settings
from qa_service.cli.base import app, console, err_console, eval_app, fail, settings_of

log = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
_TYPE_NAMES = {"resp": "责任单位", "lead": "牵头单位", "reverse": "单位职责", "reverse_lead": "单位牵头",
               "target": "量化目标", "structure": "方案结构", "basis": "制定依据", "fact": "方案信息",
               "oos": "范围外拒答", "followup": "多轮追问"}


def _parse_plans(paths: list[Path]):
    from ingest.errors import IngestError
    from ingest.plan_parser import parse_plan_file

    plans = []
    for path in paths:
        if not path.is_file():
            fail(f"找不到方案文件：{path}")
        try:
            plans.append(parse_plan_file(path))
        except IngestError as exc:
            log.error("Cannot parse %s: %s", path, exc)
            fail(getattr(exc, "user_message", None) or f"方案文件无法解析：{path}")
    return plans


def _chat(settings: Settings, plan_paths: list[Path] | None, sessions=None):
    from qa_service.chat.sessions import InMemorySessionStore
    from qa_service.services import build_services

    plans = _parse_plans(plan_paths) if plan_paths else None
    sessions = sessions if sessions is not None else InMemorySessionStore()
    try:
        return build_services(settings, sessions=sessions, plans=plans).chat
    except GraphError as exc:
        log.error("Cannot build the policy QA: %s", exc)
        fail(exc.user_message)
        raise


@app.command("ask")
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="问题，例如：谁负责科普教育基地建设？"),
    as_json: bool = typer.Option(False, "--json", help="输出完整 JSON"),
    session: str = typer.Option(None, "--session", help="会话 ID：同一 ID 的追问会结合上一轮"),
    plan: list[Path] = typer.Option(None, "--plan", help="直接从方案文件回答（不读图谱）"),
    explain: bool = typer.Option(False, "--explain", help="同时打印解析出的查询和执行的 SPARQL/Cypher 语句"),
) -> None:
    """就方案提问：谁负责、谁牵头、某单位的任务、量化目标、结构与依据，以及“和/或/不/多少/最多/何时”类问题。"""
    from qa_service.chat.sessions import FileSessionStore

    settings = settings_of(ctx)
    if session is not None and not _SESSION_ID.match(session):
        fail("会话 ID 只能包含字母、数字和 _ . : @ -，长度不超过128。")
    store = FileSessionStore(settings.data_dir / "sessions") if session else None
    response = _chat(settings, plan, store).answer(question, session)
    if as_json:
        typer.echo(json.dumps(response, ensure_ascii=False, indent=2))
        return
    console.print(response["answer"], highlight=False, markup=False)
    if explain:
        _explain(response.get("query"))
    if response["intent"] == "invalid":
        raise typer.Exit(2)


def _explain(query: dict | None) -> None:
    """The typed query and the statements it ran as (stdout, after the answer)."""
    if not query:
        console.print("\n（此问题未解析为图谱查询，按检索排序回答。）", highlight=False, markup=False)
        return
    shown = {k: v for k, v in query.items() if k not in ("statements", "describe", "language", "milliseconds")}
    console.print(f"\n按此查询：{query.get('describe', '')}", highlight=False, markup=False)
    console.print(json.dumps(shown, ensure_ascii=False, indent=2), highlight=False, markup=False)
    for statement in query.get("statements") or []:
        console.print(f"\n{query.get('language', '')}（{query.get('milliseconds', 0)} ms）：\n{statement}",
                      highlight=False, markup=False)


@eval_app.command("questions")
def eval_questions(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="问题集 JSONL（格式同 dev_questions.jsonl）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON 报告（含每道错题）"),
    split: str = typer.Option(None, "--split", help="只评测 split 字段等于此值的问题"),
    plan: list[Path] = typer.Option(None, "--plan", help="直接从方案文件回答（不读图谱）"),
) -> None:
    """逐题提问并按题型统计准确率。"""
    from qa_service.evaluation.policy_eval import QuestionFileError, evaluate, load_questions

    try:
        questions = load_questions(path)
    except QuestionFileError as exc:
        fail(str(exc))
    if split:
        questions = [q for q in questions if q.get("split") == split]
    if not questions:
        fail("问题集中没有可评测的问题。")
    report = evaluate(_chat(settings_of(ctx), plan), questions)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"问答评测：{path.name}（{report['n']} 题）")
    for column in ("题型", "题数", "答对", "准确率"):
        table.add_column(column)
    for kind, row in report["by_type"].items():
        table.add_row(f"{_TYPE_NAMES.get(kind, kind)}（{kind}）", str(row["n"]), str(row["right"]),
                      f"{row['accuracy']:.1%}")
    table.add_row("合计", str(report["n"]), str(round(report["accuracy"] * report["n"])),
                  f"{report['accuracy']:.1%}")
    console.print(table)
    if report["oos_abstained"] is not None:
        console.print(f"范围外问题拒答率：{report['oos_abstained']:.1%}")
    if report["answerable_abstained"] is not None:
        console.print(f"可答问题被拒答率：{report['answerable_abstained']:.1%}")
    latency = report["latency_ms"]
    console.print(f"单题耗时：中位数 {latency['median']} ms，p99 {latency['p99']} ms")
    for row in report["failures"]:
        err_console.print(f"✗ [{row['type']}] {row['q']} —— {row['why']}", highlight=False, markup=False)


@eval_app.command("tune")
def eval_tune(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="问题集 JSONL"),
    split: str = typer.Option("tune", "--split", help="只用 split 字段等于此值的问题调参（空字符串=全部）"),
    plan: list[Path] = typer.Option(None, "--plan", help="方案文件（默认读图谱）"),
    out: Path = typer.Option(None, "--out", help="参数文件（默认 qa_service/policy/params.json）"),
) -> None:
    """在问题集上调融合权重、置信度校准和阈值，写入参数文件。"""
    from graph.unit_registry import UnitRegistry
    from qa_service.evaluation.policy_eval import QuestionFileError, load_questions
    from qa_service.evaluation.policy_tuning import tune_modes
    from qa_service.policy.params import PARAMS_PATH, save_params
    from qa_service.policy.qa import load_encoder

    settings = settings_of(ctx)
    try:
        questions = [q for q in load_questions(path) if not split or q.get("split") == split]
    except QuestionFileError as exc:
        fail(str(exc))
    if plan:
        plans = _parse_plans(plan)
    else:
        from graph.store.factory import open_store

        plans = open_store(settings).plans()
    if not plans:
        fail("没有可用的方案：请先导入方案或用 --plan 指定方案文件。")
    encoder = load_encoder(settings)
    modes = ("hybrid", "lexical") if encoder is not None else ("lexical",)
    params = tune_modes(plans, UnitRegistry.shared(settings.unit_registry), encoder, questions, modes=modes)
    save_params(params, out or PARAMS_PATH)
    summary = {m: {k: params.mode(m).to_json()[k] for k in ("weights", "answer_threshold", "suggest_threshold")}
               for m in modes}
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=1))
