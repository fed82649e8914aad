"""Security at the edge: CORS closed unless configured, security headers on every HTML answer and
nosniff on the API, every admin route refusing missing and wrong tokens, and unexpected errors as
a Chinese 500 with a request id and no stack trace."""

from __future__ import annotations

import logging

import pytest
from fastapi import HTTPException
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from graph.settings import Settings
from qa_service.app import create_app

ADMIN_TOKEN = "s3cret-admin-token"
INTERNAL_ERROR = "服务器内部错误，请稍后再试。"


def make_app(tmp_path, **overrides):
    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", admin_token=ADMIN_TOKEN, **overrides)
    return create_app(settings)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)

    @app.get("/api/test-boom")
    def boom():
        raise RuntimeError("db password is hunter2")

    @app.get("/test-boom-page")
    def boom_page():
        raise KeyError("internal detail")

    return app


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def has_no_trace(text: str) -> bool:
    return not any(marker in text for marker in ("Traceback", "File \"", "hunter2", "RuntimeError", "KeyError"))


# --- CORS -----------------------------------------------------------------------------------------
def test_cors_is_closed_by_default(client):
    preflight = client.options("/api/rumor-check", headers={"origin": "https://evil.example",
                                                            "access-control-request-method": "POST"})
    simple = client.get("/openapi.json", headers={"origin": "https://evil.example"})
    for response in (preflight, simple):
        assert "access-control-allow-origin" not in response.headers, "no CORS unless KEPU_CORS_ORIGINS is set"


def test_cors_allows_only_the_configured_origins(tmp_path, monkeypatch):
    monkeypatch.setenv("KEPU_CORS_ORIGINS", "https://kepu.example, https://admin.kepu.example")
    settings = Settings.from_env(tmp_path)
    assert settings.cors_origins == ("https://kepu.example", "https://admin.kepu.example")
    app = create_app(Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", cors_origins=settings.cors_origins))
    with TestClient(app) as client:
        ok = client.options("/api/rumor-check", headers={"origin": "https://kepu.example",
                                                         "access-control-request-method": "POST"})
        evil = client.options("/api/rumor-check", headers={"origin": "https://evil.example",
                                                           "access-control-request-method": "POST"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://kepu.example"
    assert "access-control-allow-credentials" not in ok.headers
    assert evil.headers.get("access-control-allow-origin") != "https://evil.example"


# --- headers ---------------------------------------------------------------------------------------
def all_routes(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route; FastAPI >= 0.16x keeps included routers nested."""
    found = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            found += [(c.path, set(getattr(c.original_route, "methods", ()) or ()))
                      for c in route.effective_route_contexts()]
        elif isinstance(route, APIRoute):
            found.append((route.path, set(route.methods)))
    return found


def page_urls(app) -> list[str]:
    return sorted({path for path, methods in all_routes(app) if "GET" in methods and "{" not in path
                   and not path.startswith(("/api", "/wechat"))})


def test_every_html_answer_carries_the_security_headers(app, client):
    urls = page_urls(app) + ["/no-such-page", "/test-boom-page", "/docs"]
    html_seen = 0
    for url in urls:
        response = client.get(url, headers={"accept": "text/html"})
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        html_seen += 1
        assert response.headers.get("x-content-type-options") == "nosniff", url
        assert response.headers.get("x-frame-options") == "DENY", url
        if not url.startswith("/docs"):
            csp = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"{url}: CSP {csp!r}"
    assert html_seen >= 3, f"expected several HTML pages among {urls}"


def test_api_answers_are_nosniff_including_errors(client):
    for response in (client.get("/openapi.json"), client.get("/api/search", params={"q": "x" * 5000}),
                     client.get("/api/no-such-thing"), client.get("/api/test-boom")):
        assert response.headers.get("x-content-type-options") == "nosniff", response.url
        assert response.headers["content-type"].startswith("application/json"), response.url


# --- admin tokens ----------------------------------------------------------------------------------
def admin_routes(app) -> list[tuple[str, str]]:
    """Every admin operation the OpenAPI schema lists, with path parameters filled in."""
    routes = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith("/api/admin"):
            routes += [(method.upper(), path.replace("{material_id}", "overnight-dishes")) for method in operations]
    return routes


def test_there_are_admin_routes_to_check(app):
    assert len(admin_routes(app)) >= 5, admin_routes(app)


@pytest.mark.parametrize("headers, status, words", [
    ({}, 401, "需要管理口令"),
    ({"x-kepu-token": "wrong-token"}, 403, "管理口令无效"),
    ({"x-kepu-token": ADMIN_TOKEN + "x"}, 403, "管理口令无效"),
    ({"authorization": "Bearer wrong-token"}, 403, "管理口令无效"),
    ({"x-kepu-token": "口令".encode()}, 403, "管理口令无效"),  # non-ASCII bytes in the header
])
def test_every_admin_route_refuses_missing_and_wrong_tokens(app, client, headers, status, words):
    for method, path in admin_routes(app):
        response = client.request(method, path, headers=headers, json={"title": "x", "status": "approved"})
        assert response.status_code == status, f"{method} {path} with {headers}: {response.status_code}"
        assert words in response.json()["detail"], f"{method} {path}: {response.text}"


def test_admin_routes_are_disabled_without_a_configured_token(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", admin_token=""))
    with TestClient(app) as client:
        for method, path in admin_routes(app):
            response = client.request(method, path, headers={"x-kepu-token": ""}, json={})
            assert response.status_code == 503 and "管理功能未启用" in response.json()["detail"], f"{method} {path}"


def test_the_right_token_is_accepted(client):
    response = client.get("/api/admin/audit", headers={"x-kepu-token": ADMIN_TOKEN})
    assert response.status_code == 200, "the token checks must let the real token through"


def test_page_sign_in_with_a_wrong_token_sets_no_admin_cookie(client):
    response = client.post("/materials/admin", data={"token": "guess"}, follow_redirects=False)
    assert response.status_code == 303 and "admin=invalid" in response.headers["location"]
    assert "kepu_admin" not in response.headers.get("set-cookie", "")


# --- errors ----------------------------------------------------------------------------------------
def test_unexpected_error_is_a_chinese_500_with_request_id_and_no_trace(client, caplog):
    caplog.set_level(logging.ERROR, "qa_service.http.errors")
    response = client.get("/api/test-boom")
    assert response.status_code == 500
    assert response.json() == {"detail": INTERNAL_ERROR}
    assert has_no_trace(response.text)
    request_id = response.headers["x-request-id"]
    records = [r for r in caplog.records if request_id in r.getMessage()]
    assert records, "the log must name the request id the client saw"
    assert "RuntimeError" in records[0].getMessage() and "/api/test-boom" in records[0].getMessage()
    assert records[0].exc_info is not None, "the stack trace belongs in the log"


def test_a_page_error_is_a_chinese_html_500(client):
    response = client.get("/test-boom-page", headers={"accept": "text/html"})
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert INTERNAL_ERROR in response.text and has_no_trace(response.text)


def test_a_failure_inside_a_real_router_is_contained(app, client, monkeypatch):
    class Broken:
        def search(self, *args, **kwargs):
            raise RuntimeError("index exploded")

        def check(self, *args, **kwargs):
            raise MemoryError("out of memory")

    monkeypatch.setattr(app.state.services, "search", Broken())
    monkeypatch.setattr(app.state.services, "rumor", Broken())
    for response in (client.get("/api/search", params={"q": "疫苗"}),
                     client.post("/api/rumor-check", json={"text": "隔夜菜会致癌吗"})):
        assert response.status_code == 500 and response.json() == {"detail": INTERNAL_ERROR}
        assert "exploded" not in response.text and "memory" not in response.text


def test_request_id_from_the_client_is_kept_only_when_harmless(client):
    assert client.get("/openapi.json", headers={"x-request-id": "abc12345-trace"}).headers["x-request-id"] == \
        "abc12345-trace"
    echoed = client.get("/openapi.json", headers={"x-request-id": "<script>alert(1)</script>"}).headers["x-request-id"]
    assert "<" not in echoed and len(echoed) == 16


def test_unknown_urls_and_methods_get_chinese_messages(app, client):
    @app.get("/api/test-teapot")
    def teapot():
        raise HTTPException(418, "我是茶壶")

    assert client.get("/api/no-such-thing").json() == {"detail": "未找到请求的页面或接口。"}
    assert client.delete("/openapi.json").json() == {"detail": "不支持该请求方法。"}
    assert client.get("/api/test-teapot").json() == {"detail": "我是茶壶"}, "the app's own messages pass unchanged"
