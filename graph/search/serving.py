"""Which vetted material the public is served today.

Approved material carries a `review_by` date. Once `review_by` plus the grace period (setting
`review_grace_days`) has passed, the material is *withdrawn*: the public side (rumour check,
search, chat, WeChat, the material pages) stops serving it until a reviewer approves it again,
which stamps a new `review_by`. Nothing is written for this: the rule is applied where a loaded
index generation is read, once per day, so a long-running server withdraws overdue material at
midnight by itself and the answer path stays read-only. Staff still see withdrawn material (no
status filter, or the search's "all").
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import faiss
import numpy as np

from graph.search.material_store import MaterialRecord

WITHDRAWN = "withdrawn"  # the serving status of approved material past review_by + grace
DEFAULT_GRACE_DAYS = 30


def withdrawn_on(record: MaterialRecord, today: dt.date, grace_days: int) -> bool:
    """Approved material whose review_by date plus the grace period lies before `today`."""
    if record.status != "approved" or not record.review_by:
        return False
    try:
        day = dt.date.fromisoformat(record.review_by)
    except ValueError:
        return False  # the loader rejects bad dates; an index written before that keeps serving
    return day + dt.timedelta(days=grace_days) < today


@dataclass(frozen=True)
class ServingRule:
    """The grace period and the clock (injectable for tests) the public side goes by."""

    grace_days: int = DEFAULT_GRACE_DAYS
    today: Callable[[], dt.date] = field(default=dt.date.today, compare=False)

    @classmethod
    def from_settings(cls, settings) -> ServingRule:
        return cls(grace_days=settings.review_grace_days)

    def withdrawn(self, record: MaterialRecord, today: dt.date | None = None) -> bool:
        return withdrawn_on(record, today or self.today(), self.grace_days)


class ServingView:
    """One index generation as served on one day: each material's serving status and the entry
    masks (with their faiss selectors) for status filters. One object per generation and day, so
    caches keyed by its identity empty when material is withdrawn."""

    def __init__(
        self,
        day: dt.date,
        materials: list[MaterialRecord],
        entry_material: np.ndarray,
        grace_days: int,
        hnsw: bool,
    ):
        self.day = day
        self.withdrawn = frozenset(m.id for m in materials if withdrawn_on(m, day, grace_days))
        self._status = {m.id: WITHDRAWN if m.id in self.withdrawn else m.status for m in materials}
        by_ordinal = np.array([self._status[m.id] for m in materials] or [""], dtype=object)
        self._entry_status = by_ordinal[entry_material] if len(entry_material) else np.zeros(0, object)
        self._hnsw = hnsw
        self._masks: dict[frozenset[str], tuple[np.ndarray | None, object]] = {}
        self._lock = threading.Lock()

    def status(self, record: MaterialRecord) -> str:
        """approved | draft | retired as in the file, or WITHDRAWN."""
        return self._status.get(record.id, record.status)

    def public(self, record: MaterialRecord | None) -> bool:
        return record is not None and self.status(record) == "approved"

    def mask(self, statuses: frozenset[str] | None) -> tuple[np.ndarray | None, object]:
        """Boolean entry mask and faiss search parameters for materials in `statuses` (None: all)."""
        if statuses is None:
            return None, None
        with self._lock:
            if statuses not in self._masks:
                mask = np.isin(self._entry_status, list(statuses))
                if mask.all():
                    self._masks[statuses] = (None, None)
                else:
                    ids = np.flatnonzero(mask).astype(np.int64)
                    selector = faiss.IDSelectorBatch(ids)
                    params = (
                        faiss.SearchParametersHNSW(sel=selector, efSearch=96)
                        if self._hnsw
                        else faiss.SearchParameters(sel=selector)
                    )
                    params._keep = (ids, selector)  # the selector reads these arrays; keep them alive
                    self._masks[statuses] = (mask, params)
            return self._masks[statuses]
