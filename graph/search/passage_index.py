"""The passage index of vetted material: jieba BM25 (bm25s) plus dense vectors (faiss).

Every material contributes entries of four kinds — its title, each claim, its summary and each
body passage — all pointing back to the material; passages keep their character span.

On disk an index is a *generation*: a directory under `settings.index_dir` written once and
never changed, named by the `CURRENT` pointer file. A build writes a new generation and then
renames the pointer into place, so readers see the old index or the new one, never half of one;
`IndexHandle` notices the pointer change and swaps the new generation in while the old serves.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from graph import heap
from graph.errors import IndexUnavailable
from graph.fsutil import atomic_write_text
from graph.search.material_store import MaterialRecord
from graph.search.serving import ServingRule, ServingView
from graph.search.tokenizer import TextTokenizer, shared_tokenizer

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import, which would print through any root handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

FORMAT = 2
POINTER = "CURRENT"
ENTRY_KINDS = ("title", "claim", "summary", "passage")
# Exact search is fast enough (a few ms) up to about this many entries; above it, HNSW.
HNSW_THRESHOLD = 100_000


@dataclass(frozen=True)
class IndexEntry:
    material_id: str
    kind: str  # one of ENTRY_KINDS
    text: str  # plain reading text, as embedded and shown
    start: int = -1  # passages: character span in the material's source file
    end: int = -1

    @property
    def key(self) -> str:
        """Content-derived id: an unchanged text keeps its vector across builds."""
        return hashlib.sha1(f"{self.kind}\x00{self.text}".encode()).hexdigest()

    def to_json(self) -> dict:
        return {"m": self.material_id, "k": self.kind, "t": self.text, "s": self.start, "e": self.end}

    @classmethod
    def from_json(cls, data: dict) -> IndexEntry:
        return cls(data["m"], data["k"], data["t"], data.get("s", -1), data.get("e", -1))


def record_from_json(data: dict) -> MaterialRecord:
    names = MaterialRecord.__dataclass_fields__
    return MaterialRecord(**{k: v for k, v in data.items() if k in names})


def record_to_json(record: MaterialRecord) -> dict:
    data = record.to_json(with_body=True)
    data.update(source_file=record.source_file, body_offset=record.body_offset, url=record.url)
    return data


# --- generations on disk --------------------------------------------------------------------------

@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """One builder at a time per index directory (CLI run and admin edit alike)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(index_dir: Path) -> Path | None:
    pointer = Path(index_dir) / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = Path(index_dir) / name
    return path if name and (path / "meta.json").is_file() else None


def _build_faiss(vectors: np.ndarray, dim: int, hnsw_threshold: int) -> faiss.Index:
    if len(vectors) > hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_generation(index_dir: Path, *, materials: list[MaterialRecord], entries: list[IndexEntry],
                     vectors: np.ndarray, tokens: list[list[str]], userdict: list[str], meta: dict,
                     hnsw_threshold: int = HNSW_THRESHOLD) -> Path:
    """Write a complete generation directory (not yet published) and return its path."""
    if len(entries) != len(vectors) or len(entries) != len(tokens):
        raise ValueError("entries, vectors and tokens must align")
    index_dir = Path(index_dir)
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = index_dir / name
    (path / "bm25").mkdir(parents=True)
    dim = int(meta["dim"])
    np.save(path / "vectors.npy", np.asarray(vectors, dtype=np.float32).reshape(len(entries), dim))
    dense = _build_faiss(vectors, dim, hnsw_threshold)
    faiss.write_index(dense, str(path / "dense.faiss"))
    doc_freq: dict[str, int] = {}
    for toks in tokens:
        for tok in set(toks):
            doc_freq[tok] = doc_freq.get(tok, 0) + 1
    if entries:
        bm25 = bm25s.BM25()
        bm25.index([t or [""] for t in tokens], show_progress=False)
        bm25.save(str(path / "bm25"))
    (path / "userdict.txt").write_text("\n".join(userdict) + "\n", encoding="utf-8")
    _dump(path / "materials.json", [record_to_json(m) for m in materials])
    short = [toks if e.kind != "passage" else None for e, toks in zip(entries, tokens, strict=True)]
    _dump(path / "entries.json", [{**e.to_json(), "tok": t} for e, t in zip(entries, short, strict=True)])
    _dump(path / "tokens.json", {e.key: t for e, t in zip(entries, tokens, strict=True)})
    _dump(path / "df.json", doc_freq)
    vocab: dict[str, set[str]] = {}
    for entry, toks in zip(entries, tokens, strict=True):
        vocab.setdefault(entry.material_id, set()).update(toks)
    _dump(path / "material_tokens.json", {mid: sorted(v) for mid, v in vocab.items()})
    full_meta = {**meta, "format": FORMAT, "generation": name, "entries": len(entries),
                 "materials": len(materials), "faiss": type(dense).__name__,
                 "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _dump(path / "meta.json", full_meta)  # written last: its presence marks a complete generation
    return path


def _dump(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())


def publish(index_dir: Path, generation: Path, keep: int = 2) -> None:
    """Point CURRENT at `generation` atomically, then delete all but the newest `keep` generations."""
    index_dir = Path(index_dir)
    atomic_write_text(index_dir / POINTER, generation.name + "\n")
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    survivors = {generation.name, *(p.name for p in gens[-keep:])}
    for old in gens:
        if old.name not in survivors:
            shutil.rmtree(old, ignore_errors=True)


# --- a loaded generation --------------------------------------------------------------------------

class PassageIndex:
    """One loaded, read-only generation."""

    def __init__(self, path: Path, meta: dict, materials: list[MaterialRecord], entries: list[IndexEntry],
                 short_tokens: list[list[str] | None], dense: faiss.Index, bm25: bm25s.BM25 | None,
                 tokenizer: TextTokenizer, doc_freq: dict[str, int], vectors: np.ndarray | None = None,
                 material_tokens: dict[str, list[str]] | None = None, rule: ServingRule | None = None):
        self.path = path
        self.rule = rule or ServingRule()  # which approved material is withdrawn (graph/search/serving.py)
        self._view: ServingView | None = None
        self.meta = meta
        self.materials = {m.id: m for m in materials}
        self.material_ids = [m.id for m in materials]
        ordinal = {mid: i for i, mid in enumerate(self.material_ids)}
        self.entries = entries
        self.entry_material = np.array([ordinal[e.material_id] for e in entries], dtype=np.int64)
        order = np.argsort(self.entry_material, kind="stable")
        bounds = np.searchsorted(self.entry_material[order], np.arange(len(materials) + 1))
        # Entry ids of each material (by ordinal): exact cosines for a shortlist of materials.
        self.material_entries = [order[bounds[i]:bounds[i + 1]] for i in range(len(materials))]
        self.vectors = vectors if vectors is not None else np.zeros((len(entries), dense.d), np.float32)
        # Every word of each material (all its entries), by ordinal: what it talks about at all.
        self.material_tokens = [frozenset((material_tokens or {}).get(mid, ())) for mid in self.material_ids]
        # Every word used in any title or claim: a cheap test of whether a sentence could be a claim.
        self.claim_vocabulary = frozenset(t for toks in short_tokens if toks for t in toks)
        # Titles and claims are short statements like the questions people send (see ENTRY_KINDS).
        self.entry_is_short = np.array([e.kind in ("title", "claim") for e in entries], dtype=bool)
        self.short_tokens = short_tokens
        self.dense = dense
        self.bm25 = bm25
        self.tokenizer = tokenizer
        self.doc_freq = doc_freq
        n_docs = max(len(entries), 1)
        self._idf = {t: float(np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in doc_freq.items()}
        self._idf_unknown = float(np.log(1.0 + (n_docs + 0.5) / 0.5))
        self._lock = threading.Lock()
        # One query at a time: OpenMP workers only add wake-up latency (26 ms instead of 5 ms for
        # 12k vectors on a busy 2-core machine); concurrency comes from the server's threads.
        faiss.omp_set_num_threads(1)
        if isinstance(dense, faiss.IndexHNSW):
            dense.hnsw.efSearch = 96

    @classmethod
    def load(cls, path: Path, rule: ServingRule | None = None) -> PassageIndex:
        path = Path(path)
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
            materials = [record_from_json(d) for d in json.loads((path / "materials.json").read_text("utf-8"))]
            raw_entries = json.loads((path / "entries.json").read_text(encoding="utf-8"))
            doc_freq = json.loads((path / "df.json").read_text(encoding="utf-8"))
            vocab_file = path / "material_tokens.json"
            material_tokens = json.loads(vocab_file.read_text(encoding="utf-8")) if vocab_file.exists() else {}
            dense = faiss.read_index(str(path / "dense.faiss"))
            vectors = np.load(path / "vectors.npy")
            bm25 = bm25s.BM25.load(str(path / "bm25")) if raw_entries else None
        except (OSError, ValueError, RuntimeError) as exc:
            raise IndexUnavailable(f"cannot load index generation {path}: {exc}") from exc
        entries = [IndexEntry.from_json(d) for d in raw_entries]
        tokenizer = shared_tokenizer(path / "userdict.txt")
        return cls(path, meta, materials, entries, [d.get("tok") for d in raw_entries], dense, bm25,
                   tokenizer, doc_freq, vectors, material_tokens, rule)

    @property
    def generation(self) -> str:
        return self.meta.get("generation", self.path.name)

    def __len__(self) -> int:
        return len(self.entries)

    def idf(self, token: str) -> float:
        value = self._idf.get(token)
        return self._idf_unknown if value is None else value

    def serving(self, today=None) -> ServingView:
        """This generation as the public is served it today (one view per day, built once)."""
        day = today or self.rule.today()
        view = self._view
        if view is None or view.day != day:
            with self._lock:
                view = self._view
                if view is None or view.day != day:
                    view = ServingView(day, list(self.materials.values()), self.entry_material,
                                       self.rule.grace_days, isinstance(self.dense, faiss.IndexHNSW))
                    if today is None:
                        self._view = view
        return view

    def use_rule(self, rule: ServingRule) -> None:
        self.rule, self._view = rule, None

    def _mask(self, statuses: frozenset[str] | None) -> tuple[np.ndarray | None, object]:
        """Entry mask and faiss parameters for materials whose serving status is in `statuses`."""
        return (None, None) if statuses is None else self.serving().mask(statuses)

    def dense_search(self, vectors: np.ndarray, k: int, statuses: frozenset[str] | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k entries per query vector: (scores, entry ids), ids -1 where fewer exist."""
        vectors = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
        if not self.entries:
            return np.zeros((len(vectors), 0), np.float32), np.zeros((len(vectors), 0), np.int64)
        mask, params = self._mask(statuses)
        k = min(k, len(self.entries))
        scores, ids = self.dense.search(vectors, k, params=params) if params else self.dense.search(vectors, k)
        return scores, ids

    def bm25_scores(self, tokens: list[str], statuses: frozenset[str] | None = None) -> np.ndarray:
        """BM25 score of every entry for the query tokens (zero for entries filtered out)."""
        if self.bm25 is None or not tokens:
            return np.zeros(len(self.entries), dtype=np.float32)
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.entries), dtype=np.float32)
        scores = self.bm25.get_scores(known)
        mask, _ = self._mask(statuses)
        return scores * mask if mask is not None else scores

    def bm25_search(self, tokens: list[str], k: int, statuses: frozenset[str] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        scores = self.bm25_scores(tokens, statuses)
        positive = np.flatnonzero(scores > 0)
        if len(positive) > k:
            positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        order = positive[np.argsort(-scores[positive], kind="stable")]
        return scores[order], order


class IndexHandle:
    """The current generation for a long-running reader; follows the pointer as builds publish.

    `get()` costs one stat() at most every `check_interval` seconds. When the pointer moves, the
    new generation is loaded on a background thread and swapped in; until then the old one serves.
    """

    def __init__(self, index_dir: Path, check_interval: float = 1.0, background: bool = True,
                 rule: ServingRule | None = None):
        self.index_dir = Path(index_dir)
        self.rule = rule or ServingRule()
        self.check_interval = check_interval
        self.background = background
        self._index: PassageIndex | None = None
        self._seen: tuple | None = None
        self._checked = 0.0
        self._loading = False
        self._lock = threading.Lock()

    def _pointer_state(self) -> tuple | None:
        try:
            st = os.stat(self.index_dir / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(self) -> PassageIndex | None:
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self._checked = now
            state = self._pointer_state()
            if state != self._seen:
                if self._index is None or not self.background:
                    self.refresh()
                else:
                    self._reload_in_background()
        return self._index

    def use_rule(self, rule: ServingRule) -> None:
        """Serve by `rule` from now on, the loaded generation included."""
        self.rule = rule
        if self._index is not None:
            self._index.use_rule(rule)

    def require(self) -> PassageIndex:
        index = self.get()
        if index is None:
            raise IndexUnavailable(f"no passage index under {self.index_dir}")
        return index

    def refresh(self) -> PassageIndex | None:
        """Load the generation the pointer names now, if it is not the one loaded (synchronous)."""
        with self._lock:
            state = self._pointer_state()
            if state == self._seen:
                return self._index
            path = current_generation(self.index_dir)
            if path is None:
                self._seen = state
                return self._index
            if self._index is not None and self._index.path == path:
                self._seen = state
                return self._index
            try:
                index = PassageIndex.load(path, self.rule)
            except IndexUnavailable as exc:
                log.error("keeping the previous index: %s", exc)
                self._seen = state  # do not retry a broken generation on every request
                return self._index
            replaced = self._index is not None
            self._index, self._seen = index, state
            log.info("passage index %s loaded (%d entries)", index.generation, len(index))
        if replaced:
            heap.settle()  # a running service: keep the collector off the new generation
        return index

    def _reload_in_background(self) -> None:
        with self._lock:
            if self._loading:
                return
            self._loading = True

        def run() -> None:
            try:
                self.refresh()
            finally:
                self._loading = False

        threading.Thread(target=run, name="passage-index-reload", daemon=True).start()
