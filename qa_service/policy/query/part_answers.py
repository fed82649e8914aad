"""Answers about targets, deadlines, the units of a part and two plans side by side (the
handlers of QueryEngine that need more than a list of measures)."""

from __future__ import annotations

from dataclasses import replace

from ingest.targets import is_provision
from qa_service.policy.answer import PolicyResult
from qa_service.policy.answer_format import short_title
from qa_service.policy.query import render
from qa_service.policy.query.backends import Rows
from qa_service.policy.query.query import ANY, COMPARE, DEADLINE, LEAD, LIST, PolicyQuery

EACH_PLAN_MAX = 4  # up to this many plans in scope, counts are answered plan by plan


PAGE = 60  # measures listed from several plans before the answer counts them plan by plan instead
ROLE_ROWS = 600  # (measure, unit, role) rows read from several plans before counting instead
SUMMARY_PLANS = 10  # plans named in such a count

class TargetAndUnitAnswers:
    """Mixed into QueryEngine: uses its index, plans, _measures, _result, _many, _plan_title."""

    def _targets(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows = backend.run("targets", q)
        many = self._many(q)
        picked, lines, seen, measures = [], [], set(), []
        kept = []
        for owner, pos in sorted(set(rows.targets), key=self._target_order):
            m = self.index.by_id.get(owner)
            plan = self.plans.get(owner) or self.index.plan_of.get(owner)
            targets = m.targets if m is not None else plan.goals
            if 0 <= pos < len(targets) and not is_provision(targets[pos]):
                kept.append((owner, m, plan, targets[pos]))  # a support standard (最高补助200万元) is no target
        pieces: dict[tuple[str, str], set[str]] = {}
        for owner, _, _, t in kept:
            pieces.setdefault((owner, t.text), set()).add(_piece(t))
        for owner, m, plan, t in kept:
            # two targets of one clause (投资规模不低于5亿元、投资OPC不少于100个): each its own line
            if len(pieces[(owner, t.text)]) > 1:
                t = replace(t, text=_piece(t))
            if (owner, t.text) in seen:
                continue
            seen.add((owner, t.text))
            picked.append(t)
            lines.append(render.target_line(t, m, plan, many))
            if m is not None and m not in measures:
                measures.append(m)
        if q.aggregate == DEADLINE:
            return self._deadline(q, picked, lines, measures), rows
        flt = q.targets
        what = "、".join(
            x
            for x in (
                flt.deadline and f"期限在{flt.deadline}年",
                flt.period,
                q.scope.group and f"面向{q.scope.group}",
                q.scope.section or q.scope.chapter,
                render.condition(q),
            )
            if x
        )
        if not what and len(q.scope.measure_ids) == 1 and q.scope.measure_ids[0] in self.index.by_id:
            what = f"【{self.index.by_id[q.scope.measure_ids[0]].title}】"
        if not lines:
            return self._result(f"共0项：方案中没有{what or '符合条件'}的量化目标。", []), rows
        text = f"共{len(lines)}项目标（{what or '全部'}）：\n" + "\n".join(
            f"{i}. {line}" for i, line in enumerate(lines, 1)
        )
        return self._result(text, measures, targets=picked), rows

    def _deadline(self, q, picked, lines, measures) -> PolicyResult:
        ms = self._measures(q.scope.measure_ids)
        # A date the target is due by comes first; a period (每年) answers only when no target has a
        # date, and 全年 (a condition's window: 全年登记…达10个以上) is no deadline at all.
        pairs = list(zip(picked, lines, strict=True))
        dated = [(t, line) for t, line in pairs if t.deadline]
        # A sum of money paid 每年 (每户每年1万元) says how often it is paid, not by when.
        dated = dated or [
            (t, line) for t, line in pairs if t.period and t.period != "全年" and not t.unit.endswith("元")
        ]
        if not dated:
            ms = ms or measures  # the measure of the targets read (全年…): named, not "该项"
            plan = self.index.plan_of[ms[0].id] if ms else self.index.plans[0]
            titles = "、".join(f"【{m.title}】（{m.clause_label}）" for m in ms) or "该项"
            period = f"方案实施期为{plan.period}年" if plan.period else "方案未写明实施期"
            return self._result(f"未写明：{titles}没有写明完成时限；{period}。", ms)
        when = "、".join(dict.fromkeys(t.deadline or t.period for t, _ in dated))
        return self._result(
            f"{when}。" + "\n".join(line for _, line in dated), measures or ms, targets=[t for t, _ in dated]
        )

    def _paged(self, kind: str, q: PolicyQuery, backend) -> tuple[Rows, PolicyResult | None]:
        """The rows of a query; over several plans at most PAGE measures of them, and where more
        match, none but their number in each plan, counted in the store, as the answer."""
        if not self._many(q):
            return backend.run(kind, q), None
        limit = PAGE + 1 if kind == "measures" else ROLE_ROWS
        rows = backend.run(kind, q, limit=limit)
        found = len(rows.measure_ids) if kind == "measures" else len(rows.roles)
        if found < limit and len({r[0] for r in rows.roles}) <= PAGE:
            return rows, None
        counts = backend.run("plan_counts", q)
        rows.statements += counts.statements
        rows.seconds += counts.seconds
        rows.per_plan = counts.per_plan
        return rows, self._summary(q, counts.per_plan)

    def _summary(self, q: PolicyQuery, per_plan: dict[str, int]) -> PolicyResult:
        total = sum(per_plan.values())
        order = sorted(per_plan, key=lambda p: (-per_plan[p], self.plan_ids.index(p) if p in self.plan_ids else 0))
        what = render.where(q, self._plan_title, True) + render.condition(q)
        shown = "、".join(f"《{self._plan_title(p)}》{per_plan[p]}项" for p in order[:SUMMARY_PLANS])
        more = f"等{len(order)}个方案" if len(order) > SUMMARY_PLANS else ""
        example = next((p.region for p in self.index.plans if p.region), "")
        text = (
            f"共{total}项（{what or '全部措施'}），分属{len(order)}个方案：{shown}{more}。"
            f"符合条件的措施较多，请指明是哪个方案，例如“{example}方案里……”。"
        )
        return self._result(text, [], confidence=0.9)

    def _units(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows, summary = self._paged("roles", q, backend)
        if summary is not None:
            return summary, rows
        per: dict[str, dict[str, list[str]]] = {}
        for mid, name, role in rows.roles:
            per.setdefault(mid, {"lead": [], "co": []})[role].append(name)
        measures = self._measures(list(per) or q.scope.measure_ids)
        where = render.where(q, self._plan_title, len(self.plan_ids) > 1)
        if len(q.scope.measure_ids) == 1 and measures:
            m = measures[0]
            lead = [u for u in m.lead_units if u in per.get(m.id, {}).get("lead", [])]
            co = [u for u in m.co_units if u in per.get(m.id, {}).get("co", [])]
            names = lead + co if q.count_role == ANY else lead
            excl = "、".join(dict.fromkeys(self.resolver.representative(u) for u in q.exclude_units))
            head = f"除{excl}外" if excl else ""
            if not names:
                text = (
                    f"{head}该项没有其他{'牵头' if q.count_role == LEAD else '责任'}单位。"
                    + render.roles_line(m)
                )
            else:
                parts = []
                if lead:
                    parts.append(f"牵头：{'、'.join(lead)}")
                if co and q.count_role == ANY:
                    parts.append(("配合" if m.lead_units else "共同负责") + f"：{'、'.join(co)}")
                count = f"{head}还有{len(names)}个单位" if head else f"共{len(names)}个单位"
                text = f"{count}：{'；'.join(parts)}。（【{m.title}】，出处：{m.clause_label}）"
            return self._result(text, [m]), rows
        if q.count_role == LEAD:
            lines = []
            every = backend.run("measures", q)  # measures without a lead are listed too
            rows.statements += every.statements
            rows.seconds += every.seconds
            for m in self._measures(every.measure_ids):
                leads = per.get(m.id, {}).get("lead", [])
                lead_text = "、".join(u for u in m.lead_units if u in leads) or "未明确牵头单位"
                lines.append(f"{short_title(m.title)}（{m.clause_label}）：{lead_text}")
            n = len({u for v in per.values() for u in v["lead"]})
            text = f"{n}个牵头单位，{where}逐项如下：\n" + "\n".join(lines)
            return self._result(text, measures), rows
        counts: dict[str, list[int]] = {}
        for v in per.values():
            for u in v["lead"]:
                counts.setdefault(u, [0, 0])[0] += 1
            for u in v["co"]:
                counts.setdefault(u, [0, 0])[1] += 1
        order = sorted(counts, key=lambda u: (-(sum(counts[u])), self._unit_order(u)))
        items = [
            f"{u}（{sum(counts[u])}项" + (f"，牵头{counts[u][0]}项" if counts[u][0] else "") + "）"
            for u in order
        ]
        text = f"共{len(order)}个单位参与{where}（{len(measures)}项措施）：" + "、".join(items) + "。"
        return self._result(text, measures), rows

    def _plan_diff(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        parts, all_rows, measures = [], Rows(), []
        for pid in q.compare:
            sub = replace(q, aggregate=LIST, scope=replace(q.scope, plans=[pid]))
            rows = backend.run("measures", sub)
            all_rows.statements += rows.statements
            all_rows.seconds += rows.seconds
            found = self._measures(rows.measure_ids)
            measures += found
            title = self._plan_title(pid)
            if found:
                parts.append(
                    f"《{title}》{len(found)}项："
                    + "；".join(f"{short_title(m.title)}（{m.clause_label}）" for m in found)
                )
            else:
                parts.append(f"《{title}》0项。")
        cond = render.condition(q) or "全部措施"
        text = f"两个方案对比（{cond}）：\n" + "\n".join(parts)
        return self._result(text, measures), all_rows

    def _each_plan(self, q: PolicyQuery, backend, handler) -> tuple[PolicyResult, Rows]:
        """Most / fewest / which-of-two over several plans, answered plan by plan, each line naming
        its plan: one district's 区科协 is not another's, so their counts are not added up. Past
        EACH_PLAN_MAX plans, most / fewest is one count naming each unit with its region."""
        plans = list(q.scope.plans or self.plan_ids)
        if not self._many(q):
            return handler(q, backend)
        if q.aggregate == COMPARE:  # only the plans that name one of the two units
            named = {self.index.plan_of[m.id].id for m in self.index.measures if set(q.compare) & _units(m)}
            plans = [p for p in plans if p in named] or plans[:1]
        if len(plans) > EACH_PLAN_MAX:  # one count over all, each region's units named apart
            return handler(q, backend)
        results, all_rows = [], Rows()
        for pid in plans:
            result, rows = handler(replace(q, scope=replace(q.scope, plans=[pid])), backend)
            results.append(result)
            all_rows.statements += rows.statements
            all_rows.seconds += rows.seconds
        if len(results) == 1:
            return results[0], all_rows
        text = "\n".join(r.answer for r in results)
        return self._result(text, [], units=[u for r in results for u in r.units]), all_rows


def _units(m) -> set[str]:
    return {*m.lead_units, *m.co_units}


def _piece(t) -> str:
    """The 、-separated part of a target's clause that holds its number."""
    written = t.raw_value + t.unit
    return next((part for part in t.text.split("、") if written in part), t.text)
