"""The policy view follows the store: a plan ingested by another process shows up without restart."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from graph.settings import Settings
from graph.store.oxigraph import OxigraphStore
from qa_service.policy import qa as policy_qa
from qa_service.policy.qa import PolicyQA
from tests.qa_service.policy_fixtures import mini_plan


@pytest.fixture
def settings(data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(policy_qa, "RELOAD_CHECK_SECONDS", 0.0)
    return replace(Settings.from_env(data_dir), model_dir=tmp_path / "no-model")


def test_empty_store_answers_that_nothing_is_loaded(settings):
    qa = PolicyQA.from_settings(settings)
    assert qa.health()["plans"] == [] and qa.answerer.mode == "lexical"
    assert "还没有导入任何方案" in qa.answer("谁负责科普教育基地建设？").answer


def test_reload_after_another_writer_even_if_the_store_was_read_meanwhile(settings):
    OxigraphStore(settings.graph_dir).put_plan(mini_plan())
    qa = PolicyQA.from_settings(settings)
    assert len(qa.index.measures) == 9 and qa.maybe_reload() is False, "nothing changed yet"
    changed = copy.deepcopy(mini_plan())
    changed.measures[-1].co_units = ["区财政局", "区审计局"]
    OxigraphStore(settings.graph_dir).put_plan(changed)  # another process: `kepu ingest plan`
    qa.store.plan_ids()  # some other read refreshes the shared store handle first
    assert qa.maybe_reload() is True
    assert qa.stats["reloads"] == 1
    result = qa.answer("区审计局负责哪些工作？")
    assert [m.title for m in result.measures] == ["保障经费投入"]


def test_embeddings_are_cached_on_disk_between_starts(settings):
    from tests.qa_service.policy_fixtures import BigramEncoder

    OxigraphStore(settings.graph_dir).put_plan(mini_plan())
    first = PolicyQA.from_settings(settings, encoder=BigramEncoder())
    cache_file = settings.data_dir / "policy" / "embeddings.npz"
    assert cache_file.is_file()

    class CountingEncoder(BigramEncoder):
        passages = 0

        def encode_passages(self, texts, batch_size=32):
            CountingEncoder.passages += len(texts)
            return super().encode_passages(texts, batch_size)

    second = PolicyQA.from_settings(settings, encoder=CountingEncoder())
    assert CountingEncoder.passages == 0, "a restart reuses the stored passage embeddings"
    assert len(second.index.measures) == len(first.index.measures)


class ReplicaStore:
    """A store without generations (like Neo4j): it says itself whether plans changed."""

    def __init__(self, plans):
        self._plans, self.changed = plans, False

    def plans(self):
        self.changed = False
        return list(self._plans)

    def health(self):
        return {"status": "ok", "backend": "replica"}

    def refresh_if_changed(self):
        return self.changed


def test_reload_on_stores_without_generations(monkeypatch):
    monkeypatch.setattr(policy_qa, "RELOAD_CHECK_SECONDS", 0.0)
    store = ReplicaStore([mini_plan()])
    qa = PolicyQA(store.plans(), None, None, store=store)
    assert qa.maybe_reload() is False
    changed = copy.deepcopy(mini_plan())
    changed.measures[0].title = "加大科幻创作支持力度"
    store._plans, store.changed = [changed], True
    assert qa.maybe_reload() is True
    assert qa.index.measures[0].title == "加大科幻创作支持力度"
    assert qa.maybe_reload() is False, "re-reading the plans clears the change"
