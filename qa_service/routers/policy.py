"""Policy questions over HTTP: POST /api/ask, the measures and units of the graph.

The chat service and the policy QA come from `Services` (qa_service/services.py); the graph view
is rebuilt when the store publishes new data.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from fastapi import APIRouter, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from graph.errors import GraphError
from graph.roles import role_of
from graph.unit_identity import scope_label, units_of
from qa_service.chat.question import normalize, read_question
from qa_service.http.deps import ChatDep, PolicyDep, TeamDep
from qa_service.http.errors import json_error
from qa_service.http.schemas import ANSWER_RESPONSES
from qa_service.policy.qa import PolicyQA
from qa_service.policy.ranking import rank
from qa_service.team.hooks import record_answer

log = logging.getLogger(__name__)
router = APIRouter(tags=["政策问答"])

_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
_ROLES = ("lead", "co", "any")


class AskBody(BaseModel):
    question: str
    session_id: str | None = None


@router.post("/api/ask", responses=ANSWER_RESPONSES)
async def ask(body: AskBody, chat: ChatDep, team: TeamDep, response: Response):
    """Ask about the plan: {"question": "...", "session_id": "..." | null}."""
    question = read_question(body.question)  # once per request: the chat service takes the result
    if question.problem == "empty":
        return json_error(422, "问题不能为空")
    if question.problem == "too_long":
        return json_error(422, question.message)
    if body.session_id is not None and not _SESSION_ID.match(body.session_id):
        return json_error(422, "会话 ID 只能包含字母、数字和 _ . : @ -，长度不超过128。")
    try:
        answer = await run_in_threadpool(chat.answer, question, body.session_id)
    except GraphError as exc:
        log.error("answering failed: %s", exc)
        return json_error(503, exc.user_message)
    # Logged for the team after the answer is ready (a queue put); the id rates it (/api/feedback).
    answer_id = record_answer(team, "api", body.session_id, body.question, answer)
    if answer_id:
        response.headers["X-Kepu-Answer-Id"] = answer_id
    return answer


@router.get("/api/measures")
async def measures(policy: PolicyDep, unit: str | None = None, role: str = "any", q: str | None = None,
                   region: str | None = None):
    """Measures, optionally of one unit (role lead | co | any; `region` when plans of several
    regions name a unit so) and/or matching words `q`."""
    if role not in _ROLES:
        return json_error(422, "role 只能是 lead（牵头）、co（配合）或 any（全部）。")
    await run_in_threadpool(policy.maybe_reload)
    index = policy.index
    chosen = list(index.measures)
    canonical = None
    if unit:
        canonical = policy.resolver.canonical(normalize(unit))
        if canonical is None:
            return json_error(404, f"未找到单位“{unit}”。可通过 /api/units 查看全部单位。")
        chosen = [m for m in chosen if canonical in _with_role(m, role)]
        if region:
            plan_of = policy.index.plan_of
            chosen = [m for m in chosen
                      if region in {(s := policy.resolver.scope_of(plan_of[m.id].id, canonical)), scope_label(s)}]
    if q and q.strip():
        words = normalize(q)
        hits = [m for m in chosen if words in normalize(f"{m.title}{m.text}{m.section_title}{m.chapter_title}")]
        chosen = hits if hits else await run_in_threadpool(_ranked, policy, words, chosen)
    return {"unit": canonical, "role": role, "q": q or None, "count": len(chosen),
            "measures": [m.to_json() for m in chosen]}


def _ranked(policy: PolicyQA, words: str, within: list) -> list:
    """No literal hit: the measures the answerer would consider (confident matches only)."""
    answerer = policy.answerer
    _, query = answerer.analyse(words)
    if not query.content:
        return []
    ranking = rank(query, "measure", answerer.params)
    if ranking.probability < answerer.params.suggest_threshold:
        return []
    allowed = {m.id for m in within}
    picks = [policy.index.measures[i] for i in ranking.order[:3]]
    return [m for m in picks if m.id in allowed]


def _with_role(measure, role: str) -> set[str]:
    if role == "lead":
        return set(measure.lead_units)
    if role == "co":
        return set(measure.co_units)
    return set(measure.all_units)


@router.get("/api/measures/{measure_id:path}")
async def measure(measure_id: str, policy: PolicyDep):
    await run_in_threadpool(policy.maybe_reload)
    found = policy.index.by_id.get(measure_id)
    if found is None:
        return json_error(404, f"未找到措施：{measure_id}")
    return found.to_json()


def _unit_summary(policy: PolicyQA, name: str, scope: str | None = None, measures: list | None = None) -> dict:
    """Counts per role (graph/roles.py: the pages and `kepu units` count the same way); one
    region's unit of that name when `scope` is given (淮阴区's 区财政局, not 罗湖区's)."""
    measures = policy.index.measures if measures is None else measures
    counts = Counter(role_of(m, name) for m in measures)
    return {
        "name": name,
        "region": scope_label(scope) if scope is not None else None,
        "full_name": policy.resolver.full_name(name, scope),
        "aliases": [a for a in policy.resolver.aliases(name) if a != name],
        "lead_count": counts["lead"],
        "co_count": counts["co"],  # participating under a named lead
        "joint_count": counts["joint"],  # listed where no lead is named: shared responsibility
        "local_count": counts["local"] + counts["zone"],
    }


@router.get("/api/units")
async def units(policy: PolicyDep):
    """Every unit named in the loaded plans, with how many measures it leads or takes part in; a
    name that plans of two regions use is two units, one row each with its region."""
    await run_in_threadpool(policy.maybe_reload)
    rows = [_unit_summary(policy, name, scope, measures)
            for (scope, name), measures in units_of(policy.index.plans).items()]
    rows.sort(key=lambda r: (-(r["lead_count"] + r["co_count"] + r["joint_count"]), -r["local_count"], r["name"]))
    return {"count": len(rows), "units": rows}


@router.get("/api/units/{name}")
async def unit(name: str, policy: PolicyDep, region: str | None = None):
    """One unit by any of its names (full name, nickname, a small typo); `region` picks one when
    plans of several regions name a unit so (淮阴区、罗湖区 each have a 区财政局)."""
    await run_in_threadpool(policy.maybe_reload)
    canonical = policy.resolver.canonical(normalize(name))
    if canonical is None:
        return json_error(404, f"未找到单位“{name}”。可通过 /api/units 查看全部单位。")
    found = {
        scope: measures
        for (scope, unit_name), measures in units_of(policy.index.plans).items()
        if unit_name == canonical
    }
    if region:
        found = {s: ms for s, ms in found.items() if region in (s, scope_label(s))}
        if not found:
            return json_error(404, f"{region}没有名为“{canonical}”的单位。可通过 /api/units 查看全部单位。")
    if len(found) > 1:
        names = "、".join(scope_label(s) for s in found)
        return json_error(409, f"有多个地区的“{canonical}”：{names}。请用 ?region= 指定地区。")
    scope, chosen = next(iter(found.items()), (None, []))
    summary = _unit_summary(policy, canonical, scope, chosen)
    summary["lead_measures"] = [m.to_json() for m in chosen if canonical in m.lead_units]
    summary["co_measures"] = [m.to_json() for m in chosen if canonical in m.co_units]
    summary["local_measures"] = [
        m.to_json() for m in chosen if canonical in m.local_units or canonical in m.zones
    ]
    return summary
