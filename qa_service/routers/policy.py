"""Policy questions over HTTP: POST /api/ask, the measures and units of the graph.

`setup` builds the chat service once (graph view, policy indexes, encoder) and puts it on
`app.state.chat`; the graph view is rebuilt when the store publishes new data.
"""

from __future__ import annotations

import logging
import re
import time

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from graph.errors import GraphError
from graph.settings import Settings
from qa_service.chat.question import MAX_QUESTION_CHARS, MSG_TOO_LONG, normalize
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import open_session_store
from qa_service.policy.qa import PolicyQA
from qa_service.policy.ranking import rank

log = logging.getLogger(__name__)
router = APIRouter(tags=["政策问答"])

_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
_ROLES = ("lead", "co", "any")


class AskBody(BaseModel):
    question: str
    session_id: str | None = None


def setup(app: FastAPI, settings: Settings) -> None:
    started = time.perf_counter()
    policy = PolicyQA.from_settings(settings)
    app.state.chat = ChatService(policy, open_session_store(settings),
                                 rumor_provider=lambda: getattr(app.state, "rumor_checker", None))
    policy.stats["startup_seconds"] = round(time.perf_counter() - started, 3)
    log.info("policy router ready in %.2fs (load %.2fs, index build %.2fs)", policy.stats["startup_seconds"],
             policy.stats["load_seconds"], policy.stats["build_seconds"])
    app.add_exception_handler(RequestValidationError, validation_error)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's validation errors, told in Chinese."""
    messages = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        kind = error.get("type", "")
        if field == "question" and (kind == "missing" or error.get("input") is None):
            messages.append("问题不能为空")
        elif kind == "missing":
            messages.append(f"缺少参数：{field or '请求体'}")
        elif kind in ("json_invalid", "model_attributes_type", "dict_type"):
            messages.append('请求体应为 JSON 对象，例如 {"question": "谁负责科普教育基地建设？"}')
        elif kind.startswith("string") or kind == "str_type":
            messages.append(f"参数 {field} 应为文本")
        else:
            messages.append(f"参数 {field or '请求'} 格式不正确")
    return _error(422, "；".join(dict.fromkeys(messages)) or "请求格式不正确")


def _chat(request: Request) -> ChatService:
    return request.app.state.chat


@router.post("/api/ask")
async def ask(body: AskBody, request: Request):
    """Ask about the plan: {"question": "...", "session_id": "..." | null}."""
    if not body.question.strip():
        return _error(422, "问题不能为空")
    if len(body.question) > MAX_QUESTION_CHARS:
        return _error(422, MSG_TOO_LONG)
    if body.session_id is not None and not _SESSION_ID.match(body.session_id):
        return _error(422, "会话 ID 只能包含字母、数字和 _ . : @ -，长度不超过128。")
    try:
        return await run_in_threadpool(_chat(request).answer, body.question, body.session_id)
    except GraphError as exc:
        log.error("answering failed: %s", exc)
        return _error(503, exc.user_message)


@router.get("/api/measures")
async def measures(request: Request, unit: str | None = None, role: str = "any", q: str | None = None):
    """Measures, optionally of one unit (role lead | co | any) and/or matching words `q`."""
    if role not in _ROLES:
        return _error(422, "role 只能是 lead（牵头）、co（配合）或 any（全部）。")
    policy = _chat(request).policy
    await run_in_threadpool(policy.maybe_reload)
    index = policy.index
    chosen = list(index.measures)
    canonical = None
    if unit:
        canonical = policy.resolver.canonical(normalize(unit))
        if canonical is None:
            return _error(404, f"未找到单位“{unit}”。可通过 /api/units 查看全部单位。")
        chosen = [m for m in chosen if canonical in _with_role(m, role)]
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
    if ranking.probability < answerer.params["suggest_threshold"]:
        return []
    allowed = {m.id for m in within}
    picks = [policy.index.measures[i] for i in ranking.order[:3]]
    return [m for m in picks if m.id in allowed]


def _with_role(measure, role: str) -> set[str]:
    if role == "lead":
        return set(measure.lead_units)
    if role == "co":
        return set(measure.co_units)
    return {*measure.lead_units, *measure.co_units, *measure.local_units, *measure.zones}


@router.get("/api/measures/{measure_id:path}")
async def measure(measure_id: str, request: Request):
    policy = _chat(request).policy
    await run_in_threadpool(policy.maybe_reload)
    found = policy.index.by_id.get(measure_id)
    if found is None:
        return _error(404, f"未找到措施：{measure_id}")
    return found.to_json()


def _unit_summary(policy: PolicyQA, name: str) -> dict:
    index = policy.index
    return {
        "name": name,
        "full_name": policy.resolver.full_name(name),
        "aliases": [a for a in policy.resolver.aliases(name) if a != name],
        "lead_count": sum(name in m.lead_units for m in index.measures),
        "co_count": sum(name in m.co_units for m in index.measures),
        "local_count": sum(name in m.local_units or name in m.zones for m in index.measures),
    }


@router.get("/api/units")
async def units(request: Request):
    """Every unit named in the loaded plans, with how many measures it leads or takes part in."""
    policy = _chat(request).policy
    await run_in_threadpool(policy.maybe_reload)
    names = dict.fromkeys(u for m in policy.index.measures
                          for u in [*m.lead_units, *m.co_units, *m.local_units, *m.zones])
    rows = [_unit_summary(policy, name) for name in names]
    rows.sort(key=lambda r: (-(r["lead_count"] + r["co_count"]), -r["local_count"], r["name"]))
    return {"count": len(rows), "units": rows}


@router.get("/api/units/{name}")
async def unit(name: str, request: Request):
    """One unit by any of its names (full name, nickname, a small typo)."""
    policy = _chat(request).policy
    await run_in_threadpool(policy.maybe_reload)
    canonical = policy.resolver.canonical(normalize(name))
    if canonical is None:
        return _error(404, f"未找到单位“{name}”。可通过 /api/units 查看全部单位。")
    summary = _unit_summary(policy, canonical)
    index = policy.index
    summary["lead_measures"] = [m.to_json() for m in index.measures if canonical in m.lead_units]
    summary["co_measures"] = [m.to_json() for m in index.measures if canonical in m.co_units]
    summary["local_measures"] = [m.to_json() for m in index.measures
                                 if canonical in m.local_units or canonical in m.zones]
    return summary
