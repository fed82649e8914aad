"""The hook into the policy answer path: a question the parser reads confidently is answered by
running its query on the store; any other question keeps the existing path (returns None)."""

from __future__ import annotations

import logging
from dataclasses import replace

from rapidfuzz import fuzz, process

from graph.errors import GraphError
from graph.unit_identity import plan_scope
from qa_service.policy.answer import PolicyAnswerer, PolicyResult
from qa_service.policy.answer_format import citation
from qa_service.policy.query import render
from qa_service.policy.query.backends import MemoryGraph, Rows, SparqlBackend, backend_for
from qa_service.policy.query.count_answers import CountAnswers
from qa_service.policy.query.parser import Parsed, parse
from qa_service.policy.query.part_answers import TargetAndUnitAnswers
from qa_service.policy.query.query import (
    ANY,
    COMPARE,
    COUNT,
    DEADLINE,
    LEAD,
    LIST,
    MAX,
    MIN,
    PLAN_DIFF,
    TARGETS,
    UNITS,
    YESNO,
    PolicyQuery,
)
from qa_service.policy.query.vocabulary import Vocabulary
from qa_service.policy.ranking import rank
from qa_service.policy.state import TurnState

log = logging.getLogger(__name__)

INTENT = "query"


class QueryEngine(TargetAndUnitAnswers, CountAnswers):
    def __init__(self, answerer: PolicyAnswerer, store=None):
        self.answerer = answerer
        self.index = answerer.index
        self.resolver = answerer.resolver
        self.vocab = Vocabulary(self.index.plans)
        self.plan_ids = [p.id for p in self.index.plans]
        self.plans = {p.id: p for p in self.index.plans}
        self.position = {m.id: i for i, m in enumerate(self.index.measures)}
        self.backend = backend_for(store, self.index.plans)
        self._fallback = None

    # ------------------------------------------------------------------ entry

    def parse(self, text: str, previous: TurnState | None = None) -> Parsed | None:
        if not self.index.plans:
            return None
        mentions = [m for m in self.resolver.find(text)]
        parsed = parse(text, mentions, self.vocab, self.plan_ids, previous)
        if parsed is None:
            return None
        self._all_names(parsed.query)
        if parsed.needs_measure:
            ids = self._measure_by_meaning(parsed.measure_text or text, parsed.query)
            if not ids:
                return None  # the measure is not clear: the existing path suggests or declines
            parsed.query.scope.measure_ids = ids
        return parsed

    def _all_names(self, q: PolicyQuery) -> None:
        """Each unit by every name its plan writes for it (县人力社保局 in two notes, 县人社局 in a
        third): the query matches and counts all of them as the one unit."""
        for term in q.units:
            names = self.resolver.same_unit(term.name)
            term.names = names if len(names) > 1 else []
        if q.exclude_units:
            q.exclude_units = list(dict.fromkeys(n for u in q.exclude_units for n in self.resolver.same_unit(u)))

    def answer(self, text: str, previous: TurnState | None = None) -> PolicyResult | None:
        parsed = self.parse(text, previous)
        if parsed is None:
            return None
        if parsed.unknown_units:
            return self._unknown(parsed.unknown_units)
        if parsed.missing_part is not None:
            asked, n = parsed.missing_part
            plan = self.plans[parsed.query.scope.plans[0]]
            titles = "；".join(f"{c.label}{c.title}" for c in plan.chapters)
            return PolicyResult(INTENT, f"方案共{n}章，没有{asked}：{titles}。", 0.9, True)
        if parsed.articles:  # 第一条 … 第十条, each holding one or more measures
            plan = self.plans[parsed.query.scope.plans[0]]
            articles = "；".join(f"{c.label}{c.title}" for c in plan.chapters)
            text = f"共{len(plan.chapters)}条：{articles}（其下共{len(plan.measures)}项措施）。"
            return PolicyResult(INTENT, text, 0.9, False, measures=list(plan.measures))
        if self._mixes_regions(parsed.query):
            return None  # same-named units of two regions: the answerer keeps them apart
        try:
            result = self.run(parsed.query)
        except GraphError as exc:  # the server went away: answer from the plans already loaded
            log.warning("query on the store failed (%s); using the in-memory graph", exc)
            result = self.run(parsed.query, self._memory())
        result.debug["followup"] = parsed.followup
        absent = [n for n in [*(t.name for t in parsed.query.units), *parsed.query.compare]
                  if n not in self.plans and not self.resolver.scopes(n)]
        if absent:  # 区统计局: a unit of the region the plans never name
            result.answer += "".join(f"（未找到单位“{n}”：它不在方案任何一项措施的责任单位中。）" for n in absent)
            if result.short_answer:
                result.short_answer += "".join(f"（未找到单位“{n}”。）" for n in absent)
        return result

    def _mixes_regions(self, q: PolicyQuery) -> bool:
        """Whether the query would match or count two regions' units of one name (淮阴区's and
        罗湖区's 区科协) as one: the graph is matched by unit name. Most / fewest count by unit node
        and name each region's unit apart; which-of-two is answered plan by plan."""
        plans = [self.plans[p] for p in (q.scope.plans or self.plan_ids) if p in self.plans]
        if len({plan_scope(p) for p in plans}) <= 1:
            return False
        names = [t.name for t in q.units]
        if not names and q.aggregate == UNITS:
            names = [n for p in plans for m in p.measures for n in m.all_units]
        return any(len(self.resolver.scopes(n)) > 1 for n in names)

    def _memory(self):
        if self._fallback is None:
            self._fallback = SparqlBackend(MemoryGraph(self.index.plans))
        return self._fallback

    def _measure_by_meaning(self, text: str, q: PolicyQuery) -> list[str]:
        _, query = self.answerer.analyse(text)
        if not query.content:
            return []
        threshold = self.answerer.params.answer_threshold
        ranking = rank(query, "measure", self.answerer.params)
        top = (
            self.index.measures[ranking.top]
            if ranking.top is not None and ranking.probability >= threshold
            else None
        )
        if top is None and q.aggregate == DEADLINE:
            # "示范学校要什么时候建成？" names a target, not the measure: the target ranking finds it,
            # and the deadline is that target's measure's.
            targets = rank(query, "target", self.answerer.params)
            if targets.top is not None and targets.probability >= threshold:
                top = self.index.target_docs[targets.top].measure
        if top is None:
            return []
        if (
            q.scope.plans
            and top.plan not in q.scope.plans
            and self.index.plan_of[top.id].id not in q.scope.plans
        ):
            return []
        return [top.id]

    # ------------------------------------------------------------------ running

    def run(self, q: PolicyQuery, backend=None) -> PolicyResult:
        backend = backend or self.backend
        handler = {
            LIST: self._list,
            COUNT: self._list,
            MAX: lambda q, b: self._each_plan(q, b, self._extreme),
            MIN: lambda q, b: self._each_plan(q, b, self._extreme),
            COMPARE: lambda q, b: self._each_plan(q, b, self._compare),
            YESNO: self._yesno,
            DEADLINE: self._targets,
            TARGETS: self._targets,
            UNITS: self._units,
            PLAN_DIFF: self._plan_diff,
        }[q.aggregate]
        result, rows = handler(self._over_all(q), backend)
        result.query = {
            **q.to_json(),
            "language": backend.language,
            "statements": rows.statements,
            "describe": q.describe(),
            "milliseconds": round(rows.seconds * 1000, 3),
        }
        result.state = replace(result.state or TurnState(INTENT), intent=INTENT, query=q.to_json())
        return result

    def _over_all(self, q: PolicyQuery) -> PolicyQuery:
        """A query over every loaded plan reads the store's merged graph, not a list of all its plan
        graphs (101 graphs in a VALUES block: ~100x slower)."""
        if len(self.plan_ids) > 1 and set(q.scope.plans) >= set(self.plan_ids):
            return replace(q, scope=replace(q.scope, plans=[]))
        return q

    def _measures(self, ids: list[str]):
        found = [self.index.by_id[i] for i in dict.fromkeys(ids) if i in self.index.by_id]
        return sorted(found, key=lambda m: self.position[m.id])

    def _many(self, q: PolicyQuery) -> bool:
        return len(self.plan_ids) > 1 and len(q.scope.plans) != 1

    def _chapter_of(self, many: bool):
        def chapter(m):
            plan = self.index.plan_of[m.id]
            label = m.path[0] if m.path else ""
            title = m.chapter_title or next((c.title for c in plan.chapters if c.label == label), "")
            return (f"《{plan.title}》" if many else "") + f"{label}{title}"

        return chapter

    def _result(
        self,
        answer: str,
        measures,
        short: str | None = None,
        units=None,
        targets=None,
        confidence: float = 0.95,
    ) -> PolicyResult:
        result = PolicyResult(
            INTENT,
            answer,
            confidence,
            False,
            measures=list(measures),
            targets=targets or [],
            units=units or [],
            citations=[_cite(m) for m in measures],
            state=TurnState(INTENT, tuple(m.id for m in measures)),
        )
        if short and short != answer:
            result.short_answer = short
        return result

    def _list(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows, summary = self._paged("measures", q, backend)
        if summary is not None:
            return summary, rows
        measures = self._measures(rows.measure_ids)
        many = self._many(q)
        where = render.where(q, self._plan_title, len(self.plan_ids) > 1)
        cond = render.condition(q)
        what = (where + "中" if where and cond else where) + cond
        if not measures:
            return self._result(f"共0项：没有符合条件的措施（{what or '全部措施'}）。", []), rows
        what = what or ("所问措施" if q.scope.measure_ids else "全部措施")
        head = f"共{len(measures)}项（{what}）" + (
            "：" if q.aggregate == LIST or len(measures) else "。"
        )
        lead_of = [t.name for t in q.units if not t.negated][:1]
        lead_names = set(self.resolver.same_unit(lead_of[0])) if lead_of else set()

        def mark(m):
            return "（牵头）" if lead_names & set(m.lead_units) and q.units[0].role != LEAD else ""

        full, short = render.list_answer(head, measures, self._chapter_of(many), mark)
        result = self._result(full, measures, short)
        if len(lead_of) == 1 and len(q.units) == 1:
            result.state = replace(result.state, focus_unit=lead_of[0])
        return result, rows

    def _yesno(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows, summary = (backend.run("measures", q), None) if q.scope.measure_ids else self._paged("measures", q, backend)
        if summary is not None:
            summary.answer = "是，" + summary.answer
            return summary, rows
        hits = self._measures(rows.measure_ids)
        scope_ids = q.scope.measure_ids or self._only_measure_of_part(q)
        term = q.units[0]
        if scope_ids and len(scope_ids) == 1:
            m = self.index.by_id[scope_ids[0]]
            has = self.index.by_id.get(scope_ids[0]) in hits
            actual = render.role_of(term.labels, m)
            if has:
                what = actual or "责任单位"
                text = f"是，{term.name}是该项的{what}。" + render.roles_line(m)
            elif actual is None:
                text = f"不，{term.name}不在该项责任单位中。" + render.roles_line(m)
            else:
                asked = {LEAD: "牵头单位", ANY: "责任单位"}.get(term.role, "配合单位")
                text = f"不，{term.name}不是该项的{asked}，而是{actual}。" + render.roles_line(m)
            return self._result(text, [m]), rows
        where = render.where(q, self._plan_title, len(self.plan_ids) > 1) or "方案"
        role = render.condition(q)
        if hits:
            head = f"是，{where}中有{len(hits)}项措施{role}："
            full, short = render.list_answer(head, hits, self._chapter_of(self._many(q)))
            return self._result(full, hits, short), rows
        return self._result(f"不，{where}中没有{role}的措施。", []), rows

    # ------------------------------------------------------------------ helpers

    def _only_measure_of_part(self, q: PolicyQuery) -> list[str]:
        """A section that is one measure (（一）集聚OPC创业人才。…（牵头单位：…）): its id, so that a
        yes / no about the part is answered, with its clause, as about that measure."""
        s = q.scope
        if not (s.section or s.chapter) or s.group:
            return []
        ids = [m.id for m in self.index.measures
               if (not s.plans or self.index.plan_of[m.id].id in s.plans)
               and (not s.section or m.section_title == s.section)
               and (not s.chapter or m.chapter_title == s.chapter)]
        return ids if len(ids) == 1 else []

    def _unknown(self, names: list[str]) -> PolicyResult:
        known = list(dict.fromkeys(self.resolver.representative(n) for n in self.resolver.known()))
        lines = []
        for name in names:
            close = [hit[0] for hit in process.extract(name, known, scorer=fuzz.WRatio, limit=3)]
            lines.append(f"未找到单位“{name}”。" + (f"您是不是要问：{'、'.join(close)}？" if close else ""))
        return PolicyResult(INTENT, "\n".join(lines) + "可通过“单位”页面查看方案中的全部单位。", 0.0, True)

    def _plan_title(self, pid: str) -> str:
        plan = self.plans.get(pid)
        return plan.title if plan else pid

    def _unit_order(self, name: str) -> tuple:
        for i, m in enumerate(self.index.measures):
            if name in m.lead_units or name in m.co_units:
                return (i, name)
        return (len(self.index.measures), name)

    def _target_order(self, row: tuple[str, int]) -> tuple:
        owner, pos = row
        if owner in self.plans:
            return (self.plan_ids.index(owner), -1, pos)
        m = self.index.by_id.get(owner)
        plan = self.index.plan_of[m.id].id if m else ""
        return (self.plan_ids.index(plan) if plan in self.plan_ids else 0, self.position.get(owner, 0), pos)


def _cite(m) -> dict:
    return citation(m, m.title)
