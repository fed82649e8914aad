"""Shared fixtures: every test gets its own temporary data directory."""

from __future__ import annotations

import os

import pytest

# The team database fixtures (`db_settings`, `database`: SQLite and a throwaway PostgreSQL).
pytest_plugins = ["tests.support.database"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data directory, also exported as KEPU_DATA_DIR for subprocesses."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("KEPU_DATA_DIR", str(path))
    return path
