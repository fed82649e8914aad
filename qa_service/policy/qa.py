"""The policy side of the service: graph view + indexes + answerer, rebuilt when the store changes.

Built once at start-up (the encoder is loaded once and shared); `maybe_reload()` is cheap and called
before each answer, so a `kepu ingest plan` in another process shows up without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph import heap
from graph.encoder import vector_cache as embedding_cache
from graph.encoder.factory import get_encoder
from graph.errors import GraphError
from graph.records import PlanRecord
from graph.settings import Settings
from graph.unit_registry import UnitRegistry
from graph.unit_resolver import UnitResolver
from qa_service.policy.answer import PolicyAnswerer, PolicyResult
from qa_service.policy.index import PolicyIndex
from qa_service.policy.params import PolicyParams, load_params
from qa_service.policy.query.engine import QueryEngine
from qa_service.policy.state import TurnState

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 1.0


def load_encoder(settings: Settings):
    """The shared sentence encoder, or None (lexical answers only, a WARNING here and `degraded`
    in /healthz: qa_service/services.py) when the model cannot be loaded."""
    try:
        return get_encoder(settings)
    except (GraphError, OSError) as exc:
        log.warning("sentence encoder unavailable (%s); policy answers use BM25 only", exc)
        return None


@dataclass
class _Built:
    index: PolicyIndex
    answerer: PolicyAnswerer
    resolver: UnitResolver
    engine: QueryEngine | None = None
    built_at: float = field(default_factory=time.time)


class PolicyQA:
    def __init__(self, plans: list[PlanRecord], encoder=None, registry=None, params: PolicyParams | None = None,
                 store=None, embeddings: dict | None = None):
        self.encoder = encoder
        self.registry = registry
        self.params = params or load_params()
        self.store = store
        self.stats: dict = {"load_seconds": 0.0, "build_seconds": 0.0, "reloads": 0}
        self.store_error: str | None = None
        self._lock = threading.Lock()
        self._last_check = time.monotonic()
        self._cache: dict = dict(embeddings or {})  # passage text -> vector, reused across rebuilds
        self._cache_path: Path | None = None
        self.version: str | None = None  # store generation the view was built from
        self._has_generations = True
        self._built = self._build(plans)

    @classmethod
    def from_settings(cls, settings: Settings, encoder=None, store=None, load_model: bool = True,
                      registry=None) -> PolicyQA:
        started = time.perf_counter()
        if encoder is None and load_model:
            encoder = load_encoder(settings)
        model_seconds = time.perf_counter() - started
        registry = registry if registry is not None else UnitRegistry.shared(settings.unit_registry)
        if store is None:
            from graph.store.factory import open_store

            try:
                store = open_store(settings)
            except GraphError as exc:
                log.error("graph store unavailable: %s", exc)
        started = time.perf_counter()
        version = None
        if store is not None:
            try:
                version = store.health().get("generation")
            except GraphError as exc:
                log.error("graph store check failed: %s", exc)
        plans, error = _read_plans(store)
        cache_path = settings.data_dir / "policy" / "embeddings.npz"
        qa = cls(plans, encoder, registry, store=store, embeddings=embedding_cache.load(cache_path, encoder))
        qa._cache_path = cache_path
        embedding_cache.save(cache_path, encoder, qa._cache)
        qa.store_error = error
        qa.version = str(version) if version is not None else None
        qa.stats["load_seconds"] = round(time.perf_counter() - started + model_seconds, 3)
        qa.stats["model_seconds"] = round(model_seconds, 3)
        log.info("policy QA ready: %d plans, %d measures, model %.2fs, graph+index %.2fs",
                 len(plans), len(qa.index.measures), model_seconds, time.perf_counter() - started)
        return qa

    # ------------------------------------------------------------------ state

    @property
    def built(self) -> _Built:
        """The generation answers come from now (replaced whole when the store publishes new plans)."""
        return self._built

    @property
    def index(self) -> PolicyIndex:
        return self._built.index

    @property
    def resolver(self) -> UnitResolver:
        return self._built.resolver

    @property
    def answerer(self) -> PolicyAnswerer:
        return self._built.answerer

    def _build(self, plans: list[PlanRecord]) -> _Built:
        started = time.perf_counter()
        resolver = UnitResolver.build(plans, self.registry, self.params.unit_fuzzy_cutoff)
        index = PolicyIndex(plans, self.encoder, resolver.known() + list(_all_forms(resolver)),
                            embedding_cache=self._cache)
        answerer = PolicyAnswerer(index, resolver, self.params)
        engine = QueryEngine(answerer, self.store)
        self.stats["build_seconds"] = round(time.perf_counter() - started, 3)
        return _Built(index, answerer, resolver, engine)

    def data_version(self) -> str | None:
        """The store's published generation; None when it has none (then no automatic reload)."""
        if self.store is None:
            return None
        try:
            version = self.store.health().get("generation")
        except GraphError as exc:
            self.store_error = str(exc)
            log.error("graph store check failed: %s", exc)
            return None
        return str(version) if version is not None else None

    def maybe_reload(self, force: bool = False) -> bool:
        """Rebuild when the store published new data (another process ran `kepu ingest plan`);
        at most one check per second. Compares generations rather than asking the store whether it
        changed, so any other read that refreshed the store first cannot hide the change."""
        if self.store is None:
            return False
        now = time.monotonic()
        if not force and now - self._last_check < RELOAD_CHECK_SECONDS:
            return False
        self._last_check = now
        version = self.data_version() if self._has_generations else None
        if version is None:
            # Stores without generations (Neo4j) say themselves whether plans changed since read.
            self._has_generations = False
            refresh = getattr(self.store, "refresh_if_changed", None)
            try:
                changed = bool(refresh()) if refresh is not None else False
            except GraphError as exc:
                log.error("graph store check failed: %s", exc)
                changed = False
        else:
            changed = version != self.version
        if not (changed or force):
            return False
        with self._lock:
            if not force and version is not None and version == self.version:
                return False  # another request rebuilt it meanwhile
            plans, error = _read_plans(self.store)
            if error:
                self.store_error = error
                return False
            self._built = self._build(plans)  # swap in one assignment: readers see old or new
            self.version = version
            self.store_error = None
            self.stats["reloads"] += 1
            if self._cache_path is not None:
                embedding_cache.save(self._cache_path, self.encoder, self._cache)
        heap.settle()  # keep the collector off the new generation (graph/heap.py)
        log.info("policy QA reloaded: %d plans, %d measures (generation %s)", len(plans),
                 len(self.index.measures), version)
        return True

    def answer(self, text: str, previous: TurnState | None = None) -> PolicyResult:
        self.maybe_reload()
        built = self._built
        # Questions only the graph answers exactly (and, or, not, how many, which most, by when)
        # run as a typed query on the store; every other question keeps the ranking path.
        result = built.engine.answer(text, previous) if built.engine is not None else None
        return result if result is not None else built.answerer.answer(text, previous)

    def health(self) -> dict:
        store = {"status": "missing"}
        if self.store is not None:
            try:
                store = self.store.health()
            except GraphError as exc:
                store = {"status": "error", "error": str(exc)}
        if self.store_error:
            store = {**store, "status": "error", "error": self.store_error}
        return {
            "plans": [p.id for p in self.index.plans],
            "measures": len(self.index.measures),
            "store": store,
            "model_loaded": self.encoder is not None,
            "mode": self.answerer.mode,
            **self.stats,
        }


def _read_plans(store) -> tuple[list[PlanRecord], str | None]:
    if store is None:
        return [], "graph store not opened"
    try:
        return store.plans(), None
    except GraphError as exc:
        log.error("cannot read plans from the graph store: %s", exc)
        return [], str(exc)


def _all_forms(resolver: UnitResolver) -> list[str]:
    return [form for unit in resolver.known() for form in resolver.aliases(unit)]
