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
