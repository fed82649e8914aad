"""The one answer schema in the OpenAPI document fits every recorded answer (tests/data/golden.json)."""

from __future__ import annotations

import json

from fastapi import FastAPI

from qa_service.http.schemas import Answer, RumorCheck
from qa_service.routers import materials, policy, wechat
from tests import golden


def test_openapi_names_one_answer_schema_for_ask_and_rumor_check():
    app = FastAPI()
    app.include_router(policy.router)
    app.include_router(materials.router)
    doc = app.openapi()
    ok = {path: doc["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
          for path in ("/api/ask", "/api/rumor-check")}
    assert ok == {"/api/ask": {"$ref": "#/components/schemas/Answer"},
                  "/api/rumor-check": {"$ref": "#/components/schemas/RumorCheck"}}
    assert doc["components"]["schemas"]["Answer"]["properties"]["rumor"]["anyOf"][0] == {
        "$ref": "#/components/schemas/RumorCheck"}, "a rumour answer carries the same object"


def test_openapi_says_the_wechat_reply_is_the_answers_text():
    app = FastAPI()
    app.include_router(wechat.router)
    reply = app.openapi()["paths"]["/wechat"]["post"]["responses"]["200"]
    assert "application/xml" in reply["content"]
    assert "Answer" in reply["description"] and "short_answer" in reply["description"]


def test_every_recorded_answer_fits_the_schema():
    recorded = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    asked = checked = rumours = 0
    for name in (*golden.POLICY_SETS, *golden.RUMOR_SETS):
        for row in recorded[name]:
            for reply in [row.get("answer"), *row.get("answers", []), row.get("ask")]:
                if reply and reply["status"] == 200:
                    answer = Answer.model_validate(reply["body"])
                    asked += 1
                    rumours += answer.rumor is not None
            if row.get("rumor_check", {}).get("status") == 200:
                RumorCheck.model_validate(row["rumor_check"]["body"])
                checked += 1
    assert asked > 700 and checked > 500 and rumours > 300
