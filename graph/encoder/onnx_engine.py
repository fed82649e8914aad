"""Query embedding on onnxruntime: the model folder's transformer exported by graph.encoder.onnx_export.

Each call runs on one thread and several calls run at once (the caller bounds how many), which on
a small server serves concurrent requests better than one multi-threaded call at a time. Pooling
(mean or CLS, from the folder's `1_Pooling/config.json`) and L2 normalisation happen here.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import numpy as np

from graph.encoder.onnx_export import onnx_path

log = logging.getLogger(__name__)


def _pooling_mode(model_dir: Path) -> str | None:
    """'mean' or 'cls' as the folder's pooling module says; None for anything else."""
    config = model_dir / "1_Pooling" / "config.json"
    if not config.is_file():
        return None
    data = json.loads(config.read_text(encoding="utf-8"))
    modes = [k for k, v in data.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"]:
        return "mean"
    if modes == ["pooling_mode_cls_token"]:
        return "cls"
    return None


class OnnxQueryEngine:
    """Texts (already prefixed) -> normalised float32 rows; thread-safe."""

    def __init__(self, session, tokenizer, pooling: str, max_tokens: int):
        self._session = session
        self._tokenizer = tokenizer
        self._tokenizer_lock = threading.Lock()  # fast tokenizers must not be called concurrently
        self._pooling = pooling
        self._max_tokens = max_tokens
        self._wants_types = "token_type_ids" in {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, model_dir: Path, tokenizer, max_tokens: int, int8: bool = False) -> OnnxQueryEngine | None:
        """The engine for `model_dir`, or None when it has no export or onnxruntime is missing."""
        path = onnx_path(model_dir, int8)
        pooling = _pooling_mode(model_dir)
        if not path.is_file() or pooling is None:
            return None
        try:
            import onnxruntime as ort
        except ImportError:
            log.warning("onnxruntime is not installed; queries are embedded with torch")
            return None
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return cls(session, tokenizer, pooling, max_tokens)

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._tokenizer_lock:
            batch = self._tokenizer(texts, padding=True, truncation=True, max_length=self._max_tokens,
                                    return_tensors="np")
        mask = batch["attention_mask"].astype(np.int64)
        feeds = {"input_ids": batch["input_ids"].astype(np.int64), "attention_mask": mask}
        if self._wants_types:
            feeds["token_type_ids"] = np.zeros_like(mask)
        hidden = self._session.run(None, feeds)[0]
        if self._pooling == "cls":
            vectors = hidden[:, 0, :]
        else:
            weights = mask[:, :, None].astype(np.float32)
            vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
