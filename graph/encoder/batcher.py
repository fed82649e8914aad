"""Micro-batching of concurrent uncached queries into one model call.

Under load, requests arrive while both cores are busy embedding; each uncached text used to be one
ONNX call of its own. The batcher queues the texts of every caller; a worker (one per CPU) takes
what is waiting — and, when another worker is busy, waits up to `max_wait` seconds for company —
and embeds it in one call per run of similar lengths (a 100-character clause padded beside a
10-character question would cost the short one ten times its work). A caller alone in a quiet
process never waits: with no other worker busy its text runs at once, and a forwarded message's
clauses are shared with an idle worker, so one message still uses both cores.

Batching is exact on fp32 but not on the int8 export: its activations are quantised with one scale
per call, so a text's vector depends slightly on its batch-mates (cosine >= 0.996 to the text alone,
the same order as int8 against fp32). The service therefore turns it on only when asked
(KEPU_QUERY_BATCH_WAIT_MS > 0, graph/settings.py).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

log = logging.getLogger(__name__)

MAX_BATCH = 16
LENGTH_SPREAD = 1.6  # texts in one call differ in length by at most this factor


def length_runs(texts: list[str], spread: float = LENGTH_SPREAD) -> list[list[int]]:
    """Positions of `texts` grouped into runs of similar length (shortest first)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    runs: list[list[int]] = []
    for i in order:
        if runs and len(texts[i]) <= spread * max(len(texts[runs[-1][0]]), 4):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


class QueryBatcher:
    """Thread workers that embed queued texts in batches; `submit` returns one Future per text."""

    def __init__(
        self,
        run: Callable[[list[str]], np.ndarray],
        workers: int,
        max_wait: float = 0.003,
        max_batch: int = MAX_BATCH,
    ):
        self._run = run
        self._workers = max(1, workers)
        self.max_wait = max_wait
        self.max_batch = max_batch
        self._queue: deque[tuple[str, Future]] = deque()
        self._cond = threading.Condition()
        self._busy = 0
        self.calls = 0  # model calls made
        self.texts = 0  # texts embedded
        for n in range(self._workers):
            threading.Thread(target=self._loop, name=f"query-batcher-{n}", daemon=True).start()

    def submit(self, texts: list[str]) -> list[Future]:
        futures = [Future() for _ in texts]
        with self._cond:
            self._queue.extend(zip(texts, futures, strict=True))
            self._cond.notify(len(texts))
        return futures

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` through the queue and wait for them."""
        return np.stack([f.result() for f in self.submit(texts)])

    def _take(self) -> list[tuple[str, Future]]:
        with self._cond:
            while not self._queue:
                self._cond.wait()
            if self._busy and len(self._queue) < self.max_batch and self.max_wait > 0:
                deadline = time.perf_counter() + self.max_wait
                while len(self._queue) < self.max_batch:
                    left = deadline - time.perf_counter()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if not self._queue:  # another worker took them while this one waited
                    return []
            idle = self._workers - self._busy - 1  # other workers free to share the queue
            take = len(self._queue) if idle <= 0 else math.ceil(len(self._queue) / (idle + 1))
            batch = [self._queue.popleft() for _ in range(min(take, self.max_batch))]
            self._busy += 1
            if self._queue:
                self._cond.notify()
            return batch

    def _loop(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                continue
            try:
                texts = [t for t, _ in batch]
                for positions in length_runs(texts):
                    try:
                        vectors = self._run([texts[i] for i in positions])
                    except BaseException as exc:  # noqa: BLE001 - the callers get it, the worker lives
                        for i in positions:
                            batch[i][1].set_exception(exc)
                        continue
                    self.calls += 1
                    self.texts += len(positions)
                    for i, vector in zip(positions, vectors, strict=True):
                        batch[i][1].set_result(vector)
            finally:
                with self._cond:
                    self._busy -= 1
