"""The FastAPI application: one router per capability, each optional module registering itself.

A router module exposes `router` (an APIRouter) and may expose `setup(app, settings)`, called
once at creation to load what it needs (graph view, indexes, encoder) onto `app.state`.
"""

from __future__ import annotations

import importlib
import logging

from fastapi import FastAPI

from graph import heap
from graph.settings import Settings
from qa_service.protections import install_protections

log = logging.getLogger(__name__)

# Order matters only for the docs page.
ROUTER_MODULES = (
    "qa_service.routers.health",
    "qa_service.routers.policy",
    "qa_service.routers.materials",
    "qa_service.routers.admin",
    "qa_service.routers.wechat",
    "qa_service.routers.pages",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="kepu 科普问答", version="0.1.0")
    app.state.settings = settings
    for name in ROUTER_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # capability not built in this checkout
            raise
        if hasattr(module, "setup"):
            module.setup(app, settings)
        app.include_router(module.router)
    install_protections(app, settings)  # rate limits, size caps, error handlers, CORS, headers
    heap.settle()  # the loaded data out of the garbage collector's way (graph/heap.py)
    return app
