"""What one answer leaves for the next question of the same conversation.

The chat service keeps it per session as JSON (qa_service/chat/sessions.py: in memory or in Redis);
`from_json` reads what any earlier version wrote (a dict with these keys, any of them missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TurnState:
    intent: str  # the answer's intent (resp, lead, reverse, query, rumor, ...)
    measure_ids: tuple[str, ...] = ()  # the measures answered about: "那牵头的是哪个单位？" means them
    focus_unit: str | None = None  # the one unit "它还负责什么？" can mean
    query: Mapping | None = None  # the graph query answered (policy/query: PolicyQuery.to_json())
    suggestion: Mapping | None = None  # the rumour material offered ("您说的是不是……？"); "1" accepts it
    question: str = ""  # the normalised question that left this state
    at: float = 0.0  # when (time.time())

    @classmethod
    def from_json(cls, data: Mapping | None) -> TurnState | None:
        if not data:
            return None
        suggestion = data.get("suggestion")
        query = data.get("query")
        return cls(
            intent=str(data.get("intent") or ""),
            measure_ids=tuple(data.get("measure_ids") or ()),
            focus_unit=data.get("focus_unit"),
            query=query if isinstance(query, Mapping) else None,
            suggestion=suggestion if isinstance(suggestion, Mapping) else None,
            question=str(data.get("question") or ""),
            at=float(data.get("at") or 0.0),
        )

    def to_json(self) -> dict:
        out: dict = {"intent": self.intent}
        if self.measure_ids:
            out["measure_ids"] = list(self.measure_ids)
        if self.focus_unit is not None:
            out["focus_unit"] = self.focus_unit
        if self.query is not None:
            out["query"] = dict(self.query)
        if self.suggestion is not None:
            out["suggestion"] = dict(self.suggestion)
        if self.question:
            out["question"] = self.question
        if self.at:
            out["at"] = self.at
        return out
