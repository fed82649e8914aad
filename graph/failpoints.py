"""Named points where a test can make a writer die, to prove a crash there loses nothing.

With KEPU_FAULT_INJECT=<name>[,<name>...] in the environment the process sends itself SIGKILL
when it reaches one of the named points, exactly as `kill -9` would at that moment: no cleanup,
no finally blocks, no flushing. Unset (always, outside tests) a point costs one dict lookup.

    graph-building         oxigraph: the new generation is half written
    graph-before-publish   oxigraph: the new generation is complete, CURRENT not yet renamed
    graph-after-publish    oxigraph: CURRENT renamed, old generations not yet collected
    index-embedded         passage index: vectors computed, nothing written yet
    index-before-publish   passage index: generation written, pointer not yet renamed
    index-after-publish    passage index: pointer renamed, nothing reported yet
"""

from __future__ import annotations

import os
import signal

ENV = "KEPU_FAULT_INJECT"


def failpoint(name: str) -> None:
    wanted = os.environ.get(ENV)
    if wanted and name in wanted.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
