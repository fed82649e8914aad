"""A small app with the material, admin and team routers over the fixture material (fake encoder),
on both database backends, with one member per role and an API token each."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.corpus_indexer import build_index
from qa_service.routers import admin, materials, team
from qa_service.rumors import check as rumor_check
from qa_service.services import build_services
from qa_service.team.accounts import Accounts
from qa_service.team.roles import ROLES
from tests.material_fakes import FakeEncoder, good_materials, lexical_calibration

BOOT_TOKEN = "boot-token-123"


@dataclass
class Member:
    name: str
    role: str
    code: str
    token: str

    @property
    def headers(self) -> dict:
        return {"X-Kepu-Token": self.token}


def team_app(settings, extra_routers=(), chat=None) -> FastAPI:
    """The material, admin and team routers (plus `extra_routers`) over the real services without
    the model; `chat` stands in for the chat service (API, pages and the WeChat handler)."""
    services = build_services(settings, load_model=False)
    if chat is not None:
        services.chat = chat
        services.wechat.handler.chat = chat
    @asynccontextmanager
    async def lifespan(app):
        yield
        services.stop_workers()  # as the real app does (qa_service/app.py)

    app = FastAPI(lifespan=lifespan)
    app.state.services = services
    for router in (materials.router, admin.router, team.router, *extra_routers):
        app.include_router(router)
    return app


@pytest.fixture
def settings(db_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    monkeypatch.setattr(rumor_check, "load_calibration", lexical_calibration)
    settings = replace(db_settings, admin_token=BOOT_TOKEN)
    build_index(settings, FakeEncoder(), good_materials(tmp_path / "corpus"))
    return settings


@pytest.fixture
def client(settings):
    with TestClient(team_app(settings)) as c:
        yield c


@pytest.fixture
def members(settings, database) -> dict[str, Member]:
    """One member per role, named after it (查看员, 编辑员, 审核员, 管理员)."""
    accounts = Accounts(database)
    out = {}
    for role, name in zip(ROLES, ("查看员", "编辑员", "审核员", "管理员"), strict=True):
        code = accounts.add(name, role, "test")
        out[role] = Member(name, role, code, accounts.create_token(name, "test", "test"))
    return out


def sign_in(client: TestClient, name: str, password: str) -> str:
    """Log in through the form as a browser would; returns the session's CSRF token (from a page)."""
    page = client.get("/team/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    response = client.post(
        "/team/login",
        data={"name": name, "password": password, "csrf": csrf, "next": "/team"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response
