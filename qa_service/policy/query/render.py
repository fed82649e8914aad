"""Query rows -> short exact Chinese answers: the number first, then the measures grouped by
chapter, each with its clause (二、（三）3.)."""

from __future__ import annotations

from collections.abc import Callable

from graph.records import MeasureRecord, PlanRecord, TargetRecord
from qa_service.policy import answer_format as fmt
from qa_service.policy.query.query import ANY, CO, LEAD, PolicyQuery

WECHAT_ITEMS = 12  # measures a WeChat reply lists before pointing to the web page
_ROLE = {LEAD: "牵头", CO: "参与但不牵头", ANY: "参与"}


def condition(q: PolicyQuery) -> str:
    """The units part of a query in words: 区科协和区教体局都参与 / 区科协牵头、区妇联不参与."""
    if not q.units:
        return "未明确牵头单位" if q.no_lead else ""
    same = len({(t.role, t.negated) for t in q.units}) == 1
    if same and len(q.units) > 1:
        names = ("或" if q.op == "or" else "和").join(t.name for t in q.units)
        t = q.units[0]
        word = ("都" if q.op == "and" else "") + ("不" if t.negated else "") + _ROLE[t.role]
        text = names + word
    else:
        text = ("或" if q.op == "or" else "、").join(
            f"{t.name}{'不' if t.negated else ''}{_ROLE[t.role]}" for t in q.units
        )
    if q.no_lead:
        text += "且未明确牵头单位"
    return text


def where(q: PolicyQuery, plan_title: Callable[[str], str], many_plans: bool) -> str:
    s = q.scope
    parts = []
    if many_plans and len(s.plans) == 1:
        parts.append(f"《{plan_title(s.plans[0])}》")
    if s.chapter or s.section:
        parts.append(s.section or s.chapter)
    if s.group:
        parts.append(f"面向{s.group}的措施")
    return "".join(parts)


def measure_list(
    measures: list[MeasureRecord],
    chapter_of: Callable[[MeasureRecord], str],
    mark: Callable[[MeasureRecord], str] = lambda m: "",
    limit: int | None = None,
) -> list[str]:
    groups: dict[str, list[str]] = {}
    for m in measures[:limit] if limit else measures:
        label = m.clause_label
        groups.setdefault(chapter_of(m), []).append(f"{fmt.short_title(m.title)}{mark(m)}（{label}）")
    return [f"{chapter}：{'；'.join(items)}" for chapter, items in groups.items()]


def list_answer(head: str, measures: list[MeasureRecord], chapter_of, mark=lambda m: "") -> tuple[str, str]:
    """(full answer, WeChat answer): the WeChat one keeps WECHAT_ITEMS measures and points to the page."""
    full = "\n".join([head, *measure_list(measures, chapter_of, mark)])
    if len(measures) <= WECHAT_ITEMS:
        return full, full
    short = "\n".join(
        [
            head,
            *measure_list(measures, chapter_of, mark, WECHAT_ITEMS),
            f"……另有{len(measures) - WECHAT_ITEMS}项，完整列表请在网页版问答页（/）输入同一问题查看。",
        ]
    )
    return full, short


def roles_line(m: MeasureRecord) -> str:
    if m.lead_units:
        text = f"该项牵头单位：{fmt.joined(m.lead_units)}"
        if m.co_units:
            text += f"；配合单位：{fmt.joined(m.co_units)}"
    elif m.co_units:
        text = f"该项责任单位：{fmt.joined(m.co_units)}" + (
            "（未区分牵头，共同负责）" if len(m.co_units) > 1 else ""
        )
    else:
        text = "该项未列出责任单位"
    local = fmt.local_text(m)
    if local:
        text += f"；落实：{local}"
    return f"{text}。（【{m.title}】，出处：{m.clause_label}）"


def role_of(unit: str | list[str], m: MeasureRecord) -> str | None:
    """The role of the unit (by its name, or by every name its plan writes for it) in `m`."""
    names = {unit} if isinstance(unit, str) else set(unit)
    if names & set(m.lead_units):
        return "牵头单位"
    if names & set(m.co_units):
        return "责任单位（共同负责）" if not m.lead_units else "配合单位"
    if names & set(m.local_units) or names & set(m.zones):
        return "落实单位"
    return None


def target_line(t: TargetRecord, m: MeasureRecord | None, plan: PlanRecord, many_plans: bool) -> str:
    text = t.text.rstrip("。；;，,")
    when = [x for x in (t.deadline, t.period) if x and x not in text]
    if when:
        text += "（" + "，".join(when) + "）"
    where = f"《{plan.title}》" if many_plans else ""
    if m is None:
        return f"{where}主要目标：{text}。"
    return f"{where}{text}。（【{m.title}】，出处：{m.clause_label}）"
