"""Vetted 科普 material as records, stored as Markdown files, plus the staff-facing logs.

A material file is YAML front matter then a Markdown body. Curated edits are written under
`settings.materials_dir` (one `<id>.md` each, written atomically); every edit is appended to an
audit log, and rumour checks that found no vetted material are appended to an unanswered log.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from graph.errors import MaterialNotFound
from graph.fsutil import atomic_write_text

VERDICTS = ("谣言", "误导", "部分正确", "正确", "存疑")
STATUSES = ("draft", "approved", "retired")
# Front-matter keys in the order they are written back.
FIELD_ORDER = (
    "id", "title", "claims", "verdict", "summary", "topics", "audience", "source", "url", "status",
    "reviewed_by", "reviewed_at", "review_by", "updated_at", "bundled_sample",
)


@dataclass
class MaterialRecord:
    """One vetted material: a rebuttal (or confirmation) of one or more claims."""

    id: str
    title: str
    claims: list[str]
    verdict: str
    summary: str
    source: str  # the document it rests on: 《title》 with 文号/edition, and the issuing body
    status: str  # draft | approved | retired
    updated_at: str  # ISO date
    body: str = ""
    topics: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    url: str = ""
    reviewed_by: str = ""
    reviewed_at: str = ""  # ISO date of the last review against the source
    review_by: str = ""  # ISO date by which it must be reviewed again ("" = no date set)
    bundled_sample: bool = False
    source_file: str = ""  # where it was read from
    body_offset: int = 0  # character offset of the body in the source file's text
    content_hash: str = ""  # sha256 of the file text it was read from (or would be written as)

    @property
    def public(self) -> bool:
        return self.status == "approved"

    def front_matter(self) -> dict:
        values = {
            "id": self.id, "title": self.title, "claims": list(self.claims), "verdict": self.verdict,
            "summary": self.summary, "topics": list(self.topics), "audience": list(self.audience),
            "source": self.source, "url": self.url or None, "status": self.status,
            "reviewed_by": self.reviewed_by or None, "reviewed_at": self.reviewed_at or None,
            "review_by": self.review_by or None, "updated_at": self.updated_at, "bundled_sample": True if self.bundled_sample else None,
        }
        return {k: values[k] for k in FIELD_ORDER if values[k] is not None}

    def to_markdown(self) -> str:
        meta = yaml.safe_dump(self.front_matter(), allow_unicode=True, sort_keys=False, width=1000)
        body = self.body.strip("\n")
        return f"---\n{meta}---\n\n{body}\n"

    def to_json(self, with_body: bool = False) -> dict:
        data = self.front_matter()
        data.setdefault("url", "")
        data["bundled_sample"] = self.bundled_sample
        data["content_hash"] = self.content_hash
        if with_body:
            data["body"] = self.body
        return data


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class MaterialStore:
    """Curated material files under one directory, named `<id>.md`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, material_id: str) -> Path:
        return self.root / f"{material_id}.md"

    def exists(self, material_id: str) -> bool:
        return self.path_for(material_id).is_file()

    def read_text(self, material_id: str) -> str:
        path = self.path_for(material_id)
        if not path.is_file():
            raise MaterialNotFound(f"no material file {path}")
        return path.read_text(encoding="utf-8")

    def write(self, record: MaterialRecord) -> str:
        """Write the record as its Markdown file; returns the file's content hash."""
        text = record.to_markdown()
        atomic_write_text(self.path_for(record.id), text)
        return content_hash(text)


class _JsonlLog:
    """Append-only JSON lines shared by threads and processes (flock around each append)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._locked(), open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()

    def read(self) -> list[dict]:
        if not self.path.is_file():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line torn by a crash mid-append; the rest is still good
        return entries


class AuditLog(_JsonlLog):
    """Who changed which material, when, and the file hashes before and after."""

    def record(self, who: str, action: str, material_id: str, before: str | None, after: str | None,
               changes: list[str] | None = None) -> dict:
        entry = {"at": now_iso(), "who": who, "action": action, "material": material_id,
                 "before": before, "after": after, "changes": changes or []}
        self.append(entry)
        return entry


class UnansweredLog(_JsonlLog):
    """Questions the rumour check found no vetted material for, for staff to follow up."""

    MAX_TEXT = 500

    def record(self, text: str, best: str | None = None, confidence: float = 0.0) -> None:
        self.append({"at": now_iso(), "text": text[: self.MAX_TEXT], "best": best,
                     "confidence": round(float(confidence), 4)})

    def summary(self, limit: int = 100) -> list[dict]:
        """Distinct questions, most asked first, then most recent."""
        groups: dict[str, dict] = {}
        for entry in self.read():
            text = entry.get("text", "")
            group = groups.setdefault(text, {"text": text, "count": 0, "first_at": entry.get("at"),
                                             "last_at": entry.get("at"), "best": entry.get("best")})
            group["count"] += 1
            group["last_at"] = entry.get("at")
        ordered = sorted(groups.values(), key=lambda g: (g["count"], g["last_at"] or ""), reverse=True)
        return ordered[:limit]


def audit_log(data_dir: Path) -> AuditLog:
    return AuditLog(Path(data_dir) / "logs" / "material_audit.jsonl")


def unanswered_log(data_dir: Path) -> UnansweredLog:
    return UnansweredLog(Path(data_dir) / "logs" / "unanswered.jsonl")
