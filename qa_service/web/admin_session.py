"""The admin sign-in of the material pages.

The token is entered once on /materials. The server keeps a cookie holding an HMAC of the token
(never the token itself; HttpOnly, SameSite=Strict), which only lets the pages *show* drafts and
retired material. Changing anything goes through the admin API, which wants the token in the
`X-Kepu-Token` header: the page's script keeps the token in sessionStorage and sends it with each
fetch, so no cookie alone can change data (no CSRF surface).
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from fastapi.responses import Response

from qa_service.http.admin_guard import is_admin
from qa_service.http.deps import get_settings

ADMIN_COOKIE = "kepu_admin"
_PURPOSE = b"kepu-pages-admin-v1"
ADMIN_MAX_AGE = 8 * 3600


def _cookie_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), _PURPOSE, hashlib.sha256).hexdigest()


def admin_configured(request: Request) -> bool:
    return bool(get_settings(request).admin_token)


def token_matches(request: Request, given: str) -> bool:
    token = get_settings(request).admin_token
    return bool(token and given) and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def page_admin(request: Request) -> bool:
    """True when the visitor signed in on the pages (cookie) or sends the admin header."""
    token = get_settings(request).admin_token
    if not token:
        return False
    cookie = request.cookies.get(ADMIN_COOKIE, "")
    if cookie and hmac.compare_digest(cookie.encode("ascii", "replace"), _cookie_value(token).encode("ascii")):
        return True
    return is_admin(request)


def sign_in(response: Response, request: Request) -> None:
    response.set_cookie(ADMIN_COOKIE, _cookie_value(get_settings(request).admin_token), max_age=ADMIN_MAX_AGE,
                        httponly=True, samesite="strict", path="/")


def sign_out(response: Response) -> None:
    response.delete_cookie(ADMIN_COOKIE, path="/", httponly=True, samesite="strict")
