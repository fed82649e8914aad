"""Scoring a question set (the dev-set JSONL format) against the chat service.

Question lines: {"q", "type", ...expectations}; types resp, lead, reverse, reverse_lead, target,
structure, basis, fact, oos, and followup ({"type": "followup", "turns": [question, ...]}, asked in
one session, right only if every turn is). Unknown fields (e.g. "split") are ignored.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from pathlib import Path

TYPES = ("resp", "lead", "reverse", "reverse_lead", "target", "structure", "basis", "fact", "oos", "followup")


class QuestionFileError(ValueError):
    """A question file that cannot be read; the message is Chinese, for the CLI user."""


def load_questions(path: Path) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(f"无法读取问题集 {path}：{exc}") from exc
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(f"问题集第{number}行不是合法的 JSON：{exc.msg}") from exc
        if not isinstance(item, dict) or item.get("type") not in TYPES:
            raise QuestionFileError(f"问题集第{number}行缺少或使用了未知的 type（可用：{'、'.join(TYPES)}）")
        if item["type"] == "followup" and not item.get("turns"):
            raise QuestionFileError(f"问题集第{number}行是 followup，但没有 turns")
        if item["type"] != "followup" and not item.get("q"):
            raise QuestionFileError(f"问题集第{number}行缺少问题 q")
        out.append(item)
    return out


def _units(response: dict, measure_id: str, roles: tuple[str, ...]) -> set[str]:
    return {u["name"] for u in response["units"] if u.get("measure_id") == measure_id and u["role"] in roles}


def judge(item: dict, response: dict) -> tuple[bool, str]:
    """(right?, why not) for one question and the chat service's response."""
    kind = item["type"]
    answer = response["answer"]
    if kind == "oos":
        ok = response["abstained"] or response["intent"] == "rumor"
        return ok, "" if ok else f"应拒答，却回答了：{answer[:40]}"
    if response["abstained"]:
        return False, f"未作答：{answer[:40]}"
    if kind in ("resp", "lead"):
        found = [m for m in response["measures"] if m["title"] == item["title"]]
        if not found:
            got = [m["title"] for m in response["measures"]]
            return False, f"措施应为【{item['title']}】，实际 {got}"
        mid = found[0]["id"]
        checks = [("lead", ("lead",)), ("units", ("lead", "co")), ("local", ("local",)), ("zones", ("zone",))]
        for key, roles in checks:
            if key in item and set(item[key]) != _units(response, mid, roles):
                return False, f"{key} 应为 {sorted(item[key])}，实际 {sorted(_units(response, mid, roles))}"
        return True, ""
    if kind in ("reverse", "reverse_lead"):
        names = [u["name"] for u in response["units"]]
        if item.get("unit") and item["unit"] not in names:
            return False, f"单位应为 {item['unit']}，实际 {names}"
        got = {m["title"] for m in response["measures"]}
        ok = got == set(item["titles"]) and response["intent"] == kind
        return ok, "" if ok else f"{response['intent']}: 多 {sorted(got - set(item['titles']))} 少 {sorted(set(item['titles']) - got)}"
    if kind == "structure":
        titles = set(item["titles"])
        got = {m["title"] for m in response["measures"]}
        ok = got == titles if got else all(t in answer for t in titles)
        return ok, "" if ok else f"结构应为 {sorted(titles)}，实际 {sorted(got) or answer[:60]}"
    missing = [e for e in item.get("expect", []) if e not in answer]
    return not missing, "" if not missing else f"答案缺少 {missing}"


def evaluate(chat, questions: list[dict]) -> dict:
    """Ask every question, score it, and summarise per type plus latency."""
    rows: list[dict] = []
    latencies: list[float] = []

    def ask(item: dict, session: str | None) -> tuple[bool, str, dict]:
        started = time.perf_counter()
        response = chat.answer(item["q"], session)
        latencies.append((time.perf_counter() - started) * 1000)
        ok, why = judge(item, response)
        return ok, why, response

    for item in questions:
        if item["type"] == "followup":
            session = f"eval-{uuid.uuid4().hex}"
            turns = [ask(turn, session) for turn in item["turns"]]
            chat.forget(session)
            ok = all(t[0] for t in turns)
            why = "；".join(f"第{i}轮：{t[1]}" for i, t in enumerate(turns, 1) if not t[0])
            rows.append({"q": " / ".join(t["q"] for t in item["turns"]), "type": "followup", "ok": ok,
                         "why": why, "intent": turns[-1][2]["intent"], "abstained": turns[-1][2]["abstained"]})
        else:
            ok, why, response = ask(item, None)
            rows.append({"q": item["q"], "type": item["type"], "ok": ok, "why": why,
                         "intent": response["intent"], "abstained": response["abstained"],
                         "confidence": response["confidence"]})
    return summarise(rows, latencies)


def summarise(rows: list[dict], latencies: list[float]) -> dict:
    by_type = {}
    for kind in TYPES:
        subset = [r for r in rows if r["type"] == kind]
        if subset:
            right = sum(r["ok"] for r in subset)
            by_type[kind] = {"n": len(subset), "right": right, "accuracy": round(right / len(subset), 4)}
    answerable = [r for r in rows if r["type"] != "oos"]
    oos = [r for r in rows if r["type"] == "oos"]
    ordered = sorted(latencies)
    return {
        "n": len(rows),
        "accuracy": round(sum(r["ok"] for r in rows) / len(rows), 4) if rows else 0.0,
        "by_type": by_type,
        "oos_abstained": round(sum(r["ok"] for r in oos) / len(oos), 4) if oos else None,
        "answerable_abstained": round(sum(r["abstained"] for r in answerable) / len(answerable), 4)
        if answerable else None,
        "latency_ms": {
            "median": round(statistics.median(ordered), 2) if ordered else None,
            "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2) if ordered else None,
        },
        "failures": [r for r in rows if not r["ok"]],
    }
