"""The Markdown files behind the 素材 pages. The file is the source of truth; the database only
remembers the review state.

A material's working copy is, first found: its pending draft under `data_dir/drafts/` (edits of a
published material wait there, so the public keeps the approved text until a reviewer approves the
new one), its curated file under `settings.materials_dir`, or the bundled file the index was built
from. Every write names the content hash the editor started from; when the working copy on disk
has another hash (someone changed the file meanwhile), nothing is written (Conflict).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.errors import MaterialInvalid
from graph.search.material_store import MaterialRecord, MaterialStore, content_hash
from graph.settings import Settings
from ingest.material_loader import load_material_file, validate_material
from qa_service.team.errors import Conflict, InvalidInput

TEXT_FIELDS = ("title", "verdict", "summary", "source", "url")
LIST_FIELDS = ("claims", "topics", "audience")
EDITABLE = (*TEXT_FIELDS, *LIST_FIELDS, "body")


@dataclass
class WorkingCopy:
    record: MaterialRecord
    path: Path | None  # the file it was read from (None: only in the index)
    hash: str  # content hash of that file's text ("" when there is no file)
    pending: bool  # a draft of a published material, not yet approved


def drafts_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "drafts"


@contextmanager
def files_locked(settings: Settings) -> Iterator[None]:
    """One writer at a time over the curated and draft files (check-then-write must not interleave)."""
    settings.materials_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.materials_dir / ".team.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> tuple[MaterialRecord, str]:
    record = load_material_file(path)
    return record, content_hash(path.read_text(encoding="utf-8"))


def working_copy(settings: Settings, material_id: str, indexed: MaterialRecord | None) -> WorkingCopy | None:
    draft = MaterialStore(drafts_dir(settings)).path_for(material_id)
    if draft.is_file():
        record, digest = _read(draft)
        return WorkingCopy(record, draft, digest, True)
    curated = MaterialStore(settings.materials_dir).path_for(material_id)
    if curated.is_file():
        record, digest = _read(curated)
        return WorkingCopy(record, curated, digest, False)
    if indexed is None:
        return None
    source = Path(indexed.source_file) if indexed.source_file else None
    digest = (
        content_hash(source.read_text(encoding="utf-8"))
        if source and source.is_file()
        else indexed.content_hash
    )
    return WorkingCopy(indexed, source if source and source.is_file() else None, digest, False)


def current_hash(settings: Settings, material_id: str, indexed: MaterialRecord | None) -> str:
    copy = working_copy(settings, material_id, indexed)
    return copy.hash if copy is not None else ""


def check_unchanged(
    settings: Settings, material_id: str, indexed: MaterialRecord | None, base_hash: str
) -> None:
    now = current_hash(settings, material_id, indexed)
    if now != (base_hash or ""):
        raise Conflict(
            f"material {material_id} changed on disk ({base_hash[:8]} -> {now[:8]})",
            "这份素材在您编辑期间已被修改（文件内容已变化），为避免覆盖他人的修改，本次未保存。"
            "请重新打开素材，在最新版本上修改。",
        )


def split_list(value: str) -> list[str]:
    items = [
        part.strip()
        for line in (value or "").replace("；", "\n").replace(";", "\n").splitlines()
        for part in [line]
        if part.strip()
    ]
    return list(dict.fromkeys(items))


def record_from_form(
    form: dict[str, str], base: MaterialRecord | None, material_id: str, status: str, today: str
) -> MaterialRecord:
    """A validated record from the edit form (lists one per line); InvalidInput names the field."""
    meta = dict(base.front_matter()) if base is not None else {}
    for name in TEXT_FIELDS:
        if name in form:
            meta[name] = form[name].strip()
    for name in LIST_FIELDS:
        if name in form:
            meta[name] = split_list(form[name])
    if not meta.get("url"):
        meta.pop("url", None)
    meta.update(id=material_id, status=status, updated_at=today)
    body = form.get("body", base.body if base is not None else "")
    try:
        record = validate_material(meta, body, f"{material_id}.md")
    except MaterialInvalid as exc:
        raise InvalidInput(str(exc), f"字段 {exc.field} {exc.problem}") from None
    record.bundled_sample = base.bundled_sample if base is not None else False
    return record


def write_draft(settings: Settings, record: MaterialRecord, published: bool) -> str:
    """Write the draft: beside the live file when the material is published, else as the curated file."""
    store = MaterialStore(drafts_dir(settings) if published else settings.materials_dir)
    return store.write(record)


def publish(settings: Settings, record: MaterialRecord) -> str:
    """Write the curated (live) file and drop the pending draft; returns the new content hash."""
    digest = MaterialStore(settings.materials_dir).write(record)
    MaterialStore(drafts_dir(settings)).path_for(record.id).unlink(missing_ok=True)
    return digest


def with_front_matter(record: MaterialRecord, meta: dict) -> MaterialRecord:
    """The record with its front matter replaced, validated (InvalidInput names the field)."""
    meta = {k: v for k, v in meta.items() if v not in (None, "")}
    try:
        out = validate_material(meta, record.body, f"{record.id}.md")
    except MaterialInvalid as exc:
        raise InvalidInput(str(exc), f"字段 {exc.field} {exc.problem}") from None
    out.bundled_sample = record.bundled_sample
    return out
