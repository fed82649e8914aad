"""Where the pages read plans from: the chat service's graph view when it is loaded, else the store.

The chat service already follows re-ingests (it re-reads the store when a new generation is
published); sharing its records keeps the pages and the answers on the same graph. Without it the
pages open the store themselves and re-read it at most once a second.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from graph.records import PlanRecord
from graph.settings import Settings
from qa_service.web.catalog import Catalog
from qa_service.web.graph_picture import SvgRenderer

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 1.0


class PlanSource:
    def __init__(self, settings: Settings, registry=None, policy=None):
        self.settings = settings
        self.registry = registry
        self.policy = policy  # the policy QA's graph view, when the service has one
        self._store = None
        self._plans: list[PlanRecord] | None = None
        self._checked = 0.0
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()

    def plans(self) -> list[PlanRecord]:
        """Raises GraphError (with a Chinese user_message) when no store can be read."""
        policy = self.policy
        if policy is not None and getattr(policy, "store", None) is not None:
            policy.maybe_reload()
            return list(policy.index.plans)
        return self._own_plans()

    def catalog(self) -> Catalog:
        plans = self.plans()
        with self._lock:
            cached = self._catalog
            if cached is not None and len(cached.plans) == len(plans) and all(
                    a is b for a, b in zip(cached.plans, plans, strict=True)):
                return cached
            self._catalog = Catalog(plans, self.registry)
            return self._catalog

    def _own_plans(self) -> list[PlanRecord]:
        with self._lock:
            now = time.monotonic()
            if self._plans is not None and now - self._checked < RELOAD_CHECK_SECONDS:
                return self._plans
            if self._store is None:
                from graph.store.factory import open_store

                self._store = open_store(self.settings)
            refresh = getattr(self._store, "refresh_if_changed", None)
            changed = bool(refresh()) if refresh is not None else True
            if self._plans is None or changed:
                self._plans = self._store.plans()
            self._checked = now
            return self._plans

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@dataclass
class PagesState:
    plans: PlanSource
    svg: SvgRenderer
