"""Everything that stands between the internet and the routers, installed by one call in create_app.

From the outside in, every HTTP request passes:

    SecurityHeadersMiddleware   CSP, nosniff, frame and referrer policy on every response, errors too
    CORSMiddleware              only when KEPU_CORS_ORIGINS lists origins; otherwise same-origin only
    RequestContextMiddleware    request id; any unexpected exception -> 500, Chinese, no trace
    RateLimitMiddleware         per client IP (KEPU_RATE_LIMIT_PER_MINUTE), 429 + Retry-After
    BodySizeLimitMiddleware     413 over KEPU_MAX_BODY_BYTES (/wechat: KEPU_WECHAT_MAX_BODY_BYTES)

The WeChat endpoint is also limited per user in its handler (KEPU_WECHAT_RATE_LIMIT_PER_MINUTE).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from graph.settings import Settings
from qa_service.http.errors import RequestContextMiddleware, install_exception_handlers
from qa_service.http.limits import BodySizeLimitMiddleware
from qa_service.http.rate_limit import RateLimiter, RateLimitMiddleware
from qa_service.http.security_headers import SecurityHeadersMiddleware

CORS_METHODS = ["GET", "POST", "PUT"]
CORS_HEADERS = ["Content-Type", "Authorization", "X-Kepu-Token", "X-Kepu-User", "X-Request-ID"]


def install_protections(app: FastAPI, settings: Settings) -> None:
    """Call once, after the routers are set up (Starlette puts the last middleware added outermost)."""
    install_exception_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, limit=settings.max_body_bytes,
                       wechat_limit=settings.wechat_max_body_bytes)
    limiter = RateLimiter.from_settings(settings, "ip", settings.rate_limit_per_minute)
    app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=CORS_METHODS,
                           allow_headers=CORS_HEADERS, expose_headers=["Retry-After", "X-Request-ID"],
                           allow_credentials=False, max_age=600)
    # The pages router may have added the security headers already, inside the layers above;
    # move them outermost so 413, 429 and 500 answers carry them too.
    app.user_middleware[:] = [m for m in app.user_middleware if m.cls is not SecurityHeadersMiddleware]
    app.add_middleware(SecurityHeadersMiddleware)
