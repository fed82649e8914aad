"""Question -> PolicyQuery, or None when the question is not of a kind this package answers.

Units come from the unit resolver (full names, nicknames, typos), parts of the plan and target
groups from the graph's vocabulary, a measure named by its meaning from the existing ranking
models. The cue words (cues.py) say what is asked (a role, a set operation, an aggregate); none of
them names anything in a particular plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.unit_resolver import UnitMention
from qa_service.policy.intent import _DO as _INTENT_DO
from qa_service.policy.intent import _OOS_ADMIN
from qa_service.policy.query import cues
from qa_service.policy.query.query import (
    ANY,
    CO,
    COMPARE,
    COUNT,
    DEADLINE,
    LEAD,
    LIST,
    MAX,
    MIN,
    OR,
    PLAN_DIFF,
    TARGETS,
    UNITS,
    YESNO,
    PolicyQuery,
    Scope,
    TargetFilter,
    UnitTerm,
)
from qa_service.policy.query.terms import between as _between
from qa_service.policy.query.terms import dedupe as _dedupe
from qa_service.policy.query.terms import excepted as _excepted
from qa_service.policy.query.terms import mask as _mask
from qa_service.policy.query.terms import terms as _terms
from qa_service.policy.query.terms import unknown_units as _unknown_units
from qa_service.policy.query.vocabulary import Vocabulary
from qa_service.policy.state import TurnState


@dataclass
class Parsed:
    query: PolicyQuery
    needs_measure: bool = False  # the measure is named by meaning: rank it before running
    measure_text: str = ""  # the question with units and cue words taken out, for ranking
    unknown_units: list[str] = field(default_factory=list)
    followup: bool = False
    missing_part: tuple[str, int] | None = None  # ("第九章", chapters the plan has): named, not there
    articles: bool = False  # "一共有几条？" of a plan of articles (第一条…): the articles counted


def parse(
    text: str,
    mentions: list[UnitMention],
    vocab: Vocabulary,
    plan_ids: list[str],
    previous: TurnState | None = None,
) -> Parsed | None:
    if _OOS_ADMIN.search(text):
        return None  # opening hours, visits, fees: the plan does not say (qa_service/intent.py)
    mentions = _dedupe(mentions)
    # "有没有参与" asks, it does not negate: read the roles from "有参与".
    asks_yesno = bool(cues.YESNO.search(text))
    text = re.sub(
        r"有没有|是不是|是否", lambda m: m.group()[0] + " " * (len(m.group()) - 1), text
    )  # same offsets
    # "参不参与" / "负不负责" / "牵不牵头" ask, they do not negate: read them as 参与 / 负责 / 牵头.
    text = re.sub(r"(参|负|牵|管|配)[不没](参与|负责|牵头|管|配合)",
                  lambda m: " " * (len(m.group()) - len(m.group(2))) + m.group(2), text)
    bare = _mask(text, [(m.start, m.end) for m in mentions])
    scope = Scope(plans=vocab.find_plans(bare) or list(plan_ids))
    # Several plans loaded and the question names some of them: only the query keeps to those.
    plan_named = 0 < len(scope.plans) < len(plan_ids)
    part = vocab.find_part(bare, scope.plans)
    if part is not None and part[1].numbered:
        # "第六条到第十条里…": the range of articles, not its last one
        span = vocab.find_range(bare, scope.plans)
        if span is not None and span[1].start <= part[1].start < span[1].end:
            part = None
    group = vocab.find_group(bare)
    numbered_part = part is not None and part[1].numbered
    if part is not None:
        part_obj, hit = part
        if part_obj.kind == "chapter":
            scope.chapter = part_obj.title
        else:
            scope.section = part_obj.title
        bare = _mask(bare, [(hit.start, hit.end)])
    elif group is not None:
        scope.group = group.value
    missing = vocab.missing_chapter(bare, scope.plans) if part is None else None
    if missing is not None:
        return Parsed(PolicyQuery(scope=scope), missing_part=missing)
    ranged = vocab.find_range(bare, scope.plans) if part is None else None
    if ranged is None and part is None:
        ranged = vocab.find_nth(bare, scope.plans)
    if ranged is not None:  # 前五条措施里…
        scope.measure_ids, hit = ranged[0], ranged[1]
        bare = _mask(bare, [(hit.start, hit.end)])
        numbered_part = True
    unknown = _unknown_units(bare, vocab.levels)
    followup = _follow_scope(text, mentions, previous, scope)
    if followup is None and previous and previous.query and cues.FOLLOW_NE.match(text) and mentions:
        return _swap_unit(previous.query, mentions)
    excepted = _excepted(text, mentions)
    terms = _terms(text, mentions, excepted)
    has_scope = bool(scope.chapter or scope.section or scope.group or scope.measure_ids)
    q = PolicyQuery(units=terms, scope=scope)
    q.op = OR if len(terms) > 1 and cues.OR.search(_between(text, mentions)) else "and"
    q.no_lead = any(not any(0 <= nl.start() - m.end <= 3 for m in mentions) for nl in cues.NO_LEAD.finditer(text))
    lead_asked = bool(cues.LEAD.search(_mask(text, [(m.start, m.end) for m in mentions])))
    if followup is not None and not terms and lead_asked and not cues.WHO.search(text):
        # "区科技局参与了几项？" -> "其中牵头的有几项？": the unit asked about before, now as lead
        before = [t for t in (previous.query or {}).get("units", []) if not t.get("negated")] if previous else []
        if len(before) == 1:
            terms = [UnitTerm(before[0]["name"], LEAD, names=list(before[0].get("names") or []))]
            q.units = terms

    # Which of two plans, or both: "两个方案里区科协牵头的工作有什么不同？"
    named = vocab.find_plans(bare)
    if (
        len(plan_ids) > 1
        and (cues.TWO_PLANS.search(text) or len(named) >= 2)
        and (cues.DIFF.search(text) or cues.COMPARE.search(text))
        and not (cues.MOST.search(text) or cues.LEAST.search(text))  # "各自…最多": most, plan by plan
    ):
        q.aggregate, q.compare = PLAN_DIFF, named[:2] if len(named) >= 2 else list(plan_ids)[:2]
        return Parsed(q, unknown_units=unknown)
    # "区科协是不是牵头最多的（单位）？": the superlative, answered yes or no for that unit.
    if (cues.MOST.search(text) or cues.LEAST.search(text)) and len(mentions) == 1 and asks_yesno and not _has_what(text):
        q.aggregate = MIN if cues.LEAST.search(text) and not cues.MOST.search(text) else MAX
        q.count_role = LEAD if lead_asked else ANY
        q.asked_unit, q.units = mentions[0].canonical, []
        return Parsed(q, unknown_units=unknown)
    # "老年人那部分都有谁参与？" -> "哪个参与得最多？": the superlative over the part asked before
    elliptic = bool(
        previous and previous.query and not mentions and not has_scope and len(text) <= 14
        and re.search(r"哪个|哪一个|哪家|谁", text)
    )
    # Superlatives: "哪个单位参与的措施最多？"
    if (
        (cues.MOST.search(text) or cues.LEAST.search(text))
        and len(mentions) < 2
        and (cues.WHO.search(text) or re.search(r"单位|部门", text) or elliptic)
    ):
        if elliptic:
            before = Scope(**previous.query.get("scope", {}))
            scope.chapter, scope.section, scope.group = before.chapter, before.section, before.group
            scope.measure_ids = list(before.measure_ids)
        q.aggregate = MIN if cues.LEAST.search(text) and not cues.MOST.search(text) else MAX
        q.count_role = LEAD if lead_asked else ANY
        q.units = []
        return Parsed(q, unknown_units=unknown)
    # Comparisons: "区科协和区教体局谁参与的措施多？"
    if len(mentions) >= 2 and cues.COMPARE.search(text) and not (asks_yesno and re.search(r"吗|么", text[-3:])):
        q.aggregate, q.compare = COMPARE, [m.canonical for m in mentions[:2]]
        q.count_role = LEAD if lead_asked else ANY
        q.units = []
        return Parsed(q, unknown_units=unknown)
    # Targets filtered by deadline, period or group: "到2025年要完成哪些目标？"
    year = _year(text)
    period = cues.PERIOD.search(text)
    if scope.group is None and not has_scope and cues.TARGET_NOUN.search(text):
        # "面向退役士兵有哪些量化目标？": a group no target of the plan is set for is asked as such
        # (the answer: none), not answered with every target
        unnamed = re.search(r"(面向|针对)([\u4e00-\u9fff]{2,8}?)(的|有|要|方面|群体|人群)", bare)
        if unnamed and not cues.TARGET_NOUN.search(unnamed.group(2)):
            scope.group = unnamed.group(2)
    if (
        cues.TARGET_WORD.search(text)
        and cues.TARGET_LIST.search(text)
        and (year or period or scope.group or terms or has_scope or cues.WHOLE.search(text) or cues.PLAN_WORD.search(text))
        and not cues.WHO.search(text)
        and not cues.COUNT.search(text.replace("多少个目标", "").replace("几个目标", ""))
        and cues.TARGET_NOUN.search(text)
    ):
        q.aggregate = TARGETS
        q.targets = TargetFilter(deadline=year, period="每年" if period else None,
                                 include_goals=not cues.MEASURES_ONLY.search(text))
        return Parsed(q, unknown_units=unknown, followup=followup is not None)
    # The targets of one measure named by its meaning: "强化金融赋能有哪些量化目标？"
    content = _strip_cues(bare, cues.TARGET_LIST)
    if (
        cues.TARGET_NOUN.search(text)
        and cues.TARGET_LIST.search(text)
        and not (terms or has_scope or year or period or scope.group or cues.WHO.search(text))
        and not cues.PLAN_WORD.search(text)
        and len(re.sub(r"量化|目标|指标|具体|主要", "", content).replace(" ", "")) >= 3
    ):
        q.aggregate = TARGETS
        q.targets = TargetFilter(include_goals=False)
        return Parsed(q, needs_measure=True, measure_text=content, unknown_units=unknown)
    # The deadline of one measure: "科普教育基地建设的完成时限是什么时候？"
    if (
        cues.DEADLINE_ASK.search(text)
        and not cues.WHO.search(text)
        and not terms
        and not (cues.PLAN_WORD.search(text) and not has_scope)
    ):
        q.aggregate = DEADLINE
        q.targets = TargetFilter(include_goals=False)
        _drop_group(q)
        return Parsed(
            q,
            needs_measure=not _part(q),
            measure_text=_strip_cues(bare, cues.DEADLINE_ASK),
            unknown_units=unknown,
            followup=followup is not None,
        )
    # "除了区科协，还有谁负责科技志愿服务？": the other units of a measure or part.
    if excepted and all(t.name in excepted for t in terms) and cues.WHO.search(text):
        q.aggregate, q.exclude_units, q.units = UNITS, excepted, []
        q.count_role = LEAD if lead_asked else ANY
        return Parsed(
            q,
            needs_measure=not has_scope,
            measure_text=_strip_cues(bare, cues.WHO),
            unknown_units=unknown,
            followup=followup is not None,
        )
    # Yes/no: "区妇联参与科普教育基地建设吗？"
    if terms and len(terms) <= 2 and asks_yesno and not cues.LIST_WORD.search(text) and not cues.COUNT.search(text):
        q.aggregate = YESNO
        content = _strip_cues(bare, cues.YESNO)
        named = len(content.replace(" ", "")) >= 2  # "华为那条县经信局参与吗？": 华为 names the measure
        if named:
            _drop_group(q)
        return Parsed(
            q,
            needs_measure=not _part(q) and named,
            measure_text=content,
            unknown_units=unknown,
            followup=followup is not None,
        )
    # Units of a part of the plan: "科普基础设施建设工程有哪些单位参与？", "…中谁牵头？"
    each = bool(cues.EACH_MEASURE.search(text))  # "各项措施分别由谁牵头？": the whole plan, measure by measure
    if not terms and (has_scope or each) and cues.WHO.search(text) and not q.no_lead:
        q.aggregate = UNITS
        q.count_role = LEAD if lead_asked else ANY
        return Parsed(q, unknown_units=unknown, followup=followup is not None)
    counting = bool(cues.COUNT.search(text))
    if (
        counting and not terms and not has_scope and len(set(scope.plans)) == 1
        and scope.plans[0] in vocab.article_plans and re.search(r"(几|多少)条", text)
    ):
        return Parsed(PolicyQuery(aggregate=COUNT, scope=scope), articles=True)
    if not terms and not has_scope and not counting and cues.ALL_MEASURES.search(text.strip()):
        return Parsed(q)  # "有哪些措施？": every measure of the plan, listed
    if (
        len(terms) >= 2
        and q.op != OR
        and not cues.AND.search(text[mentions[0].end :])
        and len({(t.role, t.negated) for t in terms}) == 1
        and not excepted
    ):
        return None  # "区民政局和区委组织部（分别）负责哪些工作？": one list per unit, the ranking path
    # Set operations, counts and lists of units within parts of the plan.
    new_kind = (
        len(terms) >= 2
        or any(t.negated or t.role == CO for t in terms)
        or q.no_lead
        or (terms and has_scope)
        or (counting and (terms or has_scope))
        # "方案里一共有多少项措施？": all measures of the plan counted
        or (counting and not terms and cues.TOTAL.search(text) and not re.search(r"目标|指标|章|部分", text))
        or followup is not None
        or bool(excepted and terms)
        or bool(terms and plan_named)
        # "第三章有哪些措施？": the ranking path reads parts by their titles only
        or numbered_part
        # "哪些措施区科协牵头？": one unit's list in an order the ranking path does not read
        or (
            len(terms) == 1
            and cues.LIST_WORD.search(text)
            and not _INTENT_DO.search(text)
            and not cues.WHO.search(text)
            and re.search(r"(哪些|哪几项|什么)(措施|工作|任务|事项|举措)", text)
        )
    )
    if not new_kind or not (counting or cues.LIST_WORD.search(text) or _doing(text)):
        if unknown and (terms or _doing(text)):
            return Parsed(q, unknown_units=unknown)
        return None
    if cues.WHO.search(text) and len(terms) <= 1 and not counting and not excepted and not q.no_lead:
        return None  # "…归谁负责？" names one measure: the ranking path answers it
    q.aggregate = COUNT if counting else LIST
    return Parsed(q, unknown_units=unknown, followup=followup is not None)


# --------------------------------------------------------------------------- pieces


def _has_what(text: str) -> bool:
    """Asks for a list or a name, not yes or no: "区科协参与最多的是哪些工作？"."""
    return bool(cues.LIST_WORD.search(text) or cues.WHO.search(text))


def _follow_scope(text: str, mentions, previous: TurnState | None, scope: Scope) -> bool | None:
    """ "那其中哪些是区科协牵头的？": restrict to the previous answer's measures."""
    if not previous or not cues.FOLLOW.match(text.strip()):
        return None
    ids = list(previous.measure_ids)
    if not ids:
        return None
    scope.measure_ids = ids
    return True


def _swap_unit(prev_query: dict, mentions: list[UnitMention]) -> Parsed | None:
    """ "那区委组织部呢？" after a query answer: the same query about the unit named now."""
    q = PolicyQuery.from_json(prev_query)
    if q.aggregate == COMPARE or not (q.units or q.exclude_units):
        return None
    name = mentions[0].canonical
    if q.units:
        q.units[0].name = name
    else:
        q.exclude_units = [name]
    return Parsed(q, followup=True)


def _part(q: PolicyQuery) -> bool:
    return bool(q.scope.chapter or q.scope.section or q.scope.measure_ids)


def _drop_group(q: PolicyQuery) -> None:
    """A group word inside a measure's name (实施高素质农民培育工程): the measure decides, not the group."""
    q.scope.group = None


def _year(text: str) -> str | None:
    m = cues.YEAR.search(text)
    return m.group(2) if m else None


def _doing(text: str) -> bool:
    return bool(re.search(r"负责|参与|牵头|承担|配合|做|管|工作|措施|任务|事", text))


def _strip_cues(bare: str, cue: re.Pattern) -> str:
    text = cues.EXCEPT_TAIL.sub(" ", cues.EXCEPT.sub(" ", cue.sub(" ", bare)))
    # "人才安居那条", "免租金的那一项": the pointing words name no content of the measure
    text = re.sub(r"(的)?(那|这|该)(一)?(条|项|点)(措施|政策)?", " ", text)
    text = re.sub(
        r"参与|负责|牵头|单位|部门|完成|工作|的|了|吗|呢|是|有|在|中|里|这项|该项|这个|还|谁|哪些|[?？,，。!！]",
        " ",
        text,
    )
    return re.sub(r"\s+", " ", text).strip()
