"""Security headers on every response: a strict Content-Security-Policy and friends.

Pages keep all JavaScript in /static, so the policy allows no inline script at all; material and
question text is escaped by the templates, and the policy is the second line of defence should an
escape ever be missed. FastAPI's own /docs and /redoc load their assets from a CDN with inline
script, so they keep working without the CSP (they show no user or material text).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
BASE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
CSP_EXEMPT_PREFIXES = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no response buffering); a header the app set itself is kept."""

    def __init__(self, app: ASGIApp, csp: str = CONTENT_SECURITY_POLICY):
        self.app = app
        self.csp = csp.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(BASE_HEADERS)
        if not scope.get("path", "").startswith(CSP_EXEMPT_PREFIXES):
            extra.append((b"content-security-policy", self.csp))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
