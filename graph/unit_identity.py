"""Which names are the same unit: a unit is its name *and* the region the name belongs to.

A plan names its units relative to its own region: 市发改委 in 上海's plan is 上海's commission, in
淮安's plan 淮安's, and 区科协 of 淮阴区 is not 区科协 of 罗湖区. So a unit's identity is
(scope, name), where the scope is

- "" for a name that is unique nationwide: central bodies (教育部, 人力资源社会保障部, 国家发展改革委,
  海关总署, 市场监管总局, 中国科协…) and names that carry a central prefix (国家/中国/中央/国务院…),
  which includes the place-named branches 中国人民银行泰安市分行 and 国家税务总局淮安市税务局;
  every unit of a national plan (国务院, 国务院办公厅, 中共中央…) is such a body;
- the plan's region (淮阴区, 成都市, 四川省) for every other name: departments with a level
  prefix (市科技局), bare ones (科技厅 in a provincial plan), companies, zones, towns;
- "plan:<id>" when the plan's region is unknown, so two places are never merged by accident.

Names stay as the plan wrote them (or the registry's canonical form); only identity (IRIs, the
unit pages, which measures a question about 区科协 may draw on) takes the scope into account.
"""

from __future__ import annotations

import re

from graph.records import PlanRecord

# Central prefixes: the name says by itself that it is national (or a branch of a national body).
_CENTRAL_PREFIX = re.compile(
    r"^(?:国家|中国|中华全国|中央|中共中央|国务院|全国|共青团中央|人民银行|人行|最高人民)"
)
# Ministries and central administrations written bare: 教育部, 人力资源社会保障部, 海关总署,
# 市场监管总局 (a 总局 is central whatever its first character), 中宣部.
_CENTRAL_SUFFIX = re.compile(r"(?:总署|总局|银保监会|证监会|金融监管总局)$")
_MINISTRY = re.compile(r"^[\u4e00-\u9fff]{2,12}部$")
_LEVEL_FIRST = "省市区县州镇乡村团"
_LOCAL_PARTY = re.compile(r"委[\u4e00-\u9fff]*部$")  # 区委宣传部, 县委统战部: a local party department
_NATIONAL_ISSUER = re.compile(r"^(?:关于印发)?《?(?:国务院|中共中央|中央|全国|国家)")


def is_national(name: str) -> bool:
    """Whether a unit name is unique nationwide (a central body), whatever plan names it."""
    name = name.strip()
    if not name:
        return False
    if _CENTRAL_PREFIX.match(name) or _CENTRAL_SUFFIX.search(name):
        return True
    return bool(_MINISTRY.match(name)) and name[0] not in _LEVEL_FIRST and not _LOCAL_PARTY.search(name)


def is_national_plan(plan: PlanRecord) -> bool:
    """A plan of the State Council, the Party centre or a ministry: no region, a central issuer."""
    return not plan.region and bool(_NATIONAL_ISSUER.match(plan.title or ""))


def plan_scope(plan: PlanRecord) -> str:
    """The scope a plan's region-relative names belong to ("" for a national plan)."""
    if plan.region:
        return plan.region
    return "" if is_national_plan(plan) else f"plan:{plan.id}"


def unit_scope(plan: PlanRecord, name: str) -> str:
    """The scope of one unit a plan names: "" when the name is national, else the plan's scope."""
    return "" if is_national(name) else plan_scope(plan)


def scope_label(scope: str) -> str:
    """How a scope is shown to people: 淮阴区; 全国 for ""; the plan id for a plan's own scope."""
    if not scope:
        return "全国"
    return scope.removeprefix("plan:")


def units_of(plans: list[PlanRecord]) -> dict[tuple[str, str], list]:
    """Every unit the plans name, as (scope, name), with the measures naming it, in plan order:
    淮阴区's and 罗湖区's 区财政局 are two entries."""
    out: dict[tuple[str, str], list] = {}
    for plan in plans:
        for measure in plan.measures:
            for name in measure.all_units:
                out.setdefault((unit_scope(plan, name), name), []).append(measure)
    return out
