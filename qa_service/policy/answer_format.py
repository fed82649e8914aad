"""Concise Chinese chat answers, the `units` list and citations, built from graph records."""

from __future__ import annotations

from collections.abc import Callable

from graph.records import MeasureRecord, PlanRecord, TargetRecord

HINT = (
    "我可以回答：某项工作由哪些单位负责、由谁牵头，某个单位承担哪些任务，方案的量化目标，"
    "各项工程和行动包括哪些措施，以及方案的依据和期限。例如“谁负责科普教育基地建设？”“区科协负责哪些工作？”"
)
OOS_ANSWER = "抱歉，方案中未涉及这个问题。" + HINT
NO_PLAN_ANSWER = "目前还没有导入任何方案，暂时无法回答政策问题。请管理员先运行 kepu ingest plan 导入方案。"

_SEP = "、"


def joined(names: list[str]) -> str:
    return _SEP.join(names)


def local_text(measure: MeasureRecord) -> str:
    return joined([*measure.local_units, *measure.zones])


def measure_resp(measure: MeasureRecord) -> str:
    """【强化科普教育基地建设】牵头单位：区委宣传部；配合单位：…；落实：各镇、各街道、高新区、农科园。（出处：二、（三）3.）"""
    parts = []
    if measure.lead_units:
        parts.append(f"牵头单位：{joined(measure.lead_units)}")
        if measure.co_units:
            parts.append(f"配合单位：{joined(measure.co_units)}")
    elif len(measure.co_units) == 1:
        parts.append(f"责任单位：{measure.co_units[0]}")
    elif measure.co_units:
        parts.append(f"责任单位：{joined(measure.co_units)}（未区分牵头，共同负责）")
    if local_text(measure):
        parts.append(f"落实：{local_text(measure)}")
    if not parts:
        parts.append("方案未列出责任单位")
    return f"【{measure.title}】{'；'.join(parts)}。（出处：{measure.clause_label}）"


def measure_topic(measure: MeasureRecord, limit: int = 110) -> str:
    """A question naming a topic without asking who: what the clause says, then who does it."""
    body = measure.text[len(measure.title):].lstrip("。；，") if measure.text.startswith(measure.title) else measure.text
    excerpt = body[:limit] + ("…" if len(body) > limit else "")
    return f"{measure_resp(measure)}\n主要内容：{excerpt}"


def measure_lead(measure: MeasureRecord) -> str:
    if measure.lead_units:
        body = f"牵头单位：{joined(measure.lead_units)}"
    elif len(measure.co_units) == 1:
        body = f"由{measure.co_units[0]}负责（方案只列了这一个单位）"
    elif measure.co_units:
        body = f"方案未明确牵头单位，由{joined(measure.co_units)}共同负责"
    else:
        body = "方案未列出责任单位"
    return f"【{measure.title}】{body}。（出处：{measure.clause_label}）"


def unit_info(unit: str, full_name: str, region: str, involved: int, leads: int) -> str:
    """ "区科协即淮阴区科学技术协会。方案中参与35项措施，其中牵头3项。" """
    where = f"（{region}）" if region else ""
    if full_name and full_name != unit:
        head = f"{unit}{where}即{full_name}。"
    else:
        head = f"{unit}{where}：方案中就用这一名称，单位名录里没有登记它的全称。"
    if not involved:
        return head + "方案中没有列出它承担的措施。"
    tail = f"，其中牵头{leads}项" if leads else "，都不是牵头单位"
    return head + f"方案中参与{involved}项措施{tail}。可以问“{unit}负责哪些工作？”查看。"


def reverse(unit: str, full_name: str, measures: list[MeasureRecord], lead_only: bool,
            all_count: int, chapter_title: Callable[[MeasureRecord], str]) -> str:
    who = unit if full_name in ("", unit) else f"{unit}（{full_name}）"
    if not measures:
        if lead_only and all_count:
            return f"方案中{who}没有牵头的措施，它作为配合单位参与{all_count}项措施。可以问“{unit}负责哪些工作？”查看。"
        return f"未找到单位“{unit}”承担的措施：{who}不在方案任何一项措施的责任单位中。"
    leads = [m for m in measures if unit in m.lead_units]
    if lead_only:
        head = f"{who}牵头{len(measures)}项措施："
    elif leads:
        head = f"{who}参与{len(measures)}项措施（其中牵头{len(leads)}项，标“牵头”）："
    else:
        head = f"{who}参与{len(measures)}项措施："
    # Long lists drop the clause labels (they stay in the citations) to fit one chat message.
    with_clause = len(measures) <= 12
    lines = [head]
    groups: dict[str, list[str]] = {}
    for m in measures:
        mark = "（牵头）" if not lead_only and unit in m.lead_units else ""
        clause = f"（{m.clause_label}）" if with_clause else ""
        groups.setdefault(chapter_title(m), []).append(f"{short_title(m.title)}{mark}{clause}")
    for chapter, items in groups.items():
        lines.append(f"{chapter}：{'；'.join(items)}")
    return "\n".join(lines)


def short_title(title: str, limit: int = 24) -> str:
    """Unnumbered paragraphs have a whole sentence as title."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


def foreign_unit(name: str, region: str) -> str:
    where = region or "本区"
    return f"方案中未涉及{name}的职责：本方案只规定{where}各单位的任务。" + HINT


def target_line(target: TargetRecord, measure: MeasureRecord | None, subs: list[TargetRecord]) -> str:
    text = target.text.rstrip("。；;，,")
    extra = [s.text.rstrip("。；;，,") for s in subs if s.text not in text]
    if extra:
        text += "（" + "；".join(extra) + "）"
    if target.deadline and target.deadline not in text:
        text += f"（期限：{target.deadline}）"
    if measure is None:
        return f"主要目标：{text}。（出处：一、（三）主要目标）"
    return f"{text}。（措施：【{measure.title}】，出处：{measure.clause_label}）"


def no_targets(measures: list[MeasureRecord]) -> str:
    titles = "、".join(f"【{m.title}】" for m in measures)
    return f"{titles}没有写明量化目标。"


def structure(label: str, title: str, measures: list[MeasureRecord], children: list[str]) -> str:
    if children:
        items = "；".join(f"{i}. {c}" for i, c in enumerate(children, 1))
        return f"【{title}】（{label}）包括{len(children)}部分：{items}。"
    items = "；".join(f"{i}. {m.title}" for i, m in enumerate(measures, 1))
    return f"【{title}】（{label}）包括{len(measures)}项措施：{items}。"


def basis(plan: PlanRecord) -> str:
    if not plan.basis and not plan.basis_titles:
        return f"《{plan.title}》未写明制定依据。"
    items = []
    for i, number in enumerate(plan.basis):
        title = plan.basis_titles[i] if i < len(plan.basis_titles) else ""
        title = title if not title or title.startswith("《") else f"《{title}》"
        items.append(f"{title}（{number}）" if title else number)
    for title in plan.basis_titles[len(plan.basis):]:
        items.append(title if title.startswith("《") else f"《{title}》")
    return f"《{plan.title}》依据：" + "；".join(items) + "。"


def plan_info(plan: PlanRecord) -> str:
    parts = [f"《{plan.title}》"]
    if plan.region:
        parts.append(f"适用地区：{plan.region}")
    if plan.period:
        parts.append(f"实施期限：{plan.period}年")
    if plan.status:
        note = "（尚未正式印发）" if "征求意见" in plan.status or "草案" in plan.status else ""
        parts.append(f"当前状态：{plan.status}{note}")
    measures = len(plan.measures)
    parts.append(f"共{len(plan.chapters)}章、{measures}项措施")
    return parts[0] + "，" + "；".join(parts[1:]) + "。"


def suggestions(measures: list[MeasureRecord]) -> str:
    items = " ".join(f"{i}.【{m.title}】" for i, m in enumerate(measures, 1))
    return f"方案中没有找到与您的问题完全对应的条款。您问的是不是：{items}？可以换个说法，或直接问其中一项。"


def target_suggestions(texts: list[str]) -> str:
    items = " ".join(f"{i}. {t}" for i, t in enumerate(texts, 1))
    return f"方案中没有找到与您的问题完全对应的目标。您问的是不是：{items}？"


def unit_entries(measure: MeasureRecord, full_name: Callable[[str], str], lead_only: bool = False) -> list[dict]:
    out = [{"name": u, "full_name": full_name(u), "role": "lead"} for u in measure.lead_units]
    if lead_only and measure.lead_units:
        return out
    out += [{"name": u, "full_name": full_name(u), "role": "co"} for u in measure.co_units]
    if not lead_only:
        out += [{"name": u, "full_name": u, "role": "local"} for u in measure.local_units]
        out += [{"name": u, "full_name": u, "role": "zone"} for u in measure.zones]
    return out


def citation(measure: MeasureRecord, quote: str | None = None) -> dict:
    source = measure.source
    return {
        "measure_id": measure.id,
        "clause": measure.clause_label,
        "title": measure.title,
        "file": source.file if source else None,
        "start": source.start if source else None,
        "end": source.end if source else None,
        "quote": quote or _quote(measure),
    }


def plan_citation(plan: PlanRecord, clause: str, title: str, quote: str) -> dict:
    return {"measure_id": None, "clause": clause, "title": title, "file": plan.source_file or None,
            "start": None, "end": None, "quote": quote}


def _quote(measure: MeasureRecord, limit: int = 120) -> str:
    text = f"{measure.title}。{measure.text}" if not measure.text.startswith(measure.title) else measure.text
    text = text[:limit] + ("…" if len(text) > limit else "")
    if measure.responsibility_note:
        text += f"（{measure.responsibility_note.strip('（）()')}）"
    return text
