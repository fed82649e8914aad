"""Durable moves of whole directories, shared by the graph store and backup/restore."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path


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
