"""The Neo4j backend against a real Bolt server (ArcadeDB started by the session fixture)."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError

from graph.errors import PlanNotFound, QueryError, StoreUnavailable
from graph.settings import BUNDLED_PLANS_DIR, Settings
from graph.store.factory import open_store
from graph.store.neo4j import Neo4jStore, redact
from tests.support.arcadedb_server import ArcadeDBServer, free_port

SHIPPED_PLAN = BUNDLED_PLANS_DIR / "huaiyin_science_literacy_plan_2021-2025_draft.txt"


def counts(store: Neo4jStore) -> dict[str, int]:
    """Nodes per label and relationships per type: what a re-ingest must leave unchanged."""
    out = {}
    for row in store.query("MATCH (n) RETURN labels(n) AS labels, count(*) AS c"):
        out["node:" + ":".join(sorted(row["labels"]))] = row["c"]
    for row in store.query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c"):
        out["rel:" + row["t"]] = row["c"]
    return out


# -- without a server -------------------------------------------------------------------------------


def test_non_bolt_uri_is_refused():
    with pytest.raises(ValueError, match="not a Bolt URI"):
        Neo4jStore("http://127.0.0.1:7474")


def test_credentials_never_appear_in_the_uri_shown():
    assert redact("bolt://neo4j:secret@db.example:7687") == "bolt://db.example:7687"
    assert redact("neo4j+s://abc.databases.neo4j.io") == "neo4j+s://abc.databases.neo4j.io"


def test_unreachable_server_fails_fast_naming_the_uri():
    uri = f"bolt://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        Neo4jStore(uri, "neo4j", "whatever")
    assert time.monotonic() - started < 10, "start-up against a dead server must give up within 10 s"
    assert uri in str(caught.value), "the log message must say which server could not be reached"
    assert uri in caught.value.user_message and "无法连接" in caught.value.user_message


def test_unresolvable_host_is_named():
    # No timing assertion: how long DNS takes to say no depends on the machine's resolver.
    with pytest.raises(StoreUnavailable, match="no-such-host.invalid") as caught:
        Neo4jStore("bolt://no-such-host.invalid:7687", "neo4j", "x")
    assert "no-such-host.invalid" in caught.value.user_message


# -- with the session's server ----------------------------------------------------------------------

needs_server = pytest.mark.server


@needs_server
def test_plan_round_trips_exactly(neo4j_store, sample_plan):
    neo4j_store.put_plan(sample_plan)
    back = neo4j_store.get_plan(sample_plan.id)
    assert back == sample_plan, "the plan read back must equal the plan written, field for field"
    # The parts most easily lost, spelled out so a failure says which.
    assert [m.id for m in back.measures] == [m.id for m in sample_plan.measures]
    assert back.measures[1].lead_units == ["区委宣传部"]
    assert back.measures[1].co_units == ["区科技局", "区文广旅局", "淮阴区未知办"]
    assert back.measures[2].targets[1].parent == 0
    assert back.measures[2].targets[2].value == 12000.0
    assert back.measures[0].source == sample_plan.measures[0].source
    assert back.unit_aliases == {"区委宣传部": ["区文明办"], "区科协": ["科协", "区科学技术协会"]}
    assert back.unresolved_units == ["淮阴区未知办"]
    assert back.goals == sample_plan.goals and back.basis == sample_plan.basis
    assert neo4j_store.plan_ids() == [sample_plan.id]
    assert neo4j_store.plans() == [sample_plan]


@needs_server
def test_shipped_plan_round_trips(neo4j_store):
    parser = pytest.importorskip("ingest.plan_parser")
    plan = parser.parse_plan_file(SHIPPED_PLAN)
    assert len(plan.measures) == 40
    neo4j_store.put_plan(plan)
    assert neo4j_store.get_plan(plan.id) == plan


@needs_server
def test_reingest_is_idempotent(neo4j_store, sample_plan):
    neo4j_store.put_plan(sample_plan)
    before = counts(neo4j_store)
    neo4j_store.put_plan(copy.deepcopy(sample_plan))
    assert counts(neo4j_store) == before, "writing the same plan twice must not add nodes or relationships"
    assert before["node:Plan"] == 1 and before["node:Measure"] == 3 and before["node:Target"] == 5


@needs_server
def test_reingest_replaces_the_plan_exactly(neo4j_store, sample_plan):
    neo4j_store.put_plan(sample_plan)
    edited = copy.deepcopy(sample_plan)
    edited.measures = edited.measures[:2]  # the farmers' measure and its 3 targets are gone
    edited.measures[1].co_units = ["区科技局"]  # 区文广旅局 and 淮阴区未知办 no longer named anywhere
    edited.unresolved_units = []
    edited.title = "修订稿"
    neo4j_store.put_plan(edited)
    assert neo4j_store.get_plan(edited.id) == edited
    assert counts(neo4j_store)["node:Measure"] == 2
    assert counts(neo4j_store)["node:Target"] == 2  # 1 goal + 1 measure target
    units = {r["name"] for r in neo4j_store.query("MATCH (u:Unit) RETURN u.name AS name")}
    assert "区文广旅局" not in units and "淮阴区未知办" not in units, "units no plan names must go"


@needs_server
def test_two_plans_coexist_and_share_units(neo4j_store, sample_plan, other_plan):
    neo4j_store.put_plan(sample_plan)
    neo4j_store.put_plan(other_plan)
    assert neo4j_store.plan_ids() == sorted([sample_plan.id, other_plan.id])
    assert neo4j_store.get_plan(sample_plan.id) == sample_plan
    assert neo4j_store.get_plan(other_plan.id) == other_plan
    shared = neo4j_store.query("MATCH (u:Unit {name: '区科协'}) RETURN count(u) AS c")
    assert shared == [{"c": 1}], "a unit named by two plans is one node"
    plans_of_unit = neo4j_store.query(
        "MATCH (p:Plan)-[:HAS_MEASURE]->(:Measure)-[:LEAD_UNIT|CO_UNIT]->(:Unit {name: '区科协'}) "
        "RETURN DISTINCT p.id AS id ORDER BY id"
    )
    assert [r["id"] for r in plans_of_unit] == sorted([sample_plan.id, other_plan.id])


@needs_server
def test_two_regions_same_unit_name_are_two_nodes(neo4j_store, sample_plan, other_plan):
    other_plan.region = "罗湖区"
    neo4j_store.put_plan(sample_plan)
    neo4j_store.put_plan(other_plan)
    rows = neo4j_store.query(
        "MATCH (p:Plan)-[:HAS_MEASURE]->(:Measure)-[:LEAD_UNIT|CO_UNIT]->(u:Unit {name: '区科协'}) "
        "RETURN DISTINCT u.key AS key, u.region AS region, p.id AS plan ORDER BY key"
    )
    assert [(r["key"], r["region"], r["plan"]) for r in rows] == [
        ("样例区/区科协", "样例区", sample_plan.id),
        ("罗湖区/区科协", "罗湖区", other_plan.id),
    ]
    assert neo4j_store.get_plan(other_plan.id) == other_plan


@needs_server
def test_remove_plan_leaves_the_other(neo4j_store, sample_plan, other_plan):
    neo4j_store.put_plan(sample_plan)
    alone = counts(neo4j_store)
    neo4j_store.put_plan(other_plan)
    neo4j_store.remove_plan(other_plan.id)
    assert neo4j_store.plan_ids() == [sample_plan.id]
    assert neo4j_store.get_plan(sample_plan.id) == sample_plan
    assert counts(neo4j_store) == alone, "removing a plan must delete exactly what it added"
    with pytest.raises(PlanNotFound):
        neo4j_store.get_plan(other_plan.id)
    with pytest.raises(PlanNotFound) as caught:
        neo4j_store.remove_plan(other_plan.id)
    assert "未找到" in caught.value.user_message


@needs_server
def test_uniqueness_constraints_exist_and_hold(neo4j_store, bolt_server, sample_plan):
    rows = neo4j_store.query("SHOW CONSTRAINTS")
    unique = {(r["labelsOrTypes"][0], r["properties"][0]) for r in rows if r["type"] == "UNIQUENESS"}
    assert {("Plan", "id"), ("Unit", "key"), ("Measure", "id"), ("Target", "id")} <= unique
    assert ("Unit", "name") not in unique, "two regions may each have a 区科协"
    neo4j_store.put_plan(sample_plan)
    with (
        GraphDatabase.driver(bolt_server.uri, auth=(bolt_server.user, bolt_server.password)) as driver,
        driver.session(database=bolt_server.database) as session,
        pytest.raises(ConstraintError),
    ):
        session.run("CREATE (:Unit {key: '样例区/区科协', name: '区科协'})").consume()


@needs_server
def test_measure_units_lookup(neo4j_store, sample_plan):
    neo4j_store.put_plan(sample_plan)
    units = neo4j_store.measure_units(sample_plan.measures[1].id)
    assert units == {
        "lead_units": ["区委宣传部"],
        "co_units": ["区科技局", "区文广旅局", "淮阴区未知办"],
        "local_units": ["各镇", "各街道"],
        "zones": ["高新区", "农科园"],
    }
    assert neo4j_store.measure_units("no/such/measure") is None


@needs_server
def test_bad_cypher_is_a_query_error(neo4j_store):
    with pytest.raises(QueryError):
        neo4j_store.query("MATCH (n RETURN n")


@needs_server
def test_refresh_notices_writes_by_another_replica(bolt_settings, sample_plan, other_plan):
    one, two = Neo4jStore.from_settings(bolt_settings), Neo4jStore.from_settings(bolt_settings)
    try:
        one.put_plan(sample_plan)
        assert two.plans() == [sample_plan]
        assert not two.refresh_if_changed()
        one.put_plan(other_plan)
        assert two.refresh_if_changed(), "a replica must see that another one wrote a plan"
        assert [p.id for p in two.plans()] == sorted([sample_plan.id, other_plan.id])
    finally:
        one.close()
        two.close()


@needs_server
def test_open_store_picks_neo4j_for_a_bolt_uri(bolt_settings):
    store = open_store(bolt_settings)
    try:
        assert isinstance(store, Neo4jStore)
        assert store.health()["status"] == "ok"
    finally:
        store.close()


@needs_server
def test_wrong_password_is_a_clear_error(bolt_server):
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        Neo4jStore(bolt_server.uri, bolt_server.user, "not-the-password", bolt_server.database)
    assert time.monotonic() - started < 5, "a refused login must fail at once, not retry"
    assert "Authentication failed" in str(caught.value)
    assert "认证失败" in caught.value.user_message
    assert "not-the-password" not in str(caught.value)


@needs_server
def test_missing_database_is_named(bolt_server):
    with pytest.raises(StoreUnavailable, match="no_such_db"):
        Neo4jStore(bolt_server.uri, bolt_server.user, bolt_server.password, "no_such_db")


# -- a server that goes away and comes back -----------------------------------------------------------


@pytest.mark.server
def test_server_lost_then_back(tmp_path: Path, sample_plan, other_plan, monkeypatch):
    server = ArcadeDBServer(root_dir=tmp_path / "arcadedb")
    server.start()
    settings = Settings(
        data_dir=tmp_path,
        graph_uri=server.uri,
        graph_user=server.user,
        graph_password=server.password,
        graph_database=server.database,
    )
    store = Neo4jStore.from_settings(settings, retry_interval=1.0)
    try:
        store.put_plan(sample_plan)
        store.put_plan(other_plan)
        loaded = store.plans()
        assert store.health()["status"] == "ok"

        server.stop()
        connects = []
        real_connect = store._connect
        monkeypatch.setattr(store, "_connect", lambda: connects.append(1) or real_connect())
        started = time.monotonic()
        while time.monotonic() - started < 1.5:  # many calls over ~1.5 s, retry_interval 1 s
            assert store.plans() == loaded, "answers must continue from the graph already loaded"
            assert store.get_plan(sample_plan.id) == sample_plan
            assert store.plan_ids() == [p.id for p in loaded]
        assert len(connects) <= 2, f"reconnect tried {len(connects)} times in 1.5 s: at most once a second"
        health = store.health()
        assert health["status"] == "degraded" and server.uri in health["error"]
        with pytest.raises(StoreUnavailable):
            store.put_plan(sample_plan)  # writes cannot be served from the cache

        server.start()  # same port, same data directory
        deadline = time.monotonic() + 30
        while store.health()["status"] != "ok":
            assert time.monotonic() < deadline, "the store did not reconnect within 30 s"
            time.sleep(0.2)
        assert store.get_plan(other_plan.id) == other_plan, "the server kept the data across the restart"
        store.remove_plan(other_plan.id)
        assert store.plan_ids() == [sample_plan.id]
    finally:
        store.close()
        server.stop()


@needs_server
def test_units_written_before_regions_get_their_key(neo4j_store, sample_plan):
    # A store from before unit regions: Unit nodes with a name only.
    neo4j_store.query("CREATE (:Unit {name: '旧区科协'})")
    neo4j_store._ensure_schema()  # what opening the store does
    assert neo4j_store.query("MATCH (u:Unit {name: '旧区科协'}) RETURN u.key AS key") == [{"key": "旧区科协"}]
    neo4j_store.put_plan(sample_plan)
    assert neo4j_store.get_plan(sample_plan.id) == sample_plan


@needs_server
def test_measures_written_before_unit_name_lists_get_them(neo4j_store, sample_plan):
    # Queries test a unit's role with IN on the measure's name lists; a store written before those
    # lists existed gets them from its role edges when opened.
    from qa_service.policy.query.backends import CypherBackend
    from qa_service.policy.query.query import PolicyQuery, Scope, UnitTerm

    neo4j_store.put_plan(sample_plan)
    read = "MATCH (m:Measure) RETURN m.id AS id, m.lead_names AS lead, m.co_names AS co, m.unit_names AS any"
    written = {r["id"]: r for r in neo4j_store.query(read)}
    measure = next(m for m in sample_plan.measures if m.lead_units and m.co_units)
    assert written[measure.id]["lead"] == measure.lead_units
    assert written[measure.id]["any"] == measure.all_units
    neo4j_store.query("MATCH (m:Measure) REMOVE m.lead_names, m.co_names, m.unit_names")
    neo4j_store._ensure_schema()  # what opening the store does
    migrated = {r["id"]: r for r in neo4j_store.query(read)}
    for mid, row in written.items():  # edges come back in no set order
        assert sorted(migrated[mid]["lead"]) == sorted(row["lead"])
        assert sorted(migrated[mid]["co"]) == sorted(row["co"])
        assert sorted(migrated[mid]["any"]) == sorted(row["any"])
    unit = measure.lead_units[0]
    query = PolicyQuery(aggregate="list", units=[UnitTerm(unit, "lead")], scope=Scope(plans=[sample_plan.id]))
    found = CypherBackend(neo4j_store).run("measures", query).measure_ids
    assert sorted(found) == sorted(m.id for m in sample_plan.measures if unit in m.lead_units)
