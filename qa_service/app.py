"""The FastAPI application: one router per capability, all answering with the one `Services`
that `build_services(settings)` assembles (qa_service/services.py). Routers take their parts as
FastAPI dependencies (qa_service/http/deps.py); the error handlers, rate limits, size caps, CORS
and security headers are the http package's (qa_service/http/protections.py).
"""

from __future__ import annotations

import logging
import sys
from contextlib import asynccontextmanager

from fastapi import FastAPI

from graph import heap
from graph.settings import Settings
from qa_service.http.protections import install_protections
from qa_service.routers import admin, health, materials, pages, policy, team, wechat
from qa_service.services import Services, build_services

log = logging.getLogger(__name__)
GIL_SWITCH_SECONDS = 0.0005

ROUTERS = (health, policy, materials, admin, wechat, pages, team)  # order matters only for the docs page


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app for `settings` (default: the environment); `services` already built, or built here."""
    settings = services.settings if services is not None else (settings or Settings.from_env())
    services = services if services is not None else build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The services live as long as the process (a test may enter the same app several times).
        if services.degraded:
            log.warning("serving degraded: %s", "; ".join(f"{k}: {v}" for k, v in services.degraded.items()))
        yield
        services.stop_workers()  # restarted on demand if the app is entered again

    app = FastAPI(title="kepu 科普问答", version="0.1.0", lifespan=lifespan)
    app.state.services = services
    for module in ROUTERS:
        app.include_router(module.router)
    pages.install(app)
    install_protections(app, settings)  # rate limits, size caps, error handlers, CORS, headers
    heap.settle()  # the loaded data out of the garbage collector's way (graph/heap.py)
    # Requests run on worker threads that hand the GIL to each other (and to the event loop) every
    # switch interval. At Python's default 5 ms, a few threads busy with retrieval made the event
    # loop and quick cached answers wait in turn: under the mixed load benchmark, 0.5 ms cut the
    # requests slower than 300 ms to a third (267 -> 131 at 1 ms, 83 at 0.5 ms), same throughput.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    return app
