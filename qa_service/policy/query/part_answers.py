"""Answers about targets, deadlines, the units of a part and two plans side by side (the
handlers of QueryEngine that need more than a list of measures)."""

from __future__ import annotations

from dataclasses import replace

from qa_service.policy.answer import PolicyResult
from qa_service.policy.answer_format import short_title
from qa_service.policy.query import render
from qa_service.policy.query.backends import Rows
from qa_service.policy.query.query import ANY, COMPARE, DEADLINE, LEAD, LIST, PolicyQuery

EACH_PLAN_MAX = 4  # up to this many plans in scope, counts are answered plan by plan


class TargetAndUnitAnswers:
    """Mixed into QueryEngine: uses its index, plans, _measures, _result, _many, _plan_title."""

    def _targets(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows = backend.run("targets", q)
        many = self._many(q)
        picked, lines, seen, measures = [], [], set(), []
        for owner, pos in sorted(set(rows.targets), key=self._target_order):
            m = self.index.by_id.get(owner)
            plan = self.plans.get(owner) or self.index.plan_of.get(owner)
            targets = m.targets if m is not None else plan.goals
            if not 0 <= pos < len(targets) or (owner, targets[pos].text) in seen:
                continue
            seen.add((owner, targets[pos].text))
            picked.append(targets[pos])
            lines.append(render.target_line(targets[pos], m, plan, many))
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
                render.condition(q),
            )
            if x
        )
        if not lines:
            return self._result(f"共0项：方案中没有{what or '符合条件'}的量化目标。", []), rows
        text = f"共{len(lines)}项目标（{what}）：\n" + "\n".join(
            f"{i}. {line}" for i, line in enumerate(lines, 1)
        )
        return self._result(text, measures, targets=picked), rows

    def _deadline(self, q, picked, lines, measures) -> PolicyResult:
        ms = self._measures(q.scope.measure_ids)
        # A date the target is due by comes first; a period (每年) answers only when no target has a
        # date, and 全年 (a condition's window: 全年登记…达10个以上) is no deadline at all.
        pairs = list(zip(picked, lines, strict=True))
        dated = [(t, line) for t, line in pairs if t.deadline]
        dated = dated or [(t, line) for t, line in pairs if t.period and t.period != "全年"]
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

    def _units(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows = backend.run("roles", q)
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
            excl = "、".join(q.exclude_units)
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
                text = f"{head}还有{len(names)}个单位：{'；'.join(parts)}。（【{m.title}】，出处：{m.clause_label}）"
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
        if q.aggregate == COMPARE:  # only the plans that name one of the two units, however many
            named = {self.index.plan_of[m.id].id for m in self.index.measures if set(q.compare) & _units(m)}
            plans = [p for p in plans if p in named] or plans[:1]
        elif len(plans) > EACH_PLAN_MAX:  # one count over all, each region's units named apart
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
