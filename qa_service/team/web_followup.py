"""Web askers told on their return: the 问答 page's script keeps the answer ids of claims kepu
could not answer (localStorage, in the asker's browser only) and asks here whether the team has
answered them since.

    GET /api/followup/{answer_id}   {"answered": false} or {"answered": true, "question", "reply", "material_id"}
"""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select

from graph.db import DatabaseError
from graph.db.schema import queue_groups, queue_messages
from qa_service.http.deps import MaterialIndexDep, TeamDep
from qa_service.rumors.check import build_reply

router = APIRouter()
_ID = re.compile(r"^[0-9a-f]{32}$")


@router.get("/api/followup/{answer_id}", tags=["政策问答"])
def followup(answer_id: str, team: TeamDep, handle: MaterialIndexDep):
    """Whether a claim asked earlier (by its answer id) has been answered by the science team since."""
    if not _ID.match(answer_id):
        return JSONResponse({"detail": "无法识别的回答编号。"}, status_code=422)
    query = (
        select(queue_messages.c.text, queue_groups.c.status, queue_groups.c.material_id)
        .join(queue_groups, queue_groups.c.id == queue_messages.c.group_id)
        .where(queue_messages.c.question_id == answer_id)
    )
    try:
        with team.db.read() as c:
            row = c.execute(query).first()
    except DatabaseError as exc:
        return JSONResponse({"detail": exc.user_message}, status_code=503)
    if row is None or row.status != "closed" or not row.material_id:
        return {"answered": False}
    index = handle.get() if handle is not None else None
    record = index.materials.get(row.material_id) if index is not None else None
    if record is None or not index.serving().public(record):
        return {"answered": False}
    return {
        "answered": True,
        "question": row.text,
        "material_id": record.id,
        "title": record.title,
        "verdict": record.verdict,
        "reply": build_reply(record.verdict, record.title, record.summary, record.source),
    }
