"""`kepu backup` and `kepu restore`: the data directory as one .tar.gz file, and back.

    kepu-backup/MANIFEST.json        format, time, generations, size and sha256 of every file
    kepu-backup/graph/CURRENT        the embedded graph's current generation (an oxigraph database)
    kepu-backup/graph/gen-NNNNNN/...
    kepu-backup/index/CURRENT        the passage index's current generation
    kepu-backup/index/gen-.../...
    kepu-backup/materials/*.md       curated material (admin edits)
    kepu-backup/logs/*.jsonl         audit log, unanswered questions
    kepu-backup/drafts/*.md          pending drafts of published material (素材 pages)
    kepu-backup/db/team.json         the team database (users, queue, ratings, push jobs, reviews, audit)

A backup is consistent while the service runs and writes: published generations never change,
so it copies the graph generation under a reader's lock (the writer cannot collect it meanwhile),
the index generation under the index builders' lock, and each log under its append lock.

A restore checks the whole archive before it touches the data directory: gzip and tar intact,
only regular files and directories, every name inside kepu-backup/ (no absolute paths, no "..",
no links), every file's size and sha256 as the manifest says, the graph opens, the index loads.
Then each part is swapped in atomically by its own protocol (graph and index as new generations,
which running servers pick up; materials by directory rename). Logs replaced by the backup's are
kept beside it as *.before-restore-<time>. Neo4j (KEPU_GRAPH_URI) is not covered: back it up
with its own tools.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tarfile
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from graph.backup.archive import (
    MANIFEST,
    ROOT,
    ArchiveInvalid,
    ArchiveWriter,
    BackupError,
    disk_error,
    extract_archive,
)
from graph.errors import GraphError
from graph.fsutil import atomic_output, fsync_dir, move_tree
from graph.settings import Settings

__all__ = ["BackupError", "BackupReport", "RestoreReport", "create_backup", "default_backup_name", "restore_backup"]

log = logging.getLogger(__name__)

FORMAT = 1
_OPEN_RETRIES = 5


@dataclass
class BackupReport:
    path: Path
    files: int
    size: int
    graph_generation: str | None
    index_generation: str | None
    materials: int
    logs: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    plans: list[str]
    index_generation: str | None
    materials: int
    logs: list[str]
    graph_skipped: bool = False


def default_backup_name() -> Path:
    return Path(f"kepu-backup-{time.strftime('%Y%m%d-%H%M%S')}.tar.gz")


# --- backup ------------------------------------------------------------------------------------

@contextmanager
def _flock_shared(path: Path):
    """A shared flock on `path`, or nothing when it cannot be taken (a read-only data directory,
    where nobody writes either)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError as exc:
        log.debug("no lock %s (%s): copying without it", path, exc)
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextmanager
def _graph_generation(graph_dir: Path):
    """The current graph generation's directory, held with a reader's lock (None: no graph)."""
    for _ in range(_OPEN_RETRIES):
        try:
            name = (graph_dir / "CURRENT").read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError):
            yield None
            return
        with _flock_shared(graph_dir / f"{name}.lock"):
            if (graph_dir / name / "CURRENT").is_file():
                yield graph_dir / name
                return
    raise BackupError(f"graph generation under {graph_dir} kept disappearing",
                      "图谱正在频繁更新，未能取得一致的快照，请稍后重试。")


@contextmanager
def _index_generation(index_dir: Path):
    from graph.search.passage_index import current_generation

    if not (index_dir / "CURRENT").is_file():
        yield None
        return
    with _flock_shared(index_dir / ".lock"):  # the builders' lock: no publish (or clean-up) meanwhile
        yield current_generation(index_dir)


def _add_tree(writer: ArchiveWriter, source: Path, arcname: str) -> None:
    writer.add_dir(arcname)
    for path in sorted(source.rglob("*")):
        rel = f"{arcname}/{path.relative_to(source).as_posix()}"
        if path.is_dir():
            writer.add_dir(rel)
        elif path.is_file():
            writer.add_file(path, rel)


def create_backup(settings: Settings, output: Path) -> BackupReport:
    """Write a backup of `settings.data_dir` to `output` (atomically: a temporary file, renamed)."""
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        raise BackupError(f"no data directory {data_dir}", f"数据目录不存在：{data_dir}")
    output = Path(output)
    manifest: dict = {"format": FORMAT, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        with atomic_output(output) as tmp, tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
            writer = ArchiveWriter(tar)
            with _graph_generation(settings.graph_dir) as graph_gen:
                if graph_gen is not None:
                    writer.add_bytes(f"{graph_gen.name}\n".encode("ascii"), "graph/CURRENT")
                    _add_tree(writer, graph_gen, f"graph/{graph_gen.name}")
            with _index_generation(settings.index_dir) as index_gen:
                if index_gen is not None:
                    writer.add_bytes(f"{index_gen.name}\n".encode("ascii"), "index/CURRENT")
                    _add_tree(writer, index_gen, f"index/{index_gen.name}")
            writer.add_dir("materials")
            materials = 0
            if settings.materials_dir.is_dir():
                for path in sorted(settings.materials_dir.iterdir()):
                    if path.is_file() and not path.name.startswith("."):
                        writer.add_file(path, f"materials/{path.name}")
                        materials += path.suffix == ".md"
            logs = []
            for path in sorted((data_dir / "logs").glob("*.jsonl")):
                with _flock_shared(path.with_suffix(".lock")):
                    writer.add_bytes(path.read_bytes(), f"logs/{path.name}")
                logs.append(path.name)
            team_db = _add_team(writer, settings)
            if graph_gen is None and index_gen is None and not materials and not logs and not team_db:
                raise BackupError(f"nothing to back up in {data_dir}",
                                  f"数据目录 {data_dir} 中没有可备份的数据（尚未导入方案或素材）。")
            manifest.update(graph=graph_gen.name if graph_gen else None, index=index_gen.name if index_gen else None,
                            materials=materials, logs=logs, team_db=team_db, files=writer.files)
            writer.add_bytes(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"), MANIFEST)
    except OSError as exc:
        raise disk_error(exc, output, "写入备份文件") from exc
    return BackupReport(output, len(writer.files), output.stat().st_size, manifest["graph"], manifest["index"],
                        materials, logs)


def _add_team(writer: ArchiveWriter, settings: Settings) -> bool:
    """The drafts and the team database; False when there is no team database yet."""
    from graph.db import DatabaseError, open_database
    from graph.db.backup import dump

    drafts = settings.data_dir / "drafts"
    writer.add_dir("drafts")
    if drafts.is_dir():
        for path in sorted(drafts.glob("*.md")):
            writer.add_file(path, f"drafts/{path.name}")
    if not settings.database_url and not (settings.data_dir / "kepu.db").is_file():
        return False
    try:
        writer.add_bytes(dump(open_database(settings)), "db/team.json")
    except DatabaseError as exc:
        raise BackupError(f"team database not readable: {exc}", exc.user_message) from exc
    return True


def _restore_team(settings: Settings, content: Path, manifest: dict) -> None:
    """Checked before anything is swapped (parse), installed after the files."""
    from graph.db import DatabaseError, open_database
    from graph.db.backup import load, parse

    if (content / "drafts").is_dir():
        _swap_dir(content / "drafts", settings.data_dir / "drafts")
    if not manifest.get("team_db"):
        return
    try:
        load(open_database(settings), parse((content / "db" / "team.json").read_bytes()))
    except ValueError as exc:
        raise ArchiveInvalid(f"team database in backup unreadable: {exc}", "备份中的团队数据库无法读取，备份文件可能已损坏。") from exc
    except DatabaseError as exc:
        raise BackupError(str(exc), exc.user_message) from exc


# --- restore -----------------------------------------------------------------------------------

def _check_graph(staged: Path) -> list[str]:
    """The plan ids of the staged graph; raises ArchiveInvalid when the database does not open."""
    from graph.store.oxigraph import OxigraphStore

    store = OxigraphStore(staged)
    try:
        return store.plan_ids()
    except GraphError as exc:
        raise ArchiveInvalid(f"graph in backup does not open: {exc}", "备份中的图谱数据无法打开，备份文件可能已损坏。") from exc
    finally:
        store.close()


def _check_index(staged_gen: Path) -> None:
    from graph.search.passage_index import PassageIndex

    try:
        PassageIndex.load(staged_gen)
    except GraphError as exc:
        raise ArchiveInvalid(f"index in backup does not load: {exc}", "备份中的检索索引无法加载，备份文件可能已损坏。") from exc


def _swap_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _install_logs(staged_logs: Path, logs_dir: Path) -> list[str]:
    logs_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    restored_names = sorted(p.name for p in staged_logs.glob("*.jsonl"))
    names = sorted(set(restored_names) | {p.name for p in logs_dir.glob("*.jsonl")})
    for name in names:
        target, staged = logs_dir / name, staged_logs / name
        lock = os.open(target.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # appenders wait; none sees a half-swapped log
            current = target.read_bytes() if target.is_file() else None
            restored = staged.read_bytes() if staged.is_file() else None
            if current is not None and current != restored:
                os.replace(target, logs_dir / f"{name}.before-restore-{stamp}")
            if restored is not None:
                os.replace(staged, target)
        finally:
            os.close(lock)
    return restored_names


def _install_index(staged_gen: Path, index_dir: Path) -> None:
    from graph.search.passage_index import index_lock, publish

    with index_lock(index_dir):
        target = index_dir / staged_gen.name
        if target.is_dir() and not (target / "meta.json").is_file():
            shutil.rmtree(target)  # a half-written build of the same name: replace it
        if not target.exists():
            move_tree(staged_gen, target)
        os.utime(target)  # publish() keeps the newest generations by mtime: this is now the newest
        fsync_dir(target)
        publish(index_dir, target)


def _remove_stale_staging(data_dir: Path) -> None:
    for stale in data_dir.glob(".restore-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a restore that was killed


def restore_backup(settings: Settings, archive: Path) -> RestoreReport:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no backup file {archive}", f"找不到备份文件：{archive}")
    data_dir = settings.data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(data_dir)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    except OSError as exc:
        raise disk_error(exc, data_dir, "准备恢复") from exc
    try:
        manifest = extract_archive(archive, staging)
        content = staging / ROOT
        plans: list[str] = []
        graph_skipped = bool(settings.graph_uri)
        if manifest.get("graph") and not graph_skipped:
            plans = _check_graph(content / "graph")
        index_gen = content / "index" / manifest["index"] if manifest.get("index") else None
        if index_gen is not None:
            _check_index(index_gen)
        if manifest.get("team_db"):
            from graph.db.backup import parse

            try:
                parse((content / "db" / "team.json").read_bytes())
            except (OSError, ValueError) as exc:
                raise ArchiveInvalid(f"team database in backup unreadable: {exc}",
                                     "备份中的团队数据库无法读取，备份文件可能已损坏。") from exc
        try:
            (content / "materials").mkdir(exist_ok=True)
            materials = sum(1 for p in (content / "materials").glob("*.md"))
            _swap_dir(content / "materials", settings.materials_dir)
            logs = _install_logs(content / "logs", data_dir / "logs")
            if index_gen is not None:
                _install_index(index_gen, settings.index_dir)
            if manifest.get("graph") and not graph_skipped:
                from graph.store.oxigraph import OxigraphStore

                OxigraphStore(settings.graph_dir).install_generation(content / "graph" / manifest["graph"])
            _restore_team(settings, content, manifest)
        except OSError as exc:
            raise disk_error(exc, data_dir, "恢复数据") from exc
        except GraphError as exc:
            raise BackupError(str(exc), exc.user_message) from exc
        _record_restore(data_dir, archive)
        return RestoreReport(plans, manifest.get("index"), materials, logs, graph_skipped)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _record_restore(data_dir: Path, archive: Path) -> None:
    from graph.search.material_store import audit_log

    digest = hashlib.sha256()
    with open(archive, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    try:
        audit_log(data_dir).record("kepu restore", "restore", "*", None, digest.hexdigest(), [archive.name])
    except OSError as exc:
        log.warning("restore done but not recorded in the audit log: %s", exc)
