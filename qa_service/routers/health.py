"""GET /healthz: is the service up, what is loaded, and can the store be read."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from qa_service.http.deps import ServicesDep

router = APIRouter(tags=["运行状态"])


@router.get("/healthz")
async def healthz(services: ServicesDep):
    """`degraded` lists the optional parts that are missing or broken (the model, the rumour side)."""
    chat = services.chat
    policy = chat.policy
    await run_in_threadpool(policy.maybe_reload)
    info = await run_in_threadpool(policy.health)
    store_ok = info["store"].get("status") == "ok"
    ok = store_ok and info["plans"] and info["model_loaded"] and not services.degraded
    return {
        "status": "ok" if ok else "degraded",
        "degraded": dict(services.degraded),
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
