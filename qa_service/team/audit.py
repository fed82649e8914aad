"""The audit log table: every write names its user."""

from __future__ import annotations

import json
import time

from sqlalchemy import Connection, insert, select

from graph.db import Database
from graph.db.schema import audit


def record(connection: Connection, user: str, action: str, target: str = "", **detail) -> None:
    """Write one entry inside the caller's transaction (it commits or rolls back with the change)."""
    connection.execute(
        insert(audit).values(
            at=time.time(),
            user=user[:64],
            action=action[:32],
            target=target[:128],
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def entries(database: Database, limit: int = 200, target: str | None = None) -> list[dict]:
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if target:
        query = query.where(audit.c.target == target)
    with database.read() as c:
        rows = c.execute(query).mappings().all()
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]
