"""Bounded, thread-safe LRU caches shared by the encoder and the answering services.

A chatbot's traffic repeats itself: a viral rumour arrives thousands of times in the same words.
`LRUCache` keeps recent values; `GenerationCache` keeps values computed from one generation of the
data (a policy index, a material index) and forgets them all when that generation is replaced, so
an answer is never served from data that is no longer published.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class LRUCache:
    """Least-recently-used mapping of at most `maxsize` entries (0 disables it)."""

    def __init__(self, maxsize: int):
        if maxsize < 0:
            raise ValueError("cache size must be >= 0")
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if not self.maxsize or value is None:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def info(self) -> dict:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "size": len(self._items), "max": self.maxsize}


class GenerationCache(LRUCache):
    """An LRU whose entries belong to one generation of the data, given as a tuple of the objects
    the values were computed from (compared by identity): a new generation empties the cache."""

    def __init__(self, maxsize: int):
        super().__init__(maxsize)
        self._generation: tuple = ()

    def _same(self, generation: tuple) -> bool:
        current = self._generation
        return len(current) == len(generation) and all(a is b for a, b in zip(current, generation, strict=True))

    def lookup(self, generation: tuple, key: Hashable) -> Any | None:
        with self._lock:
            if not self._same(generation):
                self.misses += 1
                return None
        return self.get(key)

    def store(self, generation: tuple, key: Hashable, value: Any) -> None:
        with self._lock:
            if not self._same(generation):
                # Holding the objects themselves (not their ids) keeps an id from being reused by
                # the next generation while this one is remembered.
                self._generation = tuple(generation)
                self._items.clear()
        self.put(key, value)
