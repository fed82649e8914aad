"""Moving plans between the embedded store and a Bolt server: `kepu graph sync`, ingest, export."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph.settings import BUNDLED_PLANS_DIR
from graph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.server

SHIPPED_PLAN = BUNDLED_PLANS_DIR / "huaiyin_science_literacy_plan_2021-2025_draft.txt"


def kepu(*args: str, env: dict | None = None):
    from qa_service.cli import app

    clean = {
        "KEPU_GRAPH_URI": "",
        "KEPU_GRAPH_USER": "",
        "KEPU_GRAPH_PASSWORD": "",
        "KEPU_GRAPH_DATABASE": "",
    }
    return CliRunner().invoke(app, list(args), env={**clean, **(env or {})})


@pytest.fixture
def embedded(bolt_settings):
    """The embedded store of the test's data directory."""
    oxigraph_store = pytest.importorskip("graph.store.oxigraph")
    store = oxigraph_store.OxigraphStore(bolt_settings.graph_dir)
    yield store
    store.close()


def sync_args(settings, *extra: str) -> list[str]:
    return [
        "--data-dir",
        str(settings.data_dir),
        "graph",
        "sync",
        "--to",
        settings.graph_uri,
        "--user",
        settings.graph_user,
        "--password",
        settings.graph_password,
        "--database",
        settings.graph_database,
        *extra,
    ]


def test_graph_sync_copies_every_plan(bolt_settings, embedded, neo4j_store, sample_plan, other_plan):
    embedded.put_plan(sample_plan)
    embedded.put_plan(other_plan)
    result = kepu(*sync_args(bolt_settings))
    assert result.exit_code == 0, result.output
    assert "已同步 2/2 个方案" in result.output
    assert neo4j_store.plan_ids() == embedded.plan_ids()
    for plan_id in embedded.plan_ids():
        assert neo4j_store.get_plan(plan_id) == embedded.get_plan(plan_id), f"{plan_id} differs after sync"
    again = kepu(*sync_args(bolt_settings))
    assert again.exit_code == 0, again.output
    assert neo4j_store.plans() == embedded.plans(), "a second sync must change nothing"


def test_graph_sync_prune_removes_plans_gone_locally(
    bolt_settings, embedded, neo4j_store, sample_plan, other_plan
):
    neo4j_store.put_plan(other_plan)
    embedded.put_plan(sample_plan)
    result = kepu(*sync_args(bolt_settings, "--prune"))
    assert result.exit_code == 0, result.output
    assert neo4j_store.plan_ids() == [sample_plan.id]


def test_graph_sync_with_nothing_to_copy(bolt_settings, embedded):
    result = kepu(*sync_args(bolt_settings))
    assert result.exit_code == 2
    assert "没有方案" in result.output


def test_graph_sync_to_a_wrong_password(bolt_settings, embedded, sample_plan):
    embedded.put_plan(sample_plan)
    args = sync_args(bolt_settings)
    args[args.index("--password") + 1] = "wrong-password"
    result = kepu(*args)
    assert result.exit_code == 2
    assert "认证失败" in result.output


def test_ingest_plan_writes_to_the_bolt_server(bolt_settings, neo4j_store):
    pytest.importorskip("qa_service.cli.plan_commands")
    pytest.importorskip("ingest.plan_parser")
    env = {
        "KEPU_GRAPH_URI": bolt_settings.graph_uri,
        "KEPU_GRAPH_USER": bolt_settings.graph_user,
        "KEPU_GRAPH_PASSWORD": bolt_settings.graph_password,
        "KEPU_GRAPH_DATABASE": bolt_settings.graph_database,
    }
    result = kepu("--data-dir", str(bolt_settings.data_dir), "ingest", "plan", str(SHIPPED_PLAN), env=env)
    assert result.exit_code == 0, result.output
    (plan,) = neo4j_store.plans()
    assert len(plan.measures) == 40


def test_json_export_is_the_same_from_both_stores(embedded, neo4j_store, sample_plan, other_plan):
    export = pytest.importorskip("graph.store.export")
    for plan in (sample_plan, other_plan):
        embedded.put_plan(plan)
        neo4j_store.put_plan(plan)
    from_embedded = export.export_plans(embedded.plans(), "json")
    from_bolt = export.export_plans(neo4j_store.plans(), "json")
    assert from_bolt == from_embedded, "the JSON export must not depend on the store behind it"


def test_shipped_plan_json_export_parity(embedded, neo4j_store):
    export = pytest.importorskip("graph.store.export")
    parser = pytest.importorskip("ingest.plan_parser")
    plan = parser.parse_plan_file(SHIPPED_PLAN)
    embedded.put_plan(plan)
    neo4j_store.put_plan(plan)
    assert export.export_plans(neo4j_store.plans(), "json") == export.export_plans(embedded.plans(), "json")


def test_store_reads_what_sync_wrote_after_reopen(bolt_settings, embedded, sample_plan):
    embedded.put_plan(sample_plan)
    assert kepu(*sync_args(bolt_settings)).exit_code == 0
    fresh = Neo4jStore.from_settings(bolt_settings)
    try:
        assert fresh.plans() == [sample_plan]
    finally:
        fresh.close()
