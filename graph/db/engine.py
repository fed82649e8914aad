"""Opening the team database: SQLite in the data directory by default, PostgreSQL when
`KEPU_DATABASE_URL` is set (so several replicas share users, the queue and push jobs).

SQLite runs in WAL mode (readers never wait for the writer; a commit is durable once it
returns, `synchronous=FULL`) with foreign keys on and a busy timeout so that concurrent writers
from several workers queue instead of failing. The schema is brought to the newest Alembic
revision when the database is opened.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from graph.db.errors import DatabaseUnavailable
from graph.db.migrate import upgrade
from graph.settings import Settings

log = logging.getLogger(__name__)

SQLITE_NAME = "kepu.db"
BUSY_TIMEOUT_MS = 30_000


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL: KEPU_DATABASE_URL (postgresql:// means psycopg 3), else SQLite."""
    url = settings.database_url
    if not url:
        return f"sqlite:///{Path(settings.data_dir).resolve() / SQLITE_NAME}"
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # pysqlite's own BEGIN comes late and is deferred. A write transaction takes the write lock at
    # its start, so two writers queue on busy_timeout instead of one failing with "database is
    # locked" when it upgrades from reading; reads stay deferred (WAL: they never wait).
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(
            f"unusable database URL: {exc}", "数据库地址（KEPU_DATABASE_URL）格式不正确。"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, poolclass=NullPool, connect_args={"check_same_thread": False, "isolation_level": None}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """One engine per process; `begin()` is a transaction, committed on leaving the block."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                connection.info["write"] = True
                with connection.begin():
                    yield connection
        except OperationalError as exc:
            log.error("database operation failed: %s", exc.orig if exc.orig is not None else exc)
            raise DatabaseUnavailable(str(exc)) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except OperationalError as exc:
            log.error("database read failed: %s", exc.orig if exc.orig is not None else exc)
            raise DatabaseUnavailable(str(exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


_opened: dict[str, Database] = {}
_opened_lock = threading.Lock()


def open_database(settings: Settings, migrate: bool = True) -> Database:
    """The database of `settings`, migrated to the newest revision; one per URL per process."""
    url = database_url(settings)
    with _opened_lock:
        database = _opened.get(url)
        if database is None:
            database = Database(make_engine(url))
            if migrate:
                try:
                    upgrade(database.engine)
                except OperationalError as exc:
                    database.dispose()
                    raise DatabaseUnavailable(f"cannot open database: {exc.orig or exc}") from exc
            _opened[url] = database
        return database


def close_all() -> None:
    """Forget every opened database (tests, restore): the next open starts afresh."""
    with _opened_lock:
        for database in _opened.values():
            try:
                database.dispose()
            except SQLAlchemyError:
                pass
        _opened.clear()
