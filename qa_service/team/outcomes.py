"""What one public answer was, in the team's terms: answered, suggested or abstained; the material
or clause it rests on; whether the message goes to the unanswered queue."""

from __future__ import annotations

from dataclasses import dataclass

MAX_TEXT = 2000


@dataclass(frozen=True)
class AnswerFacts:
    intent: str
    outcome: str  # answered | suggested | abstained
    material_id: str | None
    citation: str | None
    confidence: float
    answer: str
    queue: bool  # a claim no vetted material answers: the science team should write one


def answer_facts(body: dict) -> AnswerFacts:
    intent = str(body.get("intent") or "")
    rumor = body.get("rumor") if isinstance(body.get("rumor"), dict) else None
    material_id = citation = None
    if rumor is not None:
        matched = bool(rumor.get("matched"))
        outcome = "answered" if matched else "abstained"
        if matched and rumor.get("materials"):
            first = rumor["materials"][0]
            material_id, citation = first.get("id"), first.get("passage") or first.get("summary")
    else:
        abstained = bool(body.get("abstained", True))
        shown = bool(body.get("measures") or body.get("targets"))
        outcome = "answered" if not abstained else ("suggested" if shown else "abstained")
        cites = body.get("citations") or []
        if cites and outcome != "abstained":
            first = cites[0]
            citation = f"{first.get('clause', '')} {first.get('title', '')}".strip() or None
            material_id = first.get("measure_id")
    queue = intent == "rumor" and rumor is not None and not rumor.get("matched")
    return AnswerFacts(
        intent=intent[:16],
        outcome=outcome,
        material_id=material_id,
        citation=citation,
        confidence=float(body.get("confidence") or 0.0),
        answer=str(body.get("answer") or "")[:MAX_TEXT],
        queue=queue,
    )
