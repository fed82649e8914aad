"""Keep Python's cyclic garbage collector off the long-lived data.

A loaded service holds ~550,000 objects that live as long as their generation of the data (graph
view, policy index, passage index, tokenizer dictionaries). A full collection walks all of them,
~270 ms on the 2-core target during which no request is answered: under the load benchmark all 32
clients stalled together every few seconds. `settle()` collects once, then freezes what is left
(gc.freeze: the collector no longer looks at it), so only objects made since are ever walked.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)
_lock = threading.Lock()


def settle() -> None:
    """Call after loading (or replacing) long-lived data. The previous freeze is undone first so
    that a replaced generation's cyclic garbage is collected rather than kept for ever."""
    with _lock:
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        log.debug("heap settled in %.0f ms (%d objects frozen)", (time.perf_counter() - started) * 1000,
                  gc.get_freeze_count())
