"""Durable writes: the one atomic-write helper, directory fsync and cross-filesystem moves."""

from __future__ import annotations

import errno
import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

_TMP_COUNTER = itertools.count(1)


def fsync_dir(directory: Path) -> None:
    """Make the directory's entries (renames, new files) durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def move_tree(source: Path, target: Path) -> None:
    """Rename `source` to `target`, copying instead when they are on different filesystems."""
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(source, target)


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """The one atomic write: yields a temporary path beside `path` to write (any way: a stream, an
    archive, numpy); on a clean exit it is fsynced and renamed over `path`, then the folder is
    fsynced. On an error the temporary file is removed and `path` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{next(_TMP_COUNTER)}")
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (see atomic_output)."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
