"""The composition root: `build_services(settings)` assembles every part the service answers with,
once, for the app's lifespan, the CLI and the benchmarks alike.

Data flows one way (files -> ingest -> graph -> qa_service); this module is the only place that
knows how the parts fit. A missing or broken optional part (the sentence model, the passage index's
faiss) is a WARNING in the log and a line in `degraded`, shown by /healthz, never a silent downgrade.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from graph.errors import GraphError
from graph.settings import Settings
from graph.unit_registry import UnitRegistry
from qa_service.chat.service import ChatService
from qa_service.chat.session_factory import open_session_store
from qa_service.chat.sessions import SessionStore
from qa_service.policy.qa import PolicyQA, load_encoder
from qa_service.team.services import build_team
from qa_service.web.graph_picture import SvgRenderer
from qa_service.web.plan_source import PagesState, PlanSource
from qa_service.wechat.endpoint import build_endpoint
from qa_service.wechat.handler import DEFAULT_BUDGET_SECONDS

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the routers, the pages, the WeChat endpoint and the CLI answer with."""

    settings: Settings
    policy: PolicyQA
    chat: ChatService
    sessions: SessionStore
    material_index: object | None = None  # graph.search.passage_index.IndexHandle; None: rumour side not loaded
    rumor: object | None = None  # qa_service.rumors.check.RumorChecker
    search: object | None = None  # qa_service.rumors.search.MaterialSearch
    wechat: object | None = None  # qa_service.wechat.endpoint.WeChatEndpoint
    pages: object | None = None  # qa_service.web.plan_source.PagesState
    registry: object | None = None  # graph.unit_registry.UnitRegistry, loaded once
    team: object | None = None  # qa_service.team.services.Team: accounts, answer log, queue, review, pushes
    degraded: dict[str, str] = field(default_factory=dict)  # part -> why (English, for operators)

    @property
    def encoder(self):
        return self.policy.encoder

    def stop_workers(self) -> None:
        """The app is shutting down: background workers (the team's push worker) stop."""
        if self.team is not None:
            self.team.stop()

    def close(self) -> None:
        if self.pages is not None:
            self.pages.plans.close()
        store = self.policy.store
        if store is not None:
            store.close()


def build_services(settings: Settings, *, encoder=None, load_model: bool = True, sessions: SessionStore | None = None,
                   plans: list | None = None, wechat_budget: float = DEFAULT_BUDGET_SECONDS) -> Services:
    """Every part, built once. `plans` answers from those records instead of the graph store
    (`kepu ask --plan`); `load_model=False` answers lexically (tests without the model)."""
    degraded: dict[str, str] = {}
    started = time.perf_counter()
    registry = UnitRegistry.shared(settings.unit_registry)
    if encoder is None and load_model:
        encoder = load_encoder(settings)
        if encoder is None:
            degraded["model"] = f"sentence encoder unavailable at {settings.model_dir}; policy answers use BM25 only"
    if plans is not None:
        policy = PolicyQA(plans, encoder, registry)
    else:
        policy = PolicyQA.from_settings(settings, encoder=encoder, load_model=False, registry=registry)
    handle, checker, search = _rumor_side(settings, encoder, degraded)
    sessions = sessions if sessions is not None else open_session_store(settings)
    chat = ChatService(policy, sessions, checker)
    policy.stats["startup_seconds"] = round(time.perf_counter() - started, 3)
    for part, why in degraded.items():
        log.warning("degraded: %s: %s", part, why)
    log.info("services ready in %.2fs (policy load %.2fs, index build %.2fs)", policy.stats["startup_seconds"],
             policy.stats["load_seconds"], policy.stats["build_seconds"])
    wechat = build_endpoint(settings, chat, wechat_budget)
    return Services(settings=settings, policy=policy, chat=chat, sessions=sessions, material_index=handle,
                    rumor=checker, search=search, wechat=wechat,
                    pages=PagesState(PlanSource(settings, registry, policy), SvgRenderer()), registry=registry,
                    team=build_team(settings, checker, wechat), degraded=degraded)


def _rumor_side(settings: Settings, encoder, degraded: dict[str, str]) -> tuple:
    """The material index handle, the rumour checker and the material search; (None, None, None)
    with a `degraded` line when the passage index's libraries (faiss, bm25s) cannot be imported."""
    try:
        from graph.search.passage_index import IndexHandle, current_generation
        from graph.search.serving import ServingRule
        from qa_service.rumors.check import load_rumor_checker
        from qa_service.rumors.search import MaterialSearch
    except ImportError as exc:
        degraded["rumor_checker"] = f"passage index libraries unavailable ({exc}); answering policy questions only"
        return None, None, None
    handle = IndexHandle(settings.index_dir, rule=ServingRule.from_settings(settings))
    checker = load_rumor_checker(settings, encoder=encoder, handle=handle)
    if current_generation(settings.index_dir) is not None:
        try:
            checker.warm()
        except GraphError as exc:
            log.warning("rumour check not ready at start-up: %s", exc)
    return handle, checker, MaterialSearch(checker)
