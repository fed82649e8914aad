"""The query batcher: concurrent texts share model calls, each caller gets its own vector back."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from graph.encoder.batcher import QueryBatcher, length_runs


class SlowModel:
    """Stands in for the ONNX call: a fixed cost per call, a vector that encodes the text."""

    def __init__(self, seconds: float = 0.02):
        self.seconds = seconds
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self.lock:
            self.calls.append(list(texts))
        time.sleep(self.seconds)
        if any(t == "boom" for t in texts):
            raise RuntimeError("model failed")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_length_runs_keep_similar_lengths_together():
    texts = ["短", "一句话", "两句话呢", "x" * 100, "y" * 120]
    runs = length_runs(texts)
    assert sorted(i for run in runs for i in run) == list(range(5))
    long_run = next(run for run in runs if 3 in run)
    assert 4 in long_run and 0 not in long_run


def test_each_caller_gets_its_own_vector():
    model = SlowModel()
    batcher = QueryBatcher(model, workers=2, max_wait=0.005)
    texts = [f"问题{i}" + "啊" * (i % 3) for i in range(40)]
    out: dict[str, np.ndarray] = {}

    def ask(text: str) -> None:
        out[text] = batcher.encode([text])[0]

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for text in texts:
        assert out[text].tolist() == [len(text), ord(text[0])]
    # 40 concurrent texts on 2 workers: far fewer calls than texts
    assert batcher.texts == 40
    assert batcher.calls < 20


def test_a_lone_text_does_not_wait():
    model = SlowModel(seconds=0.0)
    batcher = QueryBatcher(model, workers=2, max_wait=0.5)
    started = time.perf_counter()
    batcher.encode(["隔夜菜会致癌吗"])
    assert time.perf_counter() - started < 0.2


def test_a_failing_call_reaches_its_callers_and_the_worker_survives():
    batcher = QueryBatcher(SlowModel(seconds=0.0), workers=1)
    with pytest.raises(RuntimeError):
        batcher.encode(["boom"])
    assert batcher.encode(["还活着"])[0].tolist() == [3, ord("还")]
