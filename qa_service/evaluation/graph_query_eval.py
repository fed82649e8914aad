"""Scoring answers to graph questions (tests/data/kgqa/graph_questions.jsonl) against their gold,
which comes from hand-checked tables of the plans, never from kepu's own output."""

from __future__ import annotations

import re
from collections import Counter


def check(kind: str, gold: dict, body: dict) -> str | None:
    """None when the answer is right, else why not (English, for the test report)."""
    text = body.get("answer", "")
    clauses = Counter(m.get("path") and "".join(m["path"]) for m in body.get("measures") or [])
    if kind == "unknown":
        return None if gold["unknown"] in text and "未找到单位" in text else "unknown unit not reported"
    # "那区妇联呢？" after a unit's list is answered by the same unit list (full name, lead count),
    # not a query: right when it lists exactly the gold's measures
    unit_list = kind == "followup" and "clauses" in gold and body.get("intent") in ("reverse", "reverse_lead")
    if body.get("intent") != "query" and not (kind == "units" and _one_measure_roles(gold, body)) and not unit_list:
        return f"not answered as a graph query (intent {body.get('intent')})"
    if "per_plan" in gold:
        return _per_plan(gold["per_plan"], text)
    if "clauses" in gold:
        if clauses != Counter(gold["clauses"]):
            return f"measures {sorted(clauses)} != gold {sorted(gold['clauses'])}"
        return None if _first_number(text) == len(gold["clauses"]) else f"count not first: {text[:40]}"
    if "count" in gold:
        return (
            None
            if _first_number(text) == gold["count"]
            else f"count {_first_number(text)} != {gold['count']}"
        )
    if "yes" in gold:
        want = "是" if gold["yes"] else "不"
        if not text.startswith(want):
            return f"answer starts {text[:1]!r}, gold {want!r}"
        if kind == "max_yes":  # "区科协是不是牵头最多的？": the unit's own count follows
            found = re.search(re.escape(gold["unit"]) + r"[^，。；]{0,4}?(\d+)项", text)
            return None if found and int(found.group(1)) == gold["n"] else f"{gold['unit']} {gold['n']} not in {text[:60]}"
        return None if gold["clause"] in text else "clause missing"
    if kind in ("max", "min"):
        head = text.split("其次")[0]
        missing = [u for u in gold["units"] if u not in head]
        if missing or _first_number(text) != gold["n"]:
            return f"winners {gold['units']} ({gold['n']}) not in {head[:60]}"
        return None
    if kind == "compare":
        for unit, n in gold["counts"].items():
            if not re.search(re.escape(unit) + r"[^，。；]{0,6}?" + str(n) + "项", text) and not (
                f"各{_role_word(text)}{n}项" in text and unit in text
            ):
                return f"{unit} {n} not in {text[:60]}"
        return None
    if "leads" in gold:
        for clause, leads in gold["leads"].items():
            line = next((ln for ln in text.splitlines() if clause in ln), None)
            if line is None:
                return f"clause {clause} missing"
            want = leads or ["未明确"]
            if any(x not in line for x in want):
                return f"{clause}: {want} not in {line}"
        return None
    if "units" in gold:
        missing = [u for u in gold["units"] if u not in text]
        extra = [u for u in gold.get("excluded", []) if _listed(u, text)]
        return None if not missing and not extra else f"missing {missing}, excluded shown {extra}"
    if "deadline" in gold:
        if gold["deadline"] is None:
            return None if text.startswith("未写明") else f"expected no deadline: {text[:30]}"
        return (
            None
            if text.startswith(gold["deadline"])
            else f"deadline {gold['deadline']} not first: {text[:30]}"
        )
    if "texts" in gold:
        if _first_number(text) != gold["n"]:
            return f"target count {_first_number(text)} != {gold['n']}"
        missing = [t for t in gold["texts"] if t.rstrip("。") not in text]
        return None if not missing else f"targets missing {missing}"
    return "no gold to check"


def _one_measure_roles(gold: dict, body: dict) -> bool:
    """ "谁负责完善表彰奖励机制？" names one measure: the ranking path's answer of its roles (one of
    the original question types) is as right as a query's, when it names every unit."""
    return (
        body.get("intent") == "resp"
        and "units" in gold
        and not gold.get("excluded")
        and len(body.get("measures") or []) == 1
    )


def _per_plan(lines: list[dict], text: str) -> str | None:
    """Each plan's facts on the line naming that plan: its count, and its units or clauses."""
    for want in lines:
        line = next((ln for ln in text.splitlines() if want["plan"] in ln), None)
        if line is None:
            return f"no line for plan {want['plan']}"
        if f"{want['n']}项" not in line:
            return f"{want['plan']}: {want['n']}项 not in {line[:80]}"
        missing = [x for x in want.get("units", []) + want.get("clauses", []) if x not in line]
        if missing:
            return f"{want['plan']}: {missing} not in {line[:80]}"
    return None


def _role_word(text: str) -> str:
    return "牵头" if "牵头" in text else "参与"


def _listed(unit: str, text: str) -> bool:
    """The unit named in the answer's list (the "除X外" head does not count)."""
    return unit in re.sub(r"除" + re.escape(unit) + "外", "", text)


def _first_number(text: str) -> int | None:
    m = re.search(r"\d+", text)
    return int(m.group()) if m else None
