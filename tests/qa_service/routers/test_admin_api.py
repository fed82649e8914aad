"""Admin API: token handling, curated edits written as files, audit log, visibility by status."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.settings import Settings
from ingest.corpus_indexer import build_index
from qa_service.routers import admin, materials
from qa_service.rumors import check as rumor_check
from qa_service.services import build_services
from tests.material_fakes import FakeEncoder, good_materials, lexical_calibration

TOKEN = "s3cret-token"
# Header values travel as bytes: the editor's name percent-encoded (or as raw UTF-8, tested below).
AUTH = {"X-Kepu-Token": TOKEN, "X-Kepu-User": "%E6%9D%8E%E7%BC%96%E8%BE%91"}  # 李编辑

NEW_MATERIAL = {
    "id": "vinegar-vessels",
    "title": "喝醋能软化血管吗？",
    "claims": ["每天喝醋能软化血管"],
    "verdict": "谣言",
    "summary": "醋进入人体后很快被中和，不能软化血管；血管硬化要靠控制血压、血脂和戒烟。",
    "topics": ["饮食健康"],
    "audience": ["老年人"],
    "source": "中国营养学会《中国居民膳食指南（2022）》",
    "body": "醋的主要成分是醋酸，进入消化道后会被中和吸收，不会改变血管壁。",
}


def _app(settings: Settings) -> TestClient:
    app = FastAPI()
    app.state.services = build_services(settings, load_model=False)
    app.include_router(materials.router)
    app.include_router(admin.router)
    return TestClient(app)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    monkeypatch.setattr(rumor_check, "load_calibration", lexical_calibration)
    settings = Settings(data_dir=tmp_path / "data", admin_token=TOKEN)
    build_index(settings, FakeEncoder(), good_materials(tmp_path / "corpus"))
    return settings


@pytest.fixture
def client(settings):
    return _app(settings)


def _check(client, text):
    return client.post("/api/rumor-check", json={"text": text}).json()


def test_admin_is_disabled_without_a_configured_token(settings):
    client = _app(replace(settings, admin_token=""))
    response = client.get("/api/admin/materials", headers=AUTH)
    assert response.status_code == 503
    assert "KEPU_ADMIN_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"X-Kepu-Token": "wrong"}, 403),
    ({"Authorization": "Bearer wrong"}, 403),
    ({"Authorization": f"Bearer {TOKEN}"}, 200),
])
def test_token_is_required_and_checked(client, headers, status):
    response = client.get("/api/admin/materials", headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.json()["detail"].startswith(("需要管理口令", "管理口令无效"))


def test_created_draft_is_written_audited_and_hidden_from_the_public(client, settings):
    response = client.post("/api/admin/materials", json=NEW_MATERIAL, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["material"]["status"] == "draft", "new material starts as a draft"

    path = settings.materials_dir / "vinegar-vessels.md"
    assert path.is_file() and "每天喝醋能软化血管" in path.read_text("utf-8")
    entry = [json.loads(line) for line in (settings.data_dir / "logs" / "material_audit.jsonl").open()][-1]
    assert (entry["who"], entry["action"], entry["material"], entry["before"]) == ("李编辑", "create",
                                                                                  "vinegar-vessels", None)
    assert entry["after"] == hashlib.sha256(path.read_text("utf-8").encode()).hexdigest()

    assert "vinegar-vessels" not in {m["id"] for m in _check(client, "每天喝醋能软化血管吗")["materials"]}
    assert client.get("/api/materials/vinegar-vessels").status_code == 404
    assert client.get("/api/materials/vinegar-vessels", headers=AUTH).status_code == 200, "drafts visible with token"
    drafts = client.get("/api/admin/materials", headers=AUTH).json()["materials"]
    assert {m["id"] for m in drafts} == {"msg-draft", "vinegar-vessels"}


def test_approving_publishes_and_retiring_withdraws(client, settings):
    client.post("/api/admin/materials", json=NEW_MATERIAL, headers=AUTH)

    approved = client.post("/api/admin/materials/vinegar-vessels/status", json={"status": "approved"}, headers=AUTH)
    assert approved.status_code == 200, approved.text
    assert approved.json()["material"]["reviewed_by"] == "李编辑", "the approver is recorded as reviewer"
    stamped = approved.json()["material"]
    reviewed = dt.date.fromisoformat(stamped["reviewed_at"])
    assert dt.date.fromisoformat(stamped["review_by"]) == reviewed + dt.timedelta(days=365), "next review in a year"
    result = _check(client, "每天喝醋能软化血管吗")
    assert result["matched"] and result["materials"][0]["id"] == "vinegar-vessels"
    assert result["reply"].endswith("（依据：中国营养学会《中国居民膳食指南（2022）》）")

    retired = client.post("/api/admin/materials/vinegar-vessels/status", json={"status": "retired"}, headers=AUTH)
    assert retired.status_code == 200
    assert "vinegar-vessels" not in {m["id"] for m in _check(client, "每天喝醋能软化血管吗")["materials"]}
    assert client.get("/api/materials/vinegar-vessels", headers=AUTH).status_code == 404, "retired: never public"
    actions = [e["action"] for e in client.get("/api/admin/audit", headers=AUTH).json()["entries"]]
    assert actions == ["status", "status", "create"]


def test_approval_needs_a_source_document_and_valid_review_dates(client):
    no_document = {**NEW_MATERIAL, "id": "no-document", "source": "中国营养学会"}
    assert client.post("/api/admin/materials", json=no_document, headers=AUTH).status_code == 201, "a draft may lack it"
    refused = client.post("/api/admin/materials/no-document/status", json={"status": "approved"}, headers=AUTH)
    assert refused.status_code == 422
    assert "source" in refused.json()["detail"] and "《》" in refused.json()["detail"]

    bad_date = client.put("/api/admin/materials/garlic-virus", headers=AUTH, json={"review_by": "明年"})
    assert bad_date.status_code == 422 and "review_by" in bad_date.json()["detail"]


def test_update_of_bundled_material_is_saved_as_curated_copy(client, settings):
    response = client.put("/api/admin/materials/garlic-virus", headers=AUTH,
                          json={"summary": "没有证据表明吃大蒜能杀死新冠病毒，请以卫生部门的防护建议为准。"})
    assert response.status_code == 200, response.text

    assert (settings.materials_dir / "garlic-virus.md").is_file()
    result = _check(client, "吃大蒜可以杀死新冠病毒吗")
    assert "请以卫生部门的防护建议为准" in result["reply"]
    entry = client.get("/api/admin/audit", headers=AUTH, params={"material": "garlic-virus"}).json()["entries"][0]
    assert entry["before"] and entry["after"] and entry["before"] != entry["after"]
    assert entry["changes"] == ["summary"]


def test_unchanged_update_writes_nothing(client, settings):
    response = client.put("/api/admin/materials/garlic-virus", headers=AUTH, json={"verdict": "谣言"})
    assert response.status_code == 200 and response.json()["changed"] is False
    assert not (settings.materials_dir / "garlic-virus.md").exists()


@pytest.mark.parametrize(("body", "message"), [
    ({**NEW_MATERIAL, "verdict": "假的"}, "verdict"),
    ({**NEW_MATERIAL, "claims": []}, "claims"),
    ({**NEW_MATERIAL, "colour": "red"}, "未知字段"),
    ({**NEW_MATERIAL, "id": "../../etc/passwd"}, "id"),
    ([1, 2], "JSON 对象"),
])
def test_invalid_material_is_422_naming_the_field(client, settings, body, message):
    response = client.post("/api/admin/materials", json=body, headers=AUTH)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not list(settings.materials_dir.glob("*.md")) if settings.materials_dir.exists() else True


def test_duplicate_id_and_unknown_material(client):
    assert client.post("/api/admin/materials", json={**NEW_MATERIAL, "id": "garlic-virus"},
                       headers=AUTH).status_code == 409
    assert client.put("/api/admin/materials/nope", json={"summary": "x"}, headers=AUTH).status_code == 404
    assert client.post("/api/admin/materials/nope/status", json={"status": "approved"},
                       headers=AUTH).status_code == 404
    assert client.post("/api/admin/materials/garlic-virus/status", json={"status": "published"},
                       headers=AUTH).status_code == 422


def test_unanswered_questions_are_listed_for_staff(client):
    for _ in range(2):
        assert _check(client, "喝咖啡会导致骨质疏松吗")["matched"] is False
    _check(client, "手机充电时打电话会爆炸吗")

    assert client.get("/api/admin/unanswered").status_code == 401
    questions = client.get("/api/admin/unanswered", headers=AUTH).json()["questions"]
    assert questions[0]["text"] == "喝咖啡会导致骨质疏松吗" and questions[0]["count"] == 2
    assert {q["text"] for q in questions} == {"喝咖啡会导致骨质疏松吗", "手机充电时打电话会爆炸吗"}


def test_editor_name_may_be_sent_as_raw_utf8(client, settings):
    headers = {"X-Kepu-Token": TOKEN, "X-Kepu-User": "王审核".encode()}
    assert client.post("/api/admin/materials", json=NEW_MATERIAL, headers=headers).status_code == 201
    entry = client.get("/api/admin/audit", headers=AUTH).json()["entries"][0]
    assert entry["who"] == "王审核"


def test_editor_defaults_to_admin(client):
    client.post("/api/admin/materials", json=NEW_MATERIAL, headers={"X-Kepu-Token": TOKEN})
    assert client.get("/api/admin/audit", headers=AUTH).json()["entries"][0]["who"] == "admin"
