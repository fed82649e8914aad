"""Build the passage index from material directories, incrementally and atomically.

Sources: the corpus directory given to `kepu ingest corpus DIR` (remembered in the index, so
later re-indexes use it again) overlaid by curated edits under `settings.materials_dir`, which
win by material id. An entry whose text is unchanged keeps its vector from the previous
generation; only new or edited text is embedded. Nothing changed -> no new generation.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.errors import StoreUnavailable
from graph.failpoints import failpoint
from graph.search.claim_terms import TERMS_FORMAT, build_terms
from graph.search.material_store import MaterialRecord
from graph.search.passage_index import (
    FORMAT,
    HNSW_THRESHOLD,
    IndexEntry,
    current_generation,
    index_lock,
    publish,
    write_generation,
)
from graph.search.tokenizer import read_userdict, shared_tokenizer
from graph.settings import PROJECT_ROOT, Settings
from graph.text_normalizer import normalize
from ingest.material_loader import LoadIssue, LoadReport, load_material_dir, material_passages

log = logging.getLogger(__name__)

BUNDLED_USERDICT = PROJECT_ROOT / "corpus" / "rumor_userdict.txt"
# Titles and claims are short statements, like the questions people send: they are embedded on
# the query side of e5 (symmetric matching); body passages on the passage side.
QUERY_SIDE_KINDS = frozenset({"title", "claim"})
EMBED_CHUNK = 64

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    generation: str | None = None
    published: bool = False
    materials: int = 0
    public_materials: int = 0
    entries: int = 0
    embedded: int = 0
    reused: int = 0
    terms_embedded: int = 0  # claim cards and words (graph.search.claim_terms) embedded
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["issues"] = [issue.__dict__ for issue in self.issues]
        return data


def encoder_fingerprint(encoder) -> str:
    # Vectors are reusable only from the same model: name it by its folder when it has one.
    model_dir = getattr(encoder, "model_dir", None)
    name = getattr(encoder, "name", None) or (Path(model_dir).name if model_dir else type(encoder).__name__)
    return f"{name}:{int(encoder.dim)}:q={','.join(sorted(QUERY_SIDE_KINDS))}"


def material_entries(record: MaterialRecord) -> list[IndexEntry]:
    """Title, claims, summary and body passages of one material, each pointing to it."""
    entries = [IndexEntry(record.id, "title", record.title)]
    entries += [IndexEntry(record.id, "claim", claim) for claim in dict.fromkeys(record.claims)]
    entries.append(IndexEntry(record.id, "summary", record.summary))
    entries += [IndexEntry(record.id, "passage", text, s, e) for s, e, text in material_passages(record)]
    return entries


def collect_materials(sources: list[Path], overlay: Path | None) -> LoadReport:
    """Load every source directory, then the overlay; later directories win by material id."""
    merged: dict[str, MaterialRecord] = {}
    report = LoadReport()
    dirs = [Path(s) for s in sources]
    if overlay is not None and Path(overlay).is_dir() and all(Path(overlay).resolve() != d.resolve() for d in dirs):
        dirs.append(Path(overlay))
    for directory in dirs:
        if not directory.is_dir():
            log.warning("material source %s is missing; its materials leave the index", directory)
            continue
        loaded = load_material_dir(directory)
        report.issues.extend(loaded.issues)
        for record in loaded.materials:
            merged[record.id] = record
    report.materials = sorted(merged.values(), key=lambda m: m.id)
    return report


def _state_hash(materials: list[MaterialRecord], fingerprint: str, userdict: list[str], sources: list[str]) -> str:
    digest = hashlib.sha256(f"{FORMAT}|terms{TERMS_FORMAT}|{fingerprint}|{json.dumps(sources)}".encode())
    digest.update("\n".join(userdict).encode())
    for m in materials:
        digest.update(f"{m.id}:{m.content_hash}\n".encode())
    return digest.hexdigest()


def _previous(path: Path | None, fingerprint: str, userdict_fp: str) -> tuple[dict, dict, dict, np.ndarray | None]:
    """Meta, key -> vector row, key -> tokens of the previous generation (what can be reused)."""
    if path is None:
        return {}, {}, {}, None
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("encoder") != fingerprint:
            return meta, {}, {}, None
        entries = json.loads((path / "entries.json").read_text(encoding="utf-8"))
        rows = {IndexEntry.from_json(d).key: i for i, d in enumerate(entries)}
        tokens = {}
        if meta.get("userdict_fp") == userdict_fp:
            tokens = json.loads((path / "tokens.json").read_text(encoding="utf-8"))
        return meta, rows, tokens, np.load(path / "vectors.npy", mmap_mode="r")
    except (OSError, ValueError) as exc:
        log.warning("previous index %s unreadable, embedding everything again: %s", path, exc)
        return {}, {}, {}, None


def _embed(encoder, entries: list[IndexEntry], progress: Progress | None) -> np.ndarray:
    out = np.zeros((len(entries), int(encoder.dim)), dtype=np.float32)
    for side in ("query", "passage"):
        picked = [i for i, e in enumerate(entries) if (e.kind in QUERY_SIDE_KINDS) == (side == "query")]
        for start in range(0, len(picked), EMBED_CHUNK):
            chunk = picked[start:start + EMBED_CHUNK]
            texts = [normalize(entries[i].text) or entries[i].text for i in chunk]
            vecs = encoder.encode_queries(texts) if side == "query" else encoder.encode_passages(texts)
            out[chunk] = np.asarray(vecs, dtype=np.float32)
            if progress:
                progress("embed", len(chunk), len(entries))
    return out


def build_index(settings: Settings, encoder, source_dir: Path | None = None, *, progress: Progress | None = None,
                force: bool = False, hnsw_threshold: int = HNSW_THRESHOLD) -> BuildReport:
    """Re-index materials; publish a new generation unless nothing changed.

    A full disk or an unwritable data directory raises StoreUnavailable (a GraphError with a
    Chinese message); the published index is untouched and keeps serving.
    """
    try:
        return _build_index(settings, encoder, source_dir, progress=progress, force=force,
                            hnsw_threshold=hnsw_threshold)
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "write" not in str(exc).lower():
            raise  # faiss reports write failures as RuntimeError; anything else is not ours
        raise _index_write_error(exc, settings.index_dir) from exc


def _index_write_error(exc: Exception, index_dir: Path) -> StoreUnavailable:
    text = str(exc)
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "No space left" in text:
        user = f"磁盘空间不足，无法写入检索索引（{index_dir}）；原有索引保持不变。"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST) or "Read-only" in text:
        user = f"数据目录不可写：{index_dir}；原有索引保持不变。"
    else:
        user = f"写入检索索引失败（{index_dir}）：{getattr(exc, 'strerror', None) or exc}；原有索引保持不变。"
    return StoreUnavailable(f"index write failed under {index_dir}: {exc}", user)


def _build_index(settings: Settings, encoder, source_dir: Path | None = None, *, progress: Progress | None = None,
                 force: bool = False, hnsw_threshold: int = HNSW_THRESHOLD) -> BuildReport:
    index_dir = settings.index_dir
    with index_lock(index_dir):
        for partial in index_dir.glob("gen-*"):
            if partial.is_dir() and not (partial / "meta.json").exists():
                shutil.rmtree(partial, ignore_errors=True)  # left by a build that was killed
        prev_path = current_generation(index_dir)
        fingerprint = encoder_fingerprint(encoder)
        prev_meta = json.loads((prev_path / "meta.json").read_text("utf-8")) if prev_path else {}
        if source_dir is not None:
            sources = [str(Path(source_dir).resolve())]
        else:
            sources = list(prev_meta.get("sources", []))
        loaded = collect_materials([Path(s) for s in sources], settings.materials_dir)
        materials = loaded.materials
        topics = sorted({t for m in materials for t in m.topics if 2 <= len(t) <= 8})
        userdict = read_userdict(BUNDLED_USERDICT) + topics
        tokenizer = shared_tokenizer(userdict)
        report = BuildReport(materials=len(materials), issues=loaded.issues, sources=sources,
                             public_materials=sum(m.public for m in materials))
        prev_hashes = prev_meta.get("material_hashes", {})
        now_hashes = {m.id: m.content_hash for m in materials}
        report.added = sorted(set(now_hashes) - set(prev_hashes))
        report.removed = sorted(set(prev_hashes) - set(now_hashes))
        report.changed = sorted(k for k in now_hashes if k in prev_hashes and prev_hashes[k] != now_hashes[k])
        state = _state_hash(materials, fingerprint, userdict, sources)
        if prev_path is not None and prev_meta.get("state") == state and not force:
            report.generation, report.entries = prev_path.name, int(prev_meta.get("entries", 0))
            return report

        entries = [e for m in materials for e in material_entries(m)]
        report.entries = len(entries)
        _, rows, prev_tokens, prev_vectors = _previous(prev_path, fingerprint, tokenizer.fingerprint)
        vectors = np.zeros((len(entries), int(encoder.dim)), dtype=np.float32)
        missing: dict[str, IndexEntry] = {}
        for i, entry in enumerate(entries):
            row = rows.get(entry.key)
            if row is not None and prev_vectors is not None:
                vectors[i] = prev_vectors[row]
            else:
                missing.setdefault(entry.key, entry)
        new = list(missing.values())
        if progress:
            progress("start", 0, len(new))
        new_vectors = _embed(encoder, new, progress)
        failpoint("index-embedded")
        by_key = {e.key: new_vectors[j] for j, e in enumerate(new)}
        for i, entry in enumerate(entries):
            if entry.key in by_key:
                vectors[i] = by_key[entry.key]
        report.embedded = len(new)
        report.reused = len(entries) - sum(1 for e in entries if e.key in by_key)
        tokens = [prev_tokens.get(e.key) or tokenizer.tokens(normalize(e.text)) for e in entries]

        meta = {"encoder": fingerprint, "dim": int(encoder.dim), "sources": sources, "state": state,
                "userdict_fp": tokenizer.fingerprint, "material_hashes": now_hashes,
                "query_side_kinds": sorted(QUERY_SIDE_KINDS)}
        path = write_generation(index_dir, materials=materials, entries=entries, vectors=vectors, tokens=tokens,
                                userdict=userdict, meta=meta, hnsw_threshold=hnsw_threshold)
        # Claim cards and words beside the generation (unpublished until the pointer moves).
        report.terms_embedded = build_terms(path, materials, entries, tokens, tokenizer, encoder, vectors,
                                            previous=prev_path)
        failpoint("index-before-publish")
        publish(index_dir, path)
        failpoint("index-after-publish")
        report.generation, report.published = path.name, True
        log.info("published index %s: %d materials, %d entries, %d embedded, %d reused",
                 path.name, len(materials), len(entries), report.embedded, report.reused)
        return report
