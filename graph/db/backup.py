"""The team database in a backup: every table as JSON (blobs base64), read in one transaction,
so a backup is one consistent snapshot whichever backend runs; restored in one transaction into
whichever backend the restoring server uses (SQLite -> PostgreSQL works too)."""

from __future__ import annotations

import base64
import json

from sqlalchemy import Integer, LargeBinary, delete, insert, select, text

from graph.db import Database
from graph.db.errors import DatabaseError
from graph.db.migrate import current_revision
from graph.db.schema import metadata

FORMAT = 1


def _encode(row: dict, binary: set[str]) -> dict:
    return {
        k: (base64.b64encode(v).decode("ascii") if k in binary and v is not None else v)
        for k, v in row.items()
    }


def _decode(row: dict, binary: set[str]) -> dict:
    return {k: (base64.b64decode(v) if k in binary and v is not None else v) for k, v in row.items()}


def _binary_columns(table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, LargeBinary)}


def dump(database: Database) -> bytes:
    """All team tables as one JSON document."""
    tables = {}
    with database.read() as c:
        if database.backend == "postgresql":
            c.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for table in metadata.sorted_tables:
            binary = _binary_columns(table)
            order = list(table.primary_key.columns)
            tables[table.name] = [
                _encode(dict(r), binary) for r in c.execute(select(table).order_by(*order)).mappings()
            ]
    document = {"format": FORMAT, "revision": current_revision(database.engine), "tables": tables}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse(raw: bytes) -> dict:
    """Check a dump before anything is replaced; raises ValueError saying what is wrong."""
    document = json.loads(raw.decode("utf-8"))
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("tables"), dict)
    ):
        raise ValueError("not a kepu team database dump")
    known = {t.name for t in metadata.sorted_tables}
    unknown = set(document["tables"]) - known
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    return document


def load(database: Database, document: dict) -> dict[str, int]:
    """Replace every team table with the dump's rows, in one transaction; rows per table."""
    revision = current_revision(database.engine)
    if document.get("revision") != revision:
        raise DatabaseError(
            f"dump revision {document.get('revision')} != database {revision}",
            "备份中的团队数据库来自另一个版本的 kepu，无法直接恢复。",
        )
    counts = {}
    with database.begin() as c:
        for table in reversed(metadata.sorted_tables):
            c.execute(delete(table))
        for table in metadata.sorted_tables:
            rows = [_decode(r, _binary_columns(table)) for r in document["tables"].get(table.name, [])]
            if rows:
                c.execute(insert(table), rows)
            counts[table.name] = len(rows)
            if database.backend == "postgresql" and "id" in table.c and isinstance(table.c.id.type, Integer):
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return counts
