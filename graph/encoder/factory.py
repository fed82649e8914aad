"""The process-wide encoder per model folder (apart from the encoder itself, sentence.py)."""

from __future__ import annotations

import threading
from pathlib import Path

from graph.encoder.sentence import Encoder
from graph.settings import Settings

_encoders: dict[Path, Encoder] = {}
_encoders_lock = threading.Lock()


def get_encoder(settings: Settings) -> Encoder:
    """The process-wide encoder for settings.model_dir, loaded on first use (failures are not cached)."""
    key = Path(settings.model_dir).expanduser().resolve()
    with _encoders_lock:
        encoder = _encoders.get(key)
        if encoder is None:
            encoder = _encoders[key] = Encoder(key, cache_size=settings.query_cache_size,
                                               engine=settings.query_engine,
                                               batch_wait=settings.query_batch_wait_ms / 1000 or -1.0)
        return encoder
