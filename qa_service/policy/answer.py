"""Policy questions answered from the graph: intent -> measure(s), targets or structure -> answer.

Every answer names the exact units and the clause it came from; when the calibrated confidence is
too low it offers the closest measures ("您问的是不是…") or says the plan does not cover it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import MeasureRecord, TargetRecord
from graph.unit_identity import scope_label
from graph.unit_resolver import UnitResolver
from qa_service.policy import answer_format as fmt
from qa_service.policy import intent as it
from qa_service.policy.index import PolicyIndex, TargetDoc
from qa_service.policy.intent import Intent, classify
from qa_service.policy.params import ModeParams, PolicyParams
from qa_service.policy.ranking import Query, Ranking, rank
from qa_service.policy.state import TurnState

log = logging.getLogger(__name__)


@dataclass
class PolicyResult:
    intent: str
    answer: str
    confidence: float
    abstained: bool
    measures: list[MeasureRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    state: TurnState | None = None  # what a follow-up question may lean on
    debug: dict = field(default_factory=dict)  # rankings and features, for tuning
    query: dict | None = None  # the typed query a graph question ran as (qa_service/policy/query)
    short_answer: str | None = None  # a long list cut for WeChat, pointing to the web page

    def to_json(self) -> dict:
        body = {
            "intent": self.intent,
            "answer": self.answer,
            "confidence": round(float(self.confidence), 4),
            "abstained": self.abstained,
            "measures": [m.to_json() for m in self.measures],
            "targets": [t.to_json() for t in self.targets],
            "units": self.units,
            "citations": self.citations,
        }
        if self.query is not None:
            body["query"] = self.query
        if self.short_answer is not None:
            body["short_answer"] = self.short_answer
        return body


class PolicyAnswerer:
    def __init__(self, index: PolicyIndex, resolver: UnitResolver, params: PolicyParams):
        self.index = index
        self.resolver = resolver
        self.mode = "hybrid" if index.encoder is not None else "lexical"
        self.params: ModeParams = params.mode(self.mode)
        tuned_for = self.params.model
        model = Path(str(getattr(index.encoder, "model_dir", ""))).name
        if self.mode == "hybrid" and tuned_for and model != tuned_for:
            log.warning("policy parameters were tuned for %s, not %s: run `kepu eval tune`", tuned_for, model)

    # ------------------------------------------------------------------ entry

    def analyse(self, text: str, previous: TurnState | None = None) -> tuple[Intent, Query]:
        mentions = self.resolver.find(text)
        bare = text
        for m in sorted(mentions, key=lambda m: m.start, reverse=True):
            bare = bare[: m.start] + " " + bare[m.end :]
        content = self.index.tokenizer.content_words(bare)
        intent = classify(text, mentions, content, previous, self.resolver.foreign(text))
        query = Query(text, bare, content, it.has_cue(text), self.index)
        return intent, query

    def answer(self, text: str, previous: TurnState | None = None) -> PolicyResult:
        if not self.index.plans:
            return PolicyResult("none", fmt.NO_PLAN_ANSWER, 0.0, True)
        intent, query = self.analyse(text, previous)
        handler = {
            it.OOS: self._oos,
            it.BASIS: self._basis,
            it.PLAN_INFO: self._plan_info,
            it.UNIT_INFO: self._unit_info,
            it.REVERSE: self._reverse,
            it.REVERSE_LEAD: self._reverse,
            it.TARGET: self._target,
            it.STRUCTURE: self._structure,
        }.get(intent.kind, self._measure)
        result = handler(intent, query)
        result.debug.setdefault("intent", intent.kind)
        result.debug["followup"] = intent.followup
        return result

    # ------------------------------------------------------------------ handlers

    def _oos(self, intent: Intent, query: Query) -> PolicyResult:
        return PolicyResult(it.OOS, fmt.OOS_ANSWER, 0.0, True)

    def _basis(self, intent: Intent, query: Query) -> PolicyResult:
        plans = self.index.plans
        answer = "\n".join(fmt.basis(p) for p in plans)
        cites = [fmt.plan_citation(p, "序言", "制定依据", "；".join(p.basis)) for p in plans]
        return PolicyResult(it.BASIS, answer, 0.95, False, citations=cites, state=TurnState(it.BASIS))

    def _plan_info(self, intent: Intent, query: Query) -> PolicyResult:
        plans = self.index.plans
        answer = "\n".join(fmt.plan_info(p) for p in plans)
        cites = [fmt.plan_citation(p, "标题", p.title, f"{p.title}（{p.period}）{p.status}") for p in plans]
        return PolicyResult(it.PLAN_INFO, answer, 0.95, False, citations=cites, state=TurnState(it.PLAN_INFO))

    def _unit_info(self, intent: Intent, query: Query) -> PolicyResult:
        """What a unit named in the question is: its full name and its part in the plans."""
        unit = intent.units[0].canonical
        lines, units = [], []
        names = set(self.resolver.same_unit(unit))
        for scope in self._scopes_asked(unit, intent, query.text):
            involved = self._involved(unit, scope)
            leads = sum(bool(names & set(m.lead_units)) for m in involved)
            full_name = self.resolver.full_name(unit, scope)
            lines.append(fmt.unit_info(unit, full_name, scope_label(scope) if scope else "", len(involved), leads))
            units.append({"name": unit, "full_name": full_name, "role": "any", "count": len(involved),
                          "measure_id": None})
        return PolicyResult(it.UNIT_INFO, "\n".join(lines), 0.9, False, units=units,
                            state=TurnState(it.REVERSE, (), unit))

    def _reverse(self, intent: Intent, query: Query) -> PolicyResult:
        unit = intent.unit
        if unit is None:
            return PolicyResult(intent.kind, fmt.foreign_unit(intent.note, self.index.plans[0].region), 0.0, True)
        # "区科协和区教育局分别牵头哪些工作？": one list per unit named, in the order asked; and
        # one per region when plans of several regions each have a unit of that name (罗湖区's
        # 区科协 is not 淮阴区's), unless the question names the region.
        named = list(dict.fromkeys([unit, *(u.canonical for u in intent.units if u.canonical)]))
        if intent.followup:
            named = [unit]
        asked = [(name, scope) for name in named for scope in self._scopes_asked(name, intent, query.text)]
        if len(asked) == 1:
            return self._reverse_one(intent, *asked[0])
        parts = [self._reverse_one(intent, name, scope) for name, scope in asked]
        measures = list({m.id: m for p in parts for m in p.measures}.values())
        citations = list({c["measure_id"]: c for p in parts for c in p.citations}.values())
        state = TurnState(intent.kind, tuple(m.id for m in measures), unit)
        return PolicyResult(intent.kind, "\n\n".join(p.answer for p in parts), min(p.confidence for p in parts),
                            all(p.abstained for p in parts), measures=measures,
                            units=[u for p in parts for u in p.units], citations=citations, state=state)

    def _scopes_asked(self, unit: str, intent: Intent, text: str) -> list[str | None]:
        """The regions whose unit of this name the question is about: the one its wording names
        (罗湖区科协, 罗湖区的区科协), else every region whose plans name such a unit."""
        scopes = self.resolver.scopes(unit)
        if len(scopes) <= 1:
            return [None]
        named = [m.scope for m in intent.units if m.canonical == unit and m.scope in scopes]
        if named:
            return named[:1]
        said = [s for s in scopes if s and (s in text or (len(s) > 2 and s[:-1] in text))]
        return said[:1] if said else list(scopes)

    def _involved(self, unit: str, scope: str | None) -> list[MeasureRecord]:
        """The measures naming `unit` in any role; with `scope`, only that region's unit of the name."""
        names = set(self.resolver.same_unit(unit))  # 县人力社保局 in two notes, 县人社局 in a third
        return [m for m in self.index.measures if names & _roles(m)
                and (scope is None or any(self.resolver.scope_of(self.index.plan_of[m.id].id, n) == scope
                                          for n in names & _roles(m)))]

    def _reverse_one(self, intent: Intent, unit: str, scope: str | None = None) -> PolicyResult:
        lead_only = intent.kind == it.REVERSE_LEAD
        involved = self._involved(unit, scope)
        names = set(self.resolver.same_unit(unit))
        chosen = [m for m in involved if names & set(m.lead_units)] if lead_only else involved
        score = max((u.score for u in intent.units if u.canonical == unit), default=100.0)
        confidence = 0.95 if score >= 100 else 0.6 + 0.3 * (score - 75) / 25
        full_name = self.resolver.full_name(unit, scope)
        # 区科协（罗湖区）: which region's unit of that name, when the name alone does not say
        shown = scope_label(scope) if scope is not None and full_name == unit else full_name
        answer = fmt.reverse(unit, shown, chosen, lead_only, len(involved), self._chapter_of)
        role = "lead" if lead_only else "any"
        units = [{"name": unit, "full_name": full_name, "role": role, "measure_id": None}]
        if scope is not None:
            units[0]["region"] = scope_label(scope)
        state = TurnState(intent.kind, tuple(m.id for m in chosen), unit)
        return PolicyResult(intent.kind, answer, confidence, not involved, measures=chosen, units=units,
                            citations=[fmt.citation(m, m.title) for m in chosen], state=state)

    def _measure(self, intent: Intent, query: Query) -> PolicyResult:
        kind = it.LEAD if intent.kind == it.LEAD else it.RESP
        render = fmt.measure_topic if intent.kind == it.TOPIC and not intent.followup else None
        if intent.measure_ids:
            measures = [self.index.by_id[i] for i in intent.measure_ids if i in self.index.by_id]
            if measures:
                return self._measures_answer(kind, measures, 0.9)
        if not query.content:
            return PolicyResult(kind, "请说明您想了解哪项工作，例如“谁负责科普教育基地建设？”。", 0.0, True)
        ranking = rank(query, "measure", self.params)
        return self._decide(kind, ranking, lambda: self._measures_answer(
            kind, [self.index.measures[ranking.top]], ranking.probability, render))

    def _target(self, intent: Intent, query: Query) -> PolicyResult:
        if intent.measure_ids:
            measures = [self.index.by_id[i] for i in intent.measure_ids if i in self.index.by_id]
            docs = [d for d in self.index.target_docs if d.measure in measures]
            if docs:
                return self._targets_answer(docs, 0.9)
            return PolicyResult(it.TARGET, fmt.no_targets(measures), 0.9, False, measures=measures,
                                citations=[fmt.citation(m) for m in measures],
                                state=TurnState(it.TARGET, tuple(m.id for m in measures)))
        ranking = rank(query, "target", self.params)
        if ranking.top is None:
            return self._measure(intent, query)
        return self._decide(it.TARGET, ranking, lambda: self._targets_answer(
            self._target_group(ranking), ranking.probability))

    def _structure(self, intent: Intent, query: Query) -> PolicyResult:
        sections = rank(query, "section", self.params)
        measures = rank(query, "measure", self.params)
        threshold = self.params.answer_threshold
        # The question asks for a list: a confident section wins unless a measure's title covers the
        # question's words better ("智慧助老行动包括什么？" is about one measure).
        if sections.top is not None and sections.probability >= threshold and (
                sections.features["cov_top"] >= measures.features.get("cov_top", 0.0)
                or measures.probability < threshold):
            doc = self.index.section_docs[sections.top]
            result = PolicyResult(
                it.STRUCTURE, fmt.structure(doc.label, doc.title, doc.measures, doc.children),
                sections.probability, False, measures=[] if doc.children else doc.measures,
                citations=[fmt.citation(m, m.title) for m in doc.measures],
                state=TurnState(it.STRUCTURE, tuple(m.id for m in doc.measures)))
            result.debug["rankings"] = {"section": sections, "measure": measures}
            return result
        result = self._decide(it.RESP, measures, lambda: self._measures_answer(
            it.RESP, [self.index.measures[measures.top]], measures.probability, fmt.measure_topic))
        result.debug["rankings"]["section"] = sections
        return result

    # ------------------------------------------------------------------ decisions

    def _decide(self, kind: str, ranking: Ranking, answer) -> PolicyResult:
        p = ranking.probability
        if p >= self.params.answer_threshold:
            result = answer()
        elif p >= self.params.suggest_threshold:
            result = self._suggest(kind, ranking)
        else:
            result = PolicyResult(kind, fmt.OOS_ANSWER, p, True)
        result.debug["rankings"] = {ranking.kind: ranking}
        return result

    def _suggest(self, kind: str, ranking: Ranking) -> PolicyResult:
        if ranking.kind == "measure":
            picks = [self.index.measures[i] for i in ranking.order[:3]]
        elif ranking.kind == "target":
            docs = [self.index.target_docs[i] for i in ranking.order[:3]]
            texts = list(dict.fromkeys(d.target.text for d in docs))
            if len(texts) < 2:
                return PolicyResult(kind, fmt.OOS_ANSWER, ranking.probability, True)
            return PolicyResult(kind, fmt.target_suggestions(texts), ranking.probability, True,
                                targets=[d.target for d in docs])
        else:
            picks = [m for i in ranking.order[:2] for m in self.index.section_docs[i].measures[:2]]
        picks = list({m.id: m for m in picks}.values())[:3]
        if len(picks) < 2:
            return PolicyResult(kind, fmt.OOS_ANSWER, ranking.probability, True)
        return PolicyResult(kind, fmt.suggestions(picks), ranking.probability, True, measures=picks,
                            state=TurnState(kind, tuple(m.id for m in picks[:1])))

    def _measures_answer(self, kind: str, measures: list[MeasureRecord], confidence: float,
                         render=None) -> PolicyResult:
        render = render or (fmt.measure_lead if kind == it.LEAD else fmt.measure_resp)
        units = []
        for m in measures:
            for entry in fmt.unit_entries(m, self.resolver.full_name, lead_only=kind == it.LEAD):
                units.append({**entry, "measure_id": m.id})
        return PolicyResult(kind, "\n".join(render(m) for m in measures), confidence, False,
                            measures=measures, units=units, citations=[fmt.citation(m) for m in measures],
                            state=TurnState(kind, tuple(m.id for m in measures), _focus_unit(measures)))

    def _targets_answer(self, docs: list[TargetDoc], confidence: float) -> PolicyResult:
        lines, cites, measures = [], [], []
        shown = {id(d.target) for d in docs}
        for doc in docs:
            if doc.target.parent is not None and doc.measure and id(self._parent(doc)) in shown:
                continue  # printed with its parent
            subs = [t for t in self._siblings(doc) if t.parent is not None and self._parent_of(doc, t) is doc.target]
            line = fmt.target_line(doc.target, doc.measure, subs)
            if line in lines:
                continue  # two targets parsed from one sentence (1.5万名…、1000名…)
            lines.append(line)
            if doc.measure:
                if doc.measure not in measures:
                    measures.append(doc.measure)
                    cites.append(fmt.citation(doc.measure, doc.target.text))
            else:
                cites.append(fmt.plan_citation(doc.plan, "一、（三）", "主要目标", doc.target.text))
        return PolicyResult(it.TARGET, "\n".join(lines), confidence, False, measures=measures,
                            targets=[d.target for d in docs], citations=cites,
                            state=TurnState(it.TARGET, tuple(m.id for m in measures)))

    def _target_group(self, ranking: Ranking) -> list[TargetDoc]:
        """The best target with its parent/sub-targets, plus near-ties from the same measure."""
        top = self.index.target_docs[ranking.top]
        group = [top]
        related = {id(t) for t in self._siblings(top)
                   if t is self._parent(top) or self._parent_of(top, t) is top.target}
        best = float(ranking.fused[ranking.top])
        for i in ranking.order[1:]:
            doc = self.index.target_docs[i]
            if doc.measure is not top.measure:
                continue
            if id(doc.target) in related or float(ranking.fused[i]) >= best - 0.35:
                group.append(doc)
        return group

    # ------------------------------------------------------------------ helpers

    def _siblings(self, doc: TargetDoc) -> list[TargetRecord]:
        return list(doc.measure.targets) if doc.measure else list(doc.plan.goals)

    def _parent(self, doc: TargetDoc) -> TargetRecord | None:
        return self._parent_of(doc, doc.target)

    def _parent_of(self, doc: TargetDoc, target: TargetRecord) -> TargetRecord | None:
        siblings = self._siblings(doc)
        if target.parent is None or not 0 <= target.parent < len(siblings):
            return None
        return siblings[target.parent]

    def _chapter_of(self, measure: MeasureRecord) -> str:
        plan = self.index.plan_of[measure.id]
        label = measure.path[0] if measure.path else ""
        title = measure.chapter_title or next((c.title for c in plan.chapters if c.label == label), "")
        prefix = f"《{plan.title}》" if len(self.index.plans) > 1 else ""
        return f"{prefix}{label}{title}"


def _roles(measure: MeasureRecord) -> set[str]:
    return set(measure.all_units)


def _focus_unit(measures: list[MeasureRecord]) -> str | None:
    """The one unit a follow-up "它还负责什么？" can mean."""
    if len(measures) != 1:
        return None
    m = measures[0]
    if len(m.lead_units) == 1:
        return m.lead_units[0]
    if not m.lead_units and len(m.co_units) == 1:
        return m.co_units[0]
    return None
