"""GET /healthz: is the service up, what is loaded, and can the store be read."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from graph.settings import Settings

router = APIRouter(tags=["运行状态"])


def setup(app: FastAPI, settings: Settings) -> None:
    """Nothing to load: the policy router puts the chat service on app.state.chat."""


@router.get("/healthz")
async def healthz(request: Request):
    chat = getattr(request.app.state, "chat", None)
    if chat is None:
        return JSONResponse({"status": "starting", "detail": "问答服务尚未就绪。"}, status_code=503)
    policy = chat.policy
    await run_in_threadpool(policy.maybe_reload)
    info = await run_in_threadpool(policy.health)
    store_ok = info["store"].get("status") == "ok"
    status = "ok" if store_ok and info["plans"] and info["model_loaded"] else "degraded"
    return {
        "status": status,
        "plans_loaded": len(info["plans"]),
        "plans": info["plans"],
        "measures": info["measures"],
        "store": info["store"],
        "model_loaded": info["model_loaded"],
        "answer_mode": info["mode"],
        "rumor_checker": chat.rumor is not None,
        "startup": {k: info.get(k) for k in ("load_seconds", "model_seconds", "build_seconds",
                                             "startup_seconds", "reloads")},
        "caches": _cache_stats(chat),
    }


def _cache_stats(chat) -> dict:
    """Hits and misses of the query-vector cache and of the answer cache (for operators tuning
    KEPU_QUERY_CACHE_SIZE)."""
    stats = {"answers": chat.cache_info()}
    encoder = chat.policy.encoder
    if encoder is not None and hasattr(encoder, "cache_info"):
        stats["query_vectors"] = {**encoder.cache_info(), "engine": getattr(encoder, "engine", "")}
    return stats
