"""Answers that count units: most / fewest (ties named, a unit asked about answered 是 / 不) and
which of two units does more, with both numbers. A unit its plan names two ways is counted once,
under both names (县人力社保局（也写作县人社局）)."""

from __future__ import annotations

from qa_service.policy.answer import PolicyResult
from qa_service.policy.query import render
from qa_service.policy.query.backends import Rows
from qa_service.policy.query.query import LEAD, MAX, PolicyQuery


class CountAnswers:
    """Mixed into QueryEngine: uses its resolver, plan_ids, _result, _plan_title, _unit_order."""

    def _extreme(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows = backend.run("counts", q)
        rows.merge_names(self.resolver.representative)
        labelled = rows.labelled_counts()  # several regions' 区科协 are counted apart, never added up
        counts = {label: n for label, (_, _, n) in labelled.items()}
        where = render.where(q, self._plan_title, len(self.plan_ids) > 1)
        role = "牵头" if q.count_role == LEAD else "参与"
        if not counts:
            return self._result(f"{where or '方案'}中没有单位{role}措施。", []), rows
        best = max(counts.values()) if q.aggregate == MAX else min(counts.values())

        def order(label: str) -> tuple:
            return (*self._unit_order(labelled[label][0]), label)

        winners = sorted((n for n, c in counts.items() if c == best), key=order)
        word = "最多" if q.aggregate == MAX else "最少"
        shown = {label: self._also_written(label) for label in counts}
        if q.asked_unit:
            return self._asked_extreme(q, rows, labelled, winners, best, where, role, word), rows
        if len(winners) == 1:
            text = f"{best}项：{where}{role}措施{word}的是{shown[winners[0]]}，共{best}项。"
        else:
            text = (f"{best}项：{where}{role}措施{word}的有{len(winners)}个单位并列，各{best}项："
                    f"{'、'.join(shown[w] for w in winners)}。")
        others = sorted(
            ((n, c) for n, c in counts.items() if n not in winners),
            key=lambda x: (-x[1] if q.aggregate == MAX else x[1], order(x[0])),
        )[:3]
        if others:
            text += "其次：" + "、".join(
                f"{labelled[n][0]}（{labelled[n][1]}，{c}项）" if labelled[n][1] else f"{shown[n]}（{c}项）"
                for n, c in others
            ) + "。"
        text += "（只计部门单位，不含各镇、街道等属地）"
        units = [
            {
                "name": labelled[n][0],
                **({"region": labelled[n][1]} if labelled[n][1] else {}),
                "full_name": self.resolver.full_name(labelled[n][0]),
                "role": q.count_role,
                "count": counts[n],
                "measure_id": None,
            }
            for n in winners
        ]
        return self._result(text, [], units=units), rows

    def _asked_extreme(self, q, rows, labelled, winners, best, where, role, word) -> PolicyResult:
        """是 / 不 first, then the unit's own count and the winners': "不，区科协牵头3项；牵头最多的是…"."""
        asked = q.asked_unit
        mine = sorted(label for label, (name, _, _) in labelled.items() if name == asked)
        n = sum(labelled[label][2] for label in mine)
        named = "、".join(winners)
        if any(label in winners for label in mine):
            tie = f"（与{'、'.join(w for w in winners if w not in mine)}并列）" if len(winners) > len(mine) else ""
            text = f"是，{where}{asked}{role}{n}项措施，是{role}措施{word}的单位{tie}。"
        else:
            text = f"不，{where}{asked}{role}{n}项措施；{role}措施{word}的是{named}，{'各' if len(winners) > 1 else '共'}{best}项。"
        text += "（只计部门单位，不含各镇、街道等属地）"
        units = [{"name": asked, "full_name": self.resolver.full_name(asked), "role": q.count_role,
                  "count": n, "measure_id": None}]
        return self._result(text, [], units=units)

    def _compare(self, q: PolicyQuery, backend) -> tuple[PolicyResult, Rows]:
        rows = backend.run("counts", q, names=[n for u in q.compare for n in self.resolver.same_unit(u)])
        rows.merge_names(self.resolver.representative)
        a, b = q.compare[:2]
        na, nb = rows.counts.get(a, 0), rows.counts.get(b, 0)
        role = "牵头" if q.count_role == LEAD else "参与"
        where = render.where(q, self._plan_title, len(self.plan_ids) > 1)
        sa, sb = self._also_written(a), self._also_written(b)
        if na == nb:
            text = f"一样多：{where}{sa}和{sb}各{role}{na}项措施。"
        else:
            (more, less), (smore, sless) = ((a, b), (sa, sb)) if na > nb else ((b, a), (sb, sa))
            text = (
                f"{more}更多：{where}{smore}{role}{max(na, nb)}项措施，{sless}{role}{min(na, nb)}项，"
                f"相差{abs(na - nb)}项。"
            )
        units = [
            {
                "name": n,
                "full_name": self.resolver.full_name(n),
                "role": q.count_role,
                "count": rows.counts.get(n, 0),
                "measure_id": None,
            }
            for n in (a, b)
        ]
        return self._result(text, [], units=units), rows

    def _also_written(self, name: str) -> str:
        """县大数据管理中心（也写作县大数据中心）: a unit its plan names in two ways, with both."""
        others = [n for n in self.resolver.same_unit(name) if n != name]
        return f"{name}（也写作{'、'.join(others)}）" if others else name
