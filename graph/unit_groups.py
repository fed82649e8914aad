"""Which names of one plan are one unit, and the shapes of unit names the resolver reads:
县人力社保局 in two notes and 县人社局 in a third; 财政厅 in a note that began 省工业和信息化厅、…
(the province's 省财政厅). Read by graph/unit_resolver.py."""

from __future__ import annotations

import re

from graph.records import PlanRecord
from graph.unit_synonyms import same_unit_key

LEVELS = "省市县区"
SELF_CONTAINED = re.compile(
    r"^(?:区|市|县|省|州|镇|乡|团|共青团|中共|中国|国家|各|全|人行|人民银行)|^[\u4e00-\u9fff]{2,4}?(?:省|市|区|县)"
)
# Names complete by themselves whatever the plan's level: companies, banks, customs, zone committees.
COMPLETE = re.compile(
    r"(?:集团|公司|银行|分行|支行|资本|海关|管委会|监管局|监管分局|证监局|金融监管局|中心支行)$"
)


def plan_level(plan: PlanRecord) -> str:
    """省 / 市 / 县 / 区: the level of the plan's region, "" when it names none."""
    return plan.region[-1] if plan.region and plan.region[-1] in LEVELS else ""


def bare_name(name: str, level: str) -> bool:
    """A department written without its level (财政厅 in 省工业和信息化厅、财政厅), 市场监管局 too."""
    if not level or name.startswith(level):
        return False
    if name.startswith("市场"):
        return True
    return not (SELF_CONTAINED.match(name) or COMPLETE.search(name))


def same_unit_groups(plan: PlanRecord) -> list[list[str]]:
    """Groups of two or more of the plan's unit names that name one unit, the name written first
    first: forms sharing a `same_unit_key` (a bare name read at the plan's level) and the plan's
    own aliases."""
    names = list(dict.fromkeys(n for m in plan.measures for n in m.all_units))
    level = plan_level(plan)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(same_unit_key(level + name if bare_name(name, level) else name), []).append(name)
    out = [group for group in groups.values() if len(group) > 1]
    out += [[c, a] for c, aliases in plan.unit_aliases.items() for a in aliases if c in names and a in names]
    return out
