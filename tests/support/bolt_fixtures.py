"""Pytest fixtures for the real Bolt server (ArcadeDB), shared by every `server` test.

One server per test session; each test that asks for `neo4j_store` starts from an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import GraphDatabase

from graph.settings import Settings
from graph.store.neo4j import Neo4jStore
from tests.support.arcadedb_server import ArcadeDBServer


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory) -> Iterator[ArcadeDBServer]:
    server = ArcadeDBServer(root_dir=tmp_path_factory.mktemp("arcadedb"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wipe(server: ArcadeDBServer) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver, driver.session(
        database=server.database
    ) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


def bolt_settings_for(server: ArcadeDBServer, data_dir) -> Settings:
    return Settings(
        data_dir=data_dir,
        graph_uri=server.uri,
        graph_user=server.user,
        graph_password=server.password,
        graph_database=server.database,
    )


@pytest.fixture
def bolt_settings(bolt_server, tmp_path) -> Settings:
    """Settings pointing at the session's Bolt server, with a fresh data directory."""
    wipe(bolt_server)
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return bolt_settings_for(bolt_server, data_dir)


@pytest.fixture
def neo4j_store(bolt_settings) -> Iterator[Neo4jStore]:
    """A Neo4jStore on an emptied database of the session's Bolt server."""
    store = Neo4jStore.from_settings(bolt_settings)
    try:
        yield store
    finally:
        store.close()
