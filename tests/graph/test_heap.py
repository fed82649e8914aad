import gc
import weakref

from graph import heap


class _Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_settle_freezes_live_objects_and_frees_replaced_cycles():
    try:
        node = _Node()
        gone = weakref.ref(node)
        heap.settle()
        assert gc.get_freeze_count() > 0
        assert gone() is node  # still referenced: frozen, not collected
        del node  # a replaced generation: unreachable, but frozen objects are never collected...
        gc.collect()
        assert gone() is not None
        heap.settle()  # ...until the next settle unfreezes and collects first
        assert gone() is None
    finally:
        gc.unfreeze()
