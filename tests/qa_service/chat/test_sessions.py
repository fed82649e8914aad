"""Conversation state: expiry after 30 idle minutes, bounded number of sessions, JSON only."""

from __future__ import annotations

import pytest

from qa_service.chat.sessions import FileSessionStore, InMemorySessionStore


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_put_get_delete_round_trip():
    store = InMemorySessionStore()
    store.put("user-1", {"intent": "resp", "measure_ids": ["p/2/3/3"], "focus_unit": "区委宣传部"})
    assert store.get("user-1") == {"intent": "resp", "measure_ids": ["p/2/3/3"], "focus_unit": "区委宣传部"}
    store.delete("user-1")
    assert store.get("user-1") is None, "a forgotten conversation must not come back"
    store.delete("never-there")  # deleting an unknown session is not an error


def test_session_expires_after_idle_time_but_not_while_used():
    clock = Clock()
    store = InMemorySessionStore(ttl=1800, clock=clock)
    store.put("s", {"intent": "lead"})
    clock.now += 1700
    assert store.get("s") == {"intent": "lead"}, "used within 30 minutes: still there"
    clock.now += 1700  # 1700 s after the last use
    assert store.get("s") is not None, "each use restarts the idle timer"
    clock.now += 1801
    assert store.get("s") is None, "after 30 idle minutes the follow-up context is gone"


def test_number_of_sessions_is_bounded_least_recently_used_first():
    clock = Clock()
    store = InMemorySessionStore(max_sessions=3, clock=clock)
    for name in ("a", "b", "c"):
        store.put(name, {"n": name})
        clock.now += 1
    store.get("a")  # a is now the most recently used
    store.put("d", {"n": "d"})
    assert len(store) == 3
    assert store.get("b") is None, "the least recently used session is dropped first"
    assert {store.get(k)["n"] for k in ("a", "c", "d")} == {"a", "c", "d"}


def test_state_must_be_json_serialisable():
    store = InMemorySessionStore()
    with pytest.raises(TypeError):
        store.put("s", {"measure": object()})
    state = {"intent": "reverse", "unit": "区科协"}
    store.put("s", state)
    state["unit"] = "changed"
    assert store.get("s")["unit"] == "区科协", "the store keeps a copy, not the caller's dict"


def test_invalid_limits_are_rejected():
    with pytest.raises(ValueError):
        InMemorySessionStore(ttl=0)
    with pytest.raises(ValueError):
        InMemorySessionStore(max_sessions=0)


def test_file_store_spans_processes_and_refuses_path_tricks(tmp_path):
    store = FileSessionStore(tmp_path / "sessions")
    store.put("cli-1", {"intent": "resp", "measure_ids": ["p/1"]})
    again = FileSessionStore(tmp_path / "sessions")  # a later `kepu ask --session cli-1`
    assert again.get("cli-1") == {"intent": "resp", "measure_ids": ["p/1"]}
    again.delete("cli-1")
    assert store.get("cli-1") is None
    with pytest.raises(ValueError):
        store.put("../escape", {})


def test_file_store_expires_old_sessions(tmp_path):
    store = FileSessionStore(tmp_path, ttl=0.0)
    store.put("old", {"intent": "lead"})
    assert store.get("old") is None
    assert not (tmp_path / "old.json").exists()
