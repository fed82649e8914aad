"""问答 `/`: one box for any question, answered by the chat service, follow-ups kept by a cookie."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request

from graph.errors import GraphError
from qa_service.chat.question import MAX_QUESTION_CHARS, read_question
from qa_service.http.deps import get_services, get_team
from qa_service.team.hooks import record_answer
from qa_service.team.web_feedback import feedback_token
from qa_service.web.render import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

SESSION_COOKIE = "kepu_sid"
SESSION_MAX_AGE = 24 * 3600
EXAMPLES = (
    "谁负责科普教育基地建设？",
    "区科协负责哪些工作？",
    "区教体局牵头哪些任务？",
    "到2025年公民具备科学素质的比例要达到多少？",
    "科学普及重点工程包括哪些？",
    "隔夜菜会致癌吗？",
)
INTENT_NAMES = {"resp": "责任单位", "lead": "牵头单位", "reverse": "单位职责", "reverse_lead": "单位牵头",
                "target": "量化目标", "structure": "方案结构", "basis": "制定依据", "plan_info": "方案信息",
                "rumor": "科学辟谣", "greeting": "问候", "invalid": "无法回答", "oos": "范围外",
                "query": "图谱查询"}


def _session_id(request: Request) -> tuple[str, bool]:
    sid = request.cookies.get(SESSION_COOKIE, "")
    if 16 <= len(sid) <= 64 and all(c.isalnum() or c in "-_" for c in sid):
        return sid, False
    return secrets.token_urlsafe(18), True


def answer_rows(answer: dict) -> list[dict]:
    """The answer's measures as rows of 措施 / 牵头单位 / 配合单位 / 落实单位 / 出处."""
    clauses = {c.get("measure_id"): c for c in answer.get("citations") or [] if c.get("measure_id")}
    rows = []
    for m in answer.get("measures") or []:
        cite = clauses.get(m.get("id"), {})
        rows.append({
            "id": m.get("id", ""),
            "title": m.get("title", ""),
            "lead": list(m.get("lead_units") or []),
            "co": list(m.get("co_units") or []),
            "joint": not m.get("lead_units") and len(m.get("co_units") or []) > 1,
            "local": [*(m.get("zones") or []), *(m.get("local_units") or [])],
            "clause": cite.get("clause") or "".join(m.get("path") or []),
        })
    return rows


@router.get("/")
def ask_page(request: Request, q: str = "", reset: str = "", rated: str = ""):
    chat = get_services(request).chat
    sid, fresh = _session_id(request)
    if reset:
        if chat is not None and not fresh:
            try:
                chat.forget(sid)
            except Exception as exc:  # noqa: BLE001 - a stale session must not break the page
                log.warning("cannot forget session: %s", exc)
        sid, fresh = secrets.token_urlsafe(18), True
    question = q.strip()
    asked = read_question(question)
    answer, problem, status, answer_id = None, "", 200, None
    if asked.problem == "too_long":
        problem, status = f"问题太长了（{len(question)} 字），请精简到 {MAX_QUESTION_CHARS} 字以内。", 422
    elif question and chat is None:
        problem, status = "问答服务暂时不可用，请稍后再试。", 503
    elif question:
        try:
            answer = chat.answer(asked, sid)
            if not rated:  # back from rating it: the same answer shown again, not asked again
                answer_id = record_answer(get_team(request), "web", sid, question, answer)
        except GraphError as exc:
            log.error("chat failed: %s", exc)
            problem, status = exc.user_message, 503
    response = render(request, "ask.html", status_code=status, question=question, answer=answer, problem=problem,
                      rows=answer_rows(answer) if answer else [], examples=EXAMPLES, intent_names=INTENT_NAMES,
                      answer_id=answer_id, rated=bool(rated),
                      feedback_token=feedback_token(get_team(request), sid, answer_id) if answer_id else "")
    if fresh:
        response.set_cookie(SESSION_COOKIE, sid, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax")
    return response
