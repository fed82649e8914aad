"""Several plans written to the Bolt store at once (`kepu ingest plan DIR` with KEPU_GRAPH_URI)."""

from __future__ import annotations

import pytest

from graph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.server


def test_plans_written_together_read_back(neo4j_store, sample_plan, other_plan):
    neo4j_store.put_plans([sample_plan, other_plan])
    assert neo4j_store.plan_ids() == sorted([sample_plan.id, other_plan.id])
    assert [m.title for m in neo4j_store.get_plan(other_plan.id).measures] == [m.title for m in other_plan.measures]


def test_a_failing_batch_writes_none_of_its_plans(neo4j_store, bolt_settings, sample_plan, other_plan, monkeypatch):
    neo4j_store.put_plan(sample_plan)
    calls = []
    original = Neo4jStore._write_plan

    def fail_on_second(self, tx, plan_id, batches):
        calls.append(plan_id)
        if len(calls) == 2:
            raise RuntimeError("connection lost mid-batch")
        return original(self, tx, plan_id, batches)

    monkeypatch.setattr(Neo4jStore, "_write_plan", fail_on_second)
    with pytest.raises(Exception, match="connection lost"):
        neo4j_store.put_plans([other_plan, sample_plan])
    monkeypatch.undo()
    fresh = Neo4jStore.from_settings(bolt_settings)  # another process: no cache
    try:
        assert fresh.plan_ids() == [sample_plan.id], "the first plan of the failed batch must not be visible"
    finally:
        fresh.close()
