"""The team database on both backends: migrations, WAL, durability, bad URLs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select

from graph.db import DatabaseUnavailable, database_url, open_database
from graph.db.migrate import current_revision, downgrade, head_revision, upgrade
from graph.db.schema import audit, metadata
from graph.settings import Settings


def test_migrations_build_exactly_the_declared_schema(database):
    assert current_revision(database.engine) == head_revision()
    with database.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": False}), metadata
        )
    assert diff == [], f"migrations and graph/db/schema.py differ: {diff}"


def test_downgrade_and_upgrade_again(database):
    downgrade(database.engine, "base")
    assert "users" not in inspect(database.engine).get_table_names()
    upgrade(database.engine)
    assert {"users", "audit", "queue_groups", "pushes"} <= set(inspect(database.engine).get_table_names())


def test_writes_commit_and_roll_back(database):
    with database.begin() as c:
        c.execute(insert(audit).values(at=1.0, user="甲", action="test", target="x", detail="{}"))
    with pytest.raises(RuntimeError), database.begin() as c:
        c.execute(insert(audit).values(at=2.0, user="乙", action="test", target="y", detail="{}"))
        raise RuntimeError("abort")
    with database.read() as c:
        assert c.execute(select(audit.c.user)).scalars().all() == ["甲"]


def test_sqlite_is_in_the_data_directory_in_wal_mode(data_dir):
    settings = Settings(data_dir=data_dir)
    assert database_url(settings) == f"sqlite:///{data_dir.resolve()}/kepu.db"
    database = open_database(settings)
    with database.read() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (data_dir / "kepu.db").is_file()


def test_postgres_url_uses_psycopg3():
    assert database_url(Settings(database_url="postgresql://u@h/db")).startswith("postgresql+psycopg://")
    assert database_url(Settings(database_url="postgres://u@h/db")).startswith("postgresql+psycopg://")


def test_an_unreachable_server_is_a_clear_error(data_dir):
    from tests.support.redis_server import free_port

    settings = Settings(data_dir=data_dir, database_url=f"postgresql://kepu@127.0.0.1:{free_port()}/none")
    with pytest.raises(DatabaseUnavailable) as info:
        open_database(settings)
    assert "数据库" in info.value.user_message


def test_a_garbled_url_is_a_clear_error(data_dir):
    with pytest.raises(DatabaseUnavailable) as info:
        open_database(Settings(data_dir=data_dir, database_url="::not a url::"))
    assert "KEPU_DATABASE_URL" in info.value.user_message


def test_concurrent_writers_from_two_processes_all_commit(db_settings, tmp_path):
    """Two processes writing at once (two workers): every row arrives, none fails as locked."""
    script = tmp_path / "writer.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from sqlalchemy import insert
        from graph.settings import Settings
        from graph.db import open_database
        from graph.db.schema import audit
        db = open_database(Settings(data_dir=Path({str(db_settings.data_dir)!r}),
                                    database_url={db_settings.database_url!r}))
        for i in range(100):
            with db.begin() as c:
                c.execute(insert(audit).values(at=float(i), user=sys.argv[1], action="w", target="", detail="{{}}"))
    """)
    )
    open_database(db_settings)  # migrated once before the writers start
    procs = [subprocess.Popen([sys.executable, str(script), name]) for name in ("a", "b")]
    assert [p.wait(120) for p in procs] == [0, 0]
    database = open_database(db_settings)
    with database.read() as c:
        assert c.execute(select(func.count()).select_from(audit)).scalar() == 200
