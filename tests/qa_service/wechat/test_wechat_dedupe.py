"""qa_service/wechat/dedupe.py, in-process store (the Redis one: test_wechat_redis.py)."""

from __future__ import annotations

import asyncio

import pytest

from qa_service.wechat.dedupe import PASSIVE, PUSH, MemoryDedupeStore


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(coro):
    return asyncio.run(coro)


def test_first_claim_wins_and_the_reply_is_shared():
    store = MemoryDedupeStore()

    async def scenario():
        assert await store.claim("k") is True
        assert await store.claim("k") is False, "a retry must not redo the work"
        assert await store.get_reply("k") is None, "in progress: no reply yet"
        await store.put_reply("k", "答案")
        assert await store.get_reply("k") == "答案"
        assert await store.get_reply("other") is None

    run(scenario())


def test_delivery_is_decided_once():
    store = MemoryDedupeStore()

    async def scenario():
        assert await store.claim_delivery("k", PUSH) == PUSH
        assert await store.claim_delivery("k", PASSIVE) == PUSH

    run(scenario())


def test_keys_expire_after_ttl():
    clock = Clock()
    store = MemoryDedupeStore(ttl=10, clock=clock)

    async def scenario():
        await store.claim("k")
        await store.put_reply("k", "x")
        clock.now = 11
        assert await store.get_reply("k") is None
        assert await store.claim("k") is True

    run(scenario())


def test_store_is_bounded():
    store = MemoryDedupeStore(max_entries=100)

    async def scenario():
        for i in range(1000):
            await store.claim(f"k{i}")
        assert len(store) == 100
        assert await store.claim("k999") is False, "the newest keys are kept"
        assert await store.claim("k0") is True, "the oldest keys go first"

    run(scenario())


def test_invalid_limits_are_refused():
    with pytest.raises(ValueError):
        MemoryDedupeStore(ttl=0)
