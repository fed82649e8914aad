"""Request body caps: 413 with a Chinese message, whether the size is declared or streamed, and the
handler never reads past the cap (256 KiB for /api and pages, 64 KiB for /wechat)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from graph.settings import Settings
from qa_service.app import create_app
from qa_service.http.protections import install_protections
from tests.support.redis_server import free_port

KIB = 1024


def probe_app(tmp_path, sloppy: bool = False) -> tuple[FastAPI, list[int]]:
    """An app whose handlers record how many body bytes they got to read."""
    app = FastAPI()
    seen: list[int] = []

    async def read(request: Request):
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
        except Exception:  # noqa: BLE001 - a handler that swallows errors must not defeat the cap
            if not sloppy:
                raise
            seen.append(size)
            return {"ok": False}
        seen.append(size)
        return {"ok": True, "size": size}

    for path in ("/api/echo", "/wechat", "/materials/admin"):
        app.add_api_route(path, read, methods=["POST"])
    install_protections(app, Settings(data_dir=tmp_path))
    return app, seen


def chunks(total: int, size: int = 16 * KIB):
    sent = 0
    while sent < total:
        step = min(size, total - sent)
        sent += step
        yield b"x" * step


def assert_refused(response, cap_kib: int) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {"detail": f"请求内容过大（上限 {cap_kib} KB）。"}
    assert response.headers["x-content-type-options"] == "nosniff"


def test_declared_oversize_body_is_refused_before_the_handler_runs(tmp_path):
    app, seen = probe_app(tmp_path)
    with TestClient(app) as client:
        assert_refused(client.post("/api/echo", content=b"x" * (300 * KIB)), 256)
        assert_refused(client.post("/materials/admin", content=b"x" * (257 * KIB)), 256)
    assert seen == [], "the handler must not run for a body declared too large"


def test_streamed_oversize_body_is_cut_off_at_the_cap(tmp_path):
    app, seen = probe_app(tmp_path)
    with TestClient(app) as client:
        assert_refused(client.post("/api/echo", content=chunks(1024 * KIB)), 256)
    assert all(size <= 256 * KIB for size in seen), seen


def test_a_handler_that_swallows_the_error_still_answers_413(tmp_path):
    app, seen = probe_app(tmp_path, sloppy=True)
    with TestClient(app) as client:
        assert_refused(client.post("/api/echo", content=chunks(400 * KIB)), 256)
    assert seen and seen[0] <= 256 * KIB


def test_bodies_within_the_cap_pass_untouched(tmp_path):
    app, _ = probe_app(tmp_path)
    with TestClient(app) as client:
        declared = client.post("/api/echo", content=b"x" * (256 * KIB))
        streamed = client.post("/api/echo", content=chunks(200 * KIB))
    assert declared.json() == {"ok": True, "size": 256 * KIB}
    assert streamed.json() == {"ok": True, "size": 200 * KIB}


def test_wechat_cap_is_64_kib(tmp_path):
    app, _ = probe_app(tmp_path)
    with TestClient(app) as client:
        assert client.post("/wechat", content=b"<xml/>" * (60 * KIB // 6)).status_code == 200
        assert_refused(client.post("/wechat", content=b"x" * (65 * KIB)), 64)
        assert_refused(client.post("/wechat", content=chunks(100 * KIB, 4 * KIB)), 64)


def test_invalid_content_length_is_400(tmp_path):
    app, seen = probe_app(tmp_path)
    with TestClient(app) as client:
        response = client.post("/api/echo", content=b"abc", headers={"content-length": "12abc"})
    assert response.status_code == 400 and "Content-Length" in response.json()["detail"] and seen == []


def test_real_app_caps_api_and_wechat(tmp_path):
    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", wechat_token="t", wechat_appid="wx1",
                        wechat_aes_key="k" * 43)
    with TestClient(create_app(settings)) as client:
        big = "谣言" * (100 * KIB)
        assert_refused(client.post("/api/rumor-check", json={"text": big}), 256)
        assert_refused(client.post("/wechat", content=b"<xml>" + b"a" * (70 * KIB) + b"</xml>"), 64)


@pytest.fixture
def live_probe(tmp_path):
    app, seen = probe_app(tmp_path)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", seen
    server.should_exit = True
    thread.join(10)


def test_over_a_real_socket_a_chunked_upload_is_refused_and_the_server_keeps_serving(live_probe):
    url, seen = live_probe
    try:
        response = httpx.post(url + "/api/echo", content=chunks(4096 * KIB), timeout=10)
    except httpx.WriteError:
        response = None  # the server may close the connection before the client is done sending
    if response is not None:
        assert_refused(response, 256)
    assert all(size <= 256 * KIB for size in seen)
    assert httpx.post(url + "/api/echo", content=b"ok", timeout=10).json() == {"ok": True, "size": 2}
