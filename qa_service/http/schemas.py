"""The one answer schema, as the OpenAPI document shows it (pydantic at the edge only).

`Answer` is what the chat service gives for any question: `POST /api/ask` returns it as JSON, the
WeChat endpoint (`POST /wechat`) sends its `answer` text as the XML reply. A rumour answer carries
the checker's `RumorCheck` under `rumor`, the same object `POST /api/rumor-check` returns.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MaterialMatch(BaseModel):
    id: str
    title: str
    verdict: str = Field(description="谣言 | 误导 | 部分正确 | 正确 | 存疑")
    summary: str
    score: float
    passage: str
    source: str


class RumorCheck(BaseModel):
    model_config = ConfigDict(extra="allow")

    matched: bool = Field(description="vetted material answers the message")
    verdict: str | None
    reply: str = Field(description="the reply a user reads (Chinese)")
    materials: list[MaterialMatch]
    confidence: float


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")

    intent: str = Field(description="resp, lead, reverse, reverse_lead, target, structure, basis, plan_info, "
                                    "oos, rumor, greeting, invalid, ...")
    answer: str = Field(description="the answer a user reads (Chinese)")
    confidence: float
    abstained: bool
    measures: list[dict]
    targets: list[dict]
    units: list[dict] = Field(description="name, full_name, role (lead | co | local | zone), measure_id")
    citations: list[dict]
    rumor: RumorCheck | None = Field(None, description="present when the rumour checker answered")
    short_answer: str | None = Field(None, description="a long list cut for WeChat, pointing to the web page")
    query: dict | None = Field(None, description="the typed graph query a graph question ran as, with its statements")


ANSWER_RESPONSES = {200: {"model": Answer, "description": "the answer (also the WeChat reply's text)"}}
WECHAT_RESPONSES = {200: {
    "description": "a WeChat text message (XML) whose Content is the Answer's `short_answer`, else its `answer` "
                   "(schema Answer: the same answer POST /api/ask returns), or \"success\" when there is nothing to say",
    "content": {"application/xml": {"schema": {"type": "string"}}},
}}
RUMOR_RESPONSES = {200: {"model": RumorCheck, "description": "the check against vetted material"}}
