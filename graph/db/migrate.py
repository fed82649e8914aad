"""Alembic, driven from code: the migration scripts live in `graph/db/migrations/`."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from graph.db.errors import MigrationFailed

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == head_revision():
        return
    try:
        command.upgrade(alembic_config(engine), revision)
    except Exception as exc:  # noqa: BLE001 - Alembic raises many kinds; the service must say which step
        if exc.__class__.__module__.startswith("sqlalchemy.exc") and "OperationalError" in type(exc).__name__:
            raise
        raise MigrationFailed(f"database migration to {revision} failed: {exc}") from exc
    log.info("database schema at revision %s", current_revision(engine))


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
