from __future__ import annotations

import copy
import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.errors import PlanNotFound, QueryError, StoreUnavailable
from graph.store.oxigraph import OxigraphStore
from graph.store.rdf_mapping import measure_iri, plan_iri

ROOT = Path(__file__).resolve().parents[3]
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def store(tmp_path):
    s = OxigraphStore(tmp_path / "graph")
    yield s
    s.close()


def _count(store: OxigraphStore) -> int:
    return int(store.sparql(COUNT_ALL)[0]["n"])


def _generations(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.is_dir())


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter (another process, as `kepu ingest` would be)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_empty_store_reads_nothing_and_creates_nothing(tmp_path):
    s = OxigraphStore(tmp_path / "graph")
    assert s.plan_ids() == []
    assert s.sparql("ASK { ?s ?p ?o }") is False
    assert not (tmp_path / "graph").exists(), "reading must not create the data directory"


def test_round_trip_record_store_record(store, sample_plan, tmp_path):
    store.put_plan(sample_plan)
    fresh = OxigraphStore(tmp_path / "graph")
    assert fresh.plan_ids() == [sample_plan.id]
    assert fresh.get_plan(sample_plan.id) == sample_plan


def test_reingest_is_idempotent(store, sample_plan):
    store.put_plan(sample_plan)
    first = _count(store)
    store.put_plan(copy.deepcopy(sample_plan))
    assert _count(store) == first
    assert store.get_plan(sample_plan.id) == sample_plan


def test_reingest_replaces_the_plan_exactly(store, sample_plan):
    store.put_plan(sample_plan)
    dropped = sample_plan.measures[0]
    changed = copy.deepcopy(sample_plan)
    changed.measures = changed.measures[1:]
    changed.measures[0].lead_units = ["区科协"]
    changed.title = "修订稿"
    store.put_plan(changed)
    assert store.get_plan(sample_plan.id) == changed
    assert store.sparql(f"ASK {{ <{measure_iri(dropped.plan, dropped.id)}> ?p ?o }}") is False
    leads = store.sparql("SELECT ?name WHERE { ?m kepu:leadUnit/skos:prefLabel ?name }")
    assert [row["name"] for row in leads] == ["区科协"], "the old lead 区委宣传部 must be gone"


def test_two_plans_coexist_and_share_unit_nodes(store, sample_plan, other_plan):
    store.put_plan(sample_plan)
    store.put_plan(other_plan)
    assert store.plan_ids() == sorted([sample_plan.id, other_plan.id])
    assert store.get_plan(sample_plan.id) == sample_plan
    assert store.get_plan(other_plan.id) == other_plan
    rows = store.sparql("""
        SELECT DISTINCT ?plan WHERE {
          ?m kepu:coUnit <https://kepu.example/id/unit/样例区/区科技局> ; dcterms:isPartOf/dcterms:identifier ?plan
        } ORDER BY ?plan""")
    assert [r["plan"] for r in rows] == sorted([sample_plan.id, other_plan.id])
    # a fact both plans state (the shared unit's name) is one fact to a query, not one per plan
    assert len(store.sparql('SELECT ?u WHERE { ?u skos:prefLabel "区委宣传部" }')) == 1


def test_plans_of_two_regions_keep_their_same_named_units_apart(store, sample_plan, other_plan):
    other_plan.region = "罗湖区"
    store.put_plans([sample_plan, other_plan])
    rows = store.sparql("""
        SELECT ?region (GROUP_CONCAT(DISTINCT ?plan) AS ?plans) WHERE {
          ?u skos:prefLabel "区科协" ; kepu:region ?region .
          ?m kepu:leadUnit|kepu:coUnit ?u ; dcterms:isPartOf/dcterms:identifier ?plan
        } GROUP BY ?region ORDER BY ?region""")
    assert [(r["region"], r["plans"]) for r in rows] == [
        ("样例区", sample_plan.id),
        ("罗湖区", other_plan.id),
    ]
    assert store.get_plan(other_plan.id) == other_plan and store.get_plan(sample_plan.id) == sample_plan


def test_a_data_directory_written_before_unit_regions_still_serves(
    tmp_path, sample_plan, other_plan, monkeypatch
):
    """Old stores named every unit <unit/NAME> and gave it no region; they read back exactly and
    the graph queries (which match units by label) answer as on a new store."""
    from graph.store import rdf_mapping
    from qa_service.policy.query import sparql
    from qa_service.policy.query.query import ANY, PolicyQuery, Scope, UnitTerm

    legacy = tmp_path / "old" / "graph"
    with monkeypatch.context() as patch:  # the writer as it was: one IRI per name, no region
        patch.setattr(rdf_mapping, "unit_scope", lambda plan, name: "")
        old = OxigraphStore(legacy)
        old.put_plans([sample_plan, other_plan])
        old.close()
    assert OxigraphStore(legacy).sparql("ASK { ?u a org:Organization ; kepu:region ?r }") is False
    new = OxigraphStore(tmp_path / "new" / "graph")
    new.put_plans([sample_plan, other_plan])
    reopened = OxigraphStore(legacy)
    assert reopened.get_plan(sample_plan.id) == sample_plan and reopened.get_plan(other_plan.id) == other_plan
    query = PolicyQuery(
        units=[UnitTerm("区委宣传部", ANY), UnitTerm("区科技局", ANY)],
        scope=Scope(plans=[sample_plan.id, other_plan.id]),
    )
    ids = [r["id"] for r in reopened.sparql(sparql.measures(query))]
    assert ids and sorted(ids) == sorted(r["id"] for r in new.sparql(sparql.measures(query)))
    assert reopened.measure_units(sample_plan.measures[1].id) == new.measure_units(sample_plan.measures[1].id)


def test_remove_plan(store, sample_plan, other_plan):
    store.put_plan(sample_plan)
    store.put_plan(other_plan)
    store.remove_plan(sample_plan.id)
    assert store.plan_ids() == [other_plan.id]
    assert store.sparql(f"ASK {{ ?m dcterms:isPartOf <{plan_iri(sample_plan.id)}> }}") is False
    assert store.get_plan(other_plan.id) == other_plan  # shared units keep their labels
    with pytest.raises(PlanNotFound):
        store.get_plan(sample_plan.id)
    with pytest.raises(PlanNotFound):
        store.remove_plan(sample_plan.id)


def test_failed_write_keeps_previous_graph(store, sample_plan, tmp_path, monkeypatch):
    store.put_plan(sample_plan)
    reader = OxigraphStore(tmp_path / "graph")
    assert reader.plan_ids() == [sample_plan.id]
    changed = copy.deepcopy(sample_plan)
    changed.title = "不应出现"

    def disk_full(self, name):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(OxigraphStore, "_publish", disk_full)
    with pytest.raises(StoreUnavailable) as info:
        store.put_plan(changed)
    assert "磁盘空间不足" in info.value.user_message
    assert reader.get_plan(sample_plan.id).title == sample_plan.title
    assert OxigraphStore(tmp_path / "graph").get_plan(sample_plan.id).title == sample_plan.title
    assert len(_generations(tmp_path / "graph")) == 1, "the half-built generation must be cleaned up"


def test_writer_killed_mid_write_leaves_previous_graph_serving(store, sample_plan, tmp_path):
    store.put_plan(sample_plan)
    graph_dir = tmp_path / "graph"
    result = _run(
        """
        import copy, os, signal, sys
        from pathlib import Path
        from graph.store.oxigraph import OxigraphStore
        from tests.graph.conftest import make_plan
        OxigraphStore._publish = lambda self, name: os.kill(os.getpid(), signal.SIGKILL)
        plan = make_plan()
        plan.title = "被中断的写入"
        OxigraphStore(Path(sys.argv[1])).put_plan(plan)
        """,
        str(graph_dir),
    )
    assert result.returncode == -9, result.stderr
    assert len(_generations(graph_dir)) == 2, "the killed writer left its half-built generation"
    assert store.get_plan(sample_plan.id).title == sample_plan.title
    assert OxigraphStore(graph_dir).get_plan(sample_plan.id).title == sample_plan.title
    store.put_plan(sample_plan)  # the next writer is not blocked and clears the debris
    assert len(_generations(graph_dir)) == 1


def test_open_instance_sees_a_write_from_another_process(store, sample_plan, other_plan, tmp_path):
    store.put_plan(sample_plan)
    assert store.plan_ids() == [sample_plan.id]
    result = _run(
        """
        import sys
        from pathlib import Path
        from graph.store.oxigraph import OxigraphStore
        from tests.graph.conftest import make_plan
        OxigraphStore(Path(sys.argv[1])).put_plan(make_plan("other-2022", "另一区科普实施方案"))
        """,
        str(tmp_path / "graph"),
    )
    assert result.returncode == 0, result.stderr
    assert store.plan_ids() == sorted([sample_plan.id, "other-2022"])


def test_concurrent_writers_do_not_lose_each_others_plans(store, tmp_path):
    code = """
        import sys
        from pathlib import Path
        from graph.store.oxigraph import OxigraphStore
        from tests.graph.conftest import make_plan
        store = OxigraphStore(Path(sys.argv[1]))
        for i in range(3):
            store.put_plan(make_plan(f"{sys.argv[2]}-{i}"))
        """
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), str(tmp_path / "graph"), name],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert store.plan_ids() == ["a-0", "a-1", "a-2", "b-0", "b-1", "b-2"]


def test_old_generation_kept_while_read_then_collected(store, sample_plan, tmp_path):
    graph_dir = tmp_path / "graph"
    store.put_plan(sample_plan)
    reader = OxigraphStore(graph_dir)
    old = reader.health()["generation"]
    store.put_plan(sample_plan)
    assert old in _generations(graph_dir), "a generation a reader has open must not be deleted"
    reader.close()
    store.put_plan(sample_plan)
    assert _generations(graph_dir) == [store.health()["generation"]]


def test_sparql_select_ask_and_errors(store, sample_plan):
    store.put_plan(sample_plan)
    rows = store.sparql("""
        SELECT ?title ?lead WHERE {
          ?m a kepu:Measure ; dcterms:title ?title .
          OPTIONAL { ?m kepu:leadUnit/skos:prefLabel ?lead }
        } ORDER BY ?title""")
    assert {"title": "强化科普教育基地建设", "lead": "区委宣传部"} in rows
    assert {"title": "建立完善科技资源科普化机制", "lead": None} in rows
    assert store.sparql('ASK { ?u skos:altLabel "区文明办" }') is True
    with pytest.raises(QueryError) as info:
        store.sparql("SELEC ?x WHERE { ?x ?y ?z }")
    assert "1:" in str(info.value) and "SPARQL" in info.value.user_message
    with pytest.raises(QueryError):
        store.sparql("INSERT DATA { <http://x> <http://y> <http://z> }")


def test_measure_units_in_plan_order(store, sample_plan):
    store.put_plan(sample_plan)
    units = store.measure_units(f"{sample_plan.id}/2/3/3")
    assert units == {
        "lead_units": ["区委宣传部"],
        "co_units": ["区科技局", "区文广旅局", "淮阴区未知办"],
        "local_units": ["各镇", "各街道"],
        "zones": ["高新区", "农科园"],
    }
    assert store.measure_units(f"{sample_plan.id}/2/1/1")["lead_units"] == []
    assert store.measure_units("no-such/measure") is None


def test_unwritable_data_dir_is_a_clear_error(tmp_path, sample_plan):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    s = OxigraphStore(blocker / "graph")
    with pytest.raises(StoreUnavailable) as info:
        s.put_plan(sample_plan)
    assert "不可写" in info.value.user_message
