"""The backup archive format: writing members with checksums, and reading them back safely.

    BackupError          base; `user_message` is Chinese, str() is English for logs
    └── ArchiveInvalid   not a kepu backup, corrupt, truncated, tampered with, or unsafe

Reading never trusts the archive: each member must be a regular file or a directory named inside
`kepu-backup/` (no absolute path, no "..", no links or devices, no duplicates), the sizes add up to
at most MAX_TOTAL_BYTES, and every file must match the manifest's size and sha256 exactly.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

ROOT = "kepu-backup"
MANIFEST = "MANIFEST.json"
MAX_MEMBERS = 500_000
MAX_TOTAL_BYTES = 64 * 1024**3
_CHUNK = 1 << 20


class BackupError(Exception):
    user_message = "备份或恢复失败。"

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message


class ArchiveInvalid(BackupError):
    user_message = "备份文件无效或已损坏，未做任何恢复。"


def disk_error(exc: OSError, path: Path, doing: str) -> BackupError:
    if exc.errno == errno.ENOSPC:
        user = f"{doing}失败：磁盘空间不足（{path}）。"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR):
        user = f"{doing}失败：{path} 不可写。"
    else:
        user = f"{doing}失败（{path}）：{exc.strerror or exc}"
    return BackupError(f"{doing} failed at {path}: {exc}", user)


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Adds members under kepu-backup/ and remembers each file's size and sha256 for the manifest."""

    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar
        self.files: dict[str, dict] = {}

    def _info(self, arcname: str, size: int = 0, is_dir: bool = False) -> tarfile.TarInfo:
        info = tarfile.TarInfo(f"{ROOT}/{arcname}")
        info.size, info.mtime = size, int(time.time())
        info.type, info.mode = (tarfile.DIRTYPE, 0o755) if is_dir else (tarfile.REGTYPE, 0o644)
        return info

    def add_dir(self, arcname: str) -> None:
        self.tar.addfile(self._info(arcname, is_dir=True))

    def add_file(self, path: Path, arcname: str) -> None:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            reader = _HashingReader(handle)
            self.tar.addfile(self._info(arcname, size), reader)  # tarfile raises if the file shrank
        self.files[arcname] = {"size": size, "sha256": reader.digest.hexdigest()}

    def add_bytes(self, data: bytes, arcname: str) -> None:
        self.tar.addfile(self._info(arcname, len(data)), io.BytesIO(data))
        if arcname != MANIFEST:
            self.files[arcname] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _unsafe(name: str, why: str) -> ArchiveInvalid:
    return ArchiveInvalid(f"unsafe member {name!r}: {why}", f"备份文件包含不安全的成员（{name}：{why}），已拒绝恢复。")


def _member_path(member: tarfile.TarInfo) -> str:
    """The member's path relative to kepu-backup/ ("" for the root itself); raises if unsafe."""
    name = member.name
    if "\x00" in name or "\\" in name:
        raise _unsafe(name, "名称含非法字符")
    if name.startswith("/"):
        raise _unsafe(name, "绝对路径")
    parts = PurePosixPath(name).parts
    if any(part in ("..", "") for part in parts):
        raise _unsafe(name, "路径越界")
    if not parts or parts[0] != ROOT:
        raise _unsafe(name, f"不在 {ROOT}/ 目录下")
    if not (member.isreg() or member.isdir()):
        raise _unsafe(name, "链接或特殊文件")
    return "/".join(parts[1:])


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict:
    source = tar.extractfile(member)
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return {"size": size, "sha256": digest.hexdigest()}


def _corrupt(archive: Path, exc: BaseException) -> ArchiveInvalid:
    return ArchiveInvalid(f"unreadable backup {archive}: {type(exc).__name__}: {exc}",
                          f"备份文件已损坏或不完整，无法读取：{archive.name}。未做任何恢复。")


def extract_archive(archive: Path, staging: Path) -> dict:
    """Extract into `staging` (kepu-backup/... inside it) after checking every member; returns the
    manifest. Raises ArchiveInvalid for anything but an intact kepu backup."""
    seen: dict[str, dict] = {}
    total = 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for count, member in enumerate(tar, start=1):
                rel = _member_path(member)
                if count > MAX_MEMBERS:
                    raise ArchiveInvalid(f"more than {MAX_MEMBERS} members", "备份文件成员过多，不像 kepu 备份。")
                if rel in seen:
                    raise _unsafe(member.name, "重复的成员")
                target = staging / ROOT / rel
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    seen[rel] = {}
                    continue
                total += member.size
                if total > MAX_TOTAL_BYTES:
                    raise ArchiveInvalid("archive too large", "备份文件解压后过大，已拒绝恢复。")
                target.parent.mkdir(parents=True, exist_ok=True)
                seen[rel] = _copy_member(tar, member, target)
            # tarfile stops quietly at a damaged header; reading the gzip stream to its end makes
            # it check the CRC, so a corrupted archive is reported as such, not as "incomplete".
            while tar.fileobj.read(_CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise _corrupt(archive, exc) from exc
    except OSError as exc:
        if exc.errno is None:  # gzip.BadGzipFile and friends: the archive, not the disk
            raise _corrupt(archive, exc) from exc
        raise disk_error(exc, staging.parent, "解压备份") from exc
    return _check_manifest(archive, staging, seen)


def _check_manifest(archive: Path, staging: Path, seen: dict[str, dict]) -> dict:
    if MANIFEST not in seen:
        raise ArchiveInvalid(f"{archive} has no {MANIFEST}",
                             f"{archive.name} 不是完整的 kepu 备份文件（缺少清单 {MANIFEST}），可能已损坏或不完整。")
    try:
        manifest = json.loads((staging / ROOT / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["files"]
        if manifest.get("format") != 1 or not isinstance(expected, dict):
            raise ValueError(f"format {manifest.get('format')!r}")
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveInvalid(f"bad manifest in {archive}: {exc}", "备份清单无法识别（格式或版本不符）。") from exc
    files = {rel: info for rel, info in seen.items() if info and rel != MANIFEST}
    missing = sorted(set(expected) - set(files))
    extra = sorted(set(files) - set(expected))
    changed = sorted(rel for rel in set(files) & set(expected) if files[rel] != expected[rel])
    if missing or extra or changed:
        first = (missing or extra or changed)[0]
        raise ArchiveInvalid(f"backup {archive} does not match its manifest: missing {missing[:3]}, extra {extra[:3]}, "
                             f"changed {changed[:3]}",
                             f"备份文件内容与清单不符（如 {first}），文件可能已损坏或被改动。未做任何恢复。")
    for part in ("graph", "index"):
        name = manifest.get(part)
        if name is not None and (not isinstance(name, str) or "/" in name or name in ("", ".", "..")
                                 or not (staging / ROOT / part / name).is_dir()):
            raise ArchiveInvalid(f"manifest names a missing {part} generation {name!r}", "备份清单与内容不符。")
    return manifest
