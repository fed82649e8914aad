"""Fixtures for tests of the team database, each run against both backends:
SQLite in the test's data directory and a fresh database on a real throwaway PostgreSQL.

    from tests.support.database import database, db_settings, postgres_server_session  # noqa: F401
"""

from __future__ import annotations

import pytest

from graph.db import close_all, open_database
from graph.settings import Settings
from tests.support.postgres_server import postgres_server_session  # noqa: F401

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.server)]


@pytest.fixture(params=BACKENDS)
def db_settings(request, data_dir) -> Settings:
    url = ""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server_session").create_database()
    yield Settings(data_dir=data_dir, database_url=url, admin_token="boot-token-123")
    close_all()


@pytest.fixture
def database(db_settings):
    return open_database(db_settings)


def seed_queue_group(
    database, text="喝醋能软化血管吗", *, channel="wechat", asker="o1", question_id="a" * 32
) -> int:
    """One open unanswered-queue group holding one asked message; returns the group's id."""
    import time

    from sqlalchemy import insert

    from graph.db.schema import queue_groups, queue_messages
    from qa_service.team.grouping import to_blob

    with database.begin() as c:
        group_id = c.execute(
            insert(queue_groups)
            .values(
                title=text,
                status="open",
                created_at=time.time(),
                last_at=time.time(),
                centroid=to_blob([1.0]),
                size=1,
            )
            .returning(queue_groups.c.id)
        ).scalar_one()
        c.execute(
            insert(queue_messages).values(
                question_id=question_id,
                at=time.time(),
                channel=channel,
                asker=asker,
                text=text,
                group_id=group_id,
            )
        )
    return group_id
