"""The passage index: BM25 and dense search with status filters, generations, tokenizer isolation."""

from __future__ import annotations

import jieba
import numpy as np
import pytest

from graph.search.material_store import MaterialRecord
from graph.search.passage_index import (
    POINTER,
    IndexEntry,
    IndexHandle,
    PassageIndex,
    current_generation,
    publish,
    write_generation,
)
from graph.search.tokenizer import TextTokenizer, shared_tokenizer
from tests.material_fakes import FakeEncoder


def _record(mid: str, status: str) -> MaterialRecord:
    return MaterialRecord(id=mid, title=mid, claims=[mid], verdict="谣言", summary="s", source="src", status=status,
                          updated_at="2024-01-01")


TEXTS = {
    "ok": ("approved", ["隔夜菜会致癌", "剩菜冷藏后尽快吃完，亚硝酸盐远低于危害剂量"]),
    "draft": ("draft", ["味精加热会产生致癌物", "谷氨酸钠高温变成焦谷氨酸钠"]),
    "gone": ("retired", ["隔夜菜致癌的旧说法", "过时的隔夜菜材料"]),
}


def _write(index_dir, hnsw_threshold=100_000):
    encoder = FakeEncoder()
    tokenizer = shared_tokenizer(["隔夜菜"])
    materials, entries = [], []
    for mid, (status, texts) in TEXTS.items():
        materials.append(_record(mid, status))
        entries += [IndexEntry(mid, "claim", texts[0]), IndexEntry(mid, "passage", texts[1], 10, 10 + len(texts[1]))]
    vectors = encoder.encode_passages([e.text for e in entries])
    tokens = [tokenizer.tokens(e.text) for e in entries]
    path = write_generation(index_dir, materials=materials, entries=entries, vectors=vectors, tokens=tokens,
                            userdict=["隔夜菜"], meta={"dim": encoder.dim}, hnsw_threshold=hnsw_threshold)
    publish(index_dir, path)
    return path, encoder


@pytest.mark.parametrize("hnsw_threshold", [100_000, 0])
def test_dense_search_only_returns_allowed_statuses(tmp_path, hnsw_threshold):
    path, encoder = _write(tmp_path, hnsw_threshold)
    index = PassageIndex.load(path)
    query = encoder.encode_queries(["隔夜菜致癌的旧说法"])

    _, everything = index.dense_search(query, 6)
    _, public = index.dense_search(query, 6, frozenset({"approved"}))

    assert index.entries[everything[0][0]].material_id == "gone", "unfiltered, the retired claim matches best"
    public_ids = {index.entries[i].material_id for i in public[0] if i >= 0}
    assert public_ids == {"ok"}, "retired and draft material never reach the public"


def test_bm25_finds_user_dictionary_words_and_respects_status(tmp_path):
    path, _ = _write(tmp_path)
    index = PassageIndex.load(path)
    tokens = index.tokenizer.tokens("隔夜菜会不会致癌")

    assert "隔夜菜" in tokens, "the user dictionary keeps 隔夜菜 whole"
    scores, ids = index.bm25_search(tokens, 10, frozenset({"approved"}))
    assert [index.entries[i].material_id for i in ids] == ["ok"]
    assert (scores > 0).all()
    assert len(index.bm25_search(["完全无关的词"], 10)[1]) == 0


def test_entries_keep_their_span(tmp_path):
    path, _ = _write(tmp_path)
    index = PassageIndex.load(path)
    passage = next(e for e in index.entries if e.kind == "passage" and e.material_id == "ok")
    assert (passage.start, passage.end) == (10, 10 + len(passage.text))


def test_material_entries_and_exact_vectors_line_up(tmp_path):
    path, encoder = _write(tmp_path)
    index = PassageIndex.load(path)
    ordinal = index.material_ids.index("draft")
    ids = index.material_entries[ordinal]
    assert [index.entries[i].material_id for i in ids] == ["draft", "draft"]
    expected = encoder.encode_passages([index.entries[ids[0]].text])[0]
    assert np.allclose(index.vectors[ids[0]], expected)


def test_handle_keeps_old_index_when_new_generation_is_broken(tmp_path):
    _write(tmp_path)
    handle = IndexHandle(tmp_path, check_interval=0.0, background=False)
    good = handle.get()
    broken = tmp_path / "gen-broken"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json")
    (tmp_path / POINTER).write_text("gen-broken\n")

    assert handle.get() is good, "a broken generation must not replace a working one"


def test_missing_pointer_means_no_index(tmp_path):
    assert current_generation(tmp_path) is None
    assert IndexHandle(tmp_path).get() is None


def test_publish_keeps_only_recent_generations(tmp_path):
    paths = [_write(tmp_path)[0] for _ in range(4)]
    survivors = sorted(p.name for p in tmp_path.glob("gen-*"))
    assert current_generation(tmp_path) == paths[-1]
    assert paths[-1].name in survivors and len(survivors) == 2


def test_own_jieba_instance_leaves_the_global_tokenizer_alone():
    before = jieba.lcut("隔夜菜会致癌吗我的自定义词")
    ours = TextTokenizer(["我的自定义词"])
    assert "我的自定义词" in ours.words("隔夜菜会致癌吗我的自定义词")
    assert jieba.lcut("隔夜菜会致癌吗我的自定义词") == before


def test_tokens_drop_stopwords_and_punctuation():
    tokens = TextTokenizer().tokens("听说吃大蒜真的能降血压吗？？")
    assert "大蒜" in tokens and "血压" in tokens
    assert not {"听说", "真的", "吗", "?", "？"} & set(tokens)
