"""The graph's own words a question can name: plans (region, title), chapters, sections and target
groups, read from the loaded plans (never a list written for one plan)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.records import PlanRecord
from qa_service.chat.question import normalize

# Endings people drop when naming a part: 科普基础设施建设工程 -> 科普基础设施建设.
_PART_ENDINGS = ("重点工程", "重点行动", "提升行动", "工程", "行动", "体系")
_GROUP_SPLIT = re.compile(r"[和及与、]")
_PART_NEXT = re.compile(
    r"\s*(工程|行动|方面|部分|板块|领域|这|那|中|里|内|有|共|一共|总共|包括|涉及|的措施|的工作|的任务|$|[?,，。])"
)
_GROUP_BEFORE = re.compile(r"(面向|针对|对|关于|涉及|服务|为)$")
_GROUP_AFTER = re.compile(
    r"(方面|群体|人群|相关|这一?块|科学素质提升行动|行动|工作中|的措施|的目标|的指标|的任务|的工作"
    # the group as the subject of a target question: "青少年每年有什么目标", "农民到2025年要达到多少"
    r"|每年|到20\d\d|有什么|有哪些|有几|要完成|要达到)"
)
_REGION_TAIL = re.compile(r"^(.{2,6}?)(市|区|县|省)")
# A district's plan implements its city's: "《淮安市人民政府关于…》" among its bases names the city.
_BASIS_CITY = re.compile(r"^《?([^《》]{2,4}?)(市)(人民政府|委|全民|关于)")


@dataclass
class Part:
    plan: str
    kind: str  # chapter | section
    title: str
    forms: list[str] = field(default_factory=list)


@dataclass
class Hit:
    value: str
    start: int
    end: int
    plan: str | None = None


class Vocabulary:
    def __init__(self, plans: list[PlanRecord]):
        self.plans = plans
        self.parts: list[Part] = []
        self.groups: dict[str, str] = {}  # form -> group label as stored
        self.plan_names: dict[str, set[str]] = {}  # form -> plan ids
        self.parent_names: dict[str, set[str]] = {}  # the city of a district's plan -> plan ids
        for plan in plans:
            for ch in plan.chapters:
                self.parts.append(Part(plan.id, "chapter", ch.title, _forms(ch.title)))
            for sec in plan.sections:
                if any(m.section_title == sec.title for m in plan.measures):
                    self.parts.append(Part(plan.id, "section", sec.title, _forms(sec.title)))
                if sec.target_group:
                    self._add_group(sec.target_group)
            for m in plan.measures:
                if m.target_group:
                    self._add_group(m.target_group)
            for form in _plan_forms(plan):
                self.plan_names.setdefault(form, set()).add(plan.id)
            for form in _parent_forms(plan):
                self.parent_names.setdefault(form, set()).add(plan.id)
        self._chapters_with_measures = {(m.plan, m.chapter_title) for p in plans for m in p.measures}

    def _add_group(self, label: str) -> None:
        self.groups.setdefault(normalize(label), label)
        for piece in _GROUP_SPLIT.split(label):
            if len(piece) >= 2:
                self.groups.setdefault(normalize(piece), label)

    def find_part(self, text: str) -> tuple[Part, Hit] | None:
        """The longest chapter/section name in the question; a short form (科普基础设施建设) only
        where the words after it speak of a part, not of one measure (科技资源科普化机制)."""
        best = None
        for part in self.parts:
            for form in part.forms:
                at = text.find(form)
                if at >= 0 and form != normalize(part.title) and not _PART_NEXT.match(text[at + len(form) :]):
                    continue
                if at >= 0 and (best is None or len(form) > best[1].end - best[1].start):
                    best = (part, Hit(part.title, at, at + len(form), part.plan))
        return best

    def find_group(self, text: str) -> Hit | None:
        """A target group named as a population (面向农民, 针对青少年, 老年人方面), not a word of a
        measure's name (实施高素质农民培育工程)."""
        best = None
        for form, label in self.groups.items():
            at = text.find(form)
            if at >= 0 and not (
                _GROUP_BEFORE.search(text[max(0, at - 3) : at]) or _GROUP_AFTER.match(text[at + len(form) :])
            ):
                continue
            if at >= 0 and (best is None or len(form) > best.end - best.start):
                best = Hit(label, at, at + len(form))
        return best

    def find_plans(self, text: str) -> list[str]:
        """Plans the question names by region or title; failing that, by the city a district's plan
        belongs to ("淮安市方案里…" for the 淮阴区 plan), unless a plan of that city itself is loaded."""
        for names in (self.plan_names, self.parent_names):
            found: list[str] = []
            for form in sorted(names, key=len, reverse=True):
                if form in text:
                    found += [p for p in sorted(names[form]) if p not in found]
            if found:
                return found
        return []


def _forms(title: str) -> list[str]:
    title = normalize(title)
    forms = {title}
    for ending in _PART_ENDINGS:
        if title.endswith(ending) and len(title) - len(ending) >= 4:
            forms.add(title[: -len(ending)])
    return sorted(forms, key=len, reverse=True)


def _plan_forms(plan: PlanRecord) -> set[str]:
    """How a question names a plan: its region (淮阴区, 淮阴) or the place its title starts with."""
    forms = set()
    for text in (plan.region, plan.title):
        m = _REGION_TAIL.match(normalize(text or ""))
        if m:
            forms.add(m.group(1) + m.group(2))
            forms.add(m.group(1))
    if plan.region:
        forms.add(normalize(plan.region))
    return {f for f in forms if len(f) >= 2}


def _parent_forms(plan: PlanRecord) -> set[str]:
    """The city of a district or county plan, from the documents it is based on."""
    if not (plan.region or "").endswith(("区", "县")):
        return set()
    forms = set()
    for title in plan.basis_titles:
        m = _BASIS_CITY.match(normalize(title))
        if m and m.group(1) + m.group(2) != plan.region:
            forms.update({m.group(1) + m.group(2), m.group(1)})
    return forms
