"""The plans as the pages see them: measures by id, units by any name, chapters and sections.

Built from the plan records once per graph generation (the store hands back the same records
until something is re-ingested), so a page never walks the graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.records import MeasureRecord, PlanRecord
from graph.roles import PLACE_ROLES, ROLE_NAMES, ROLES, role_of  # noqa: F401 - the pages' names for them
from graph.unit_identity import scope_label, unit_scope, units_of
from graph.unit_resolver import registry_applies


@dataclass(frozen=True)
class Involvement:
    measure: MeasureRecord
    role: str  # one of ROLES


@dataclass
class ChapterGroup:
    plan: PlanRecord
    key: str  # chapter id, stable in URLs
    label: str  # 二、
    title: str
    items: list = field(default_factory=list)


@dataclass
class UnitSummary:
    name: str
    full_name: str
    lead: int
    total: int
    place: bool  # a town, street or zone rather than a department


class Catalog:
    def __init__(self, plans: list[PlanRecord], registry=None):
        self.plans = list(plans)
        self.registry = registry
        self.measures: dict[str, MeasureRecord] = {}
        self.plan_of: dict[str, PlanRecord] = {}
        # A unit's page key is its name; a name that plans of several regions use is one unit
        # per region, keyed 区财政局（罗湖区） (graph/unit_identity.py).
        self.units: dict[str, list[Involvement]] = {}
        self.unit_name: dict[str, str] = {}  # page key -> the name as the plans write it
        self.unit_scope: dict[str, str] = {}  # page key -> its region (scope)
        self._page_key: dict[tuple[str, str], str] = {}  # (scope, name) -> page key
        self._aliases: dict[str, str] = {}
        for plan in self.plans:
            for alias_owner, aliases in plan.unit_aliases.items():
                for alias in aliases:
                    self._aliases.setdefault(alias, alias_owner)
            for m in plan.measures:
                self.measures[m.id] = m
                self.plan_of[m.id] = plan
        found = units_of(self.plans)
        regions = Counter(name for _, name in found)
        for (scope, name), measures in found.items():
            key = name if regions[name] == 1 else f"{name}（{scope_label(scope)}）"
            self.unit_name[key], self.unit_scope[key] = name, scope
            self._page_key[(scope, name)] = key
            self.units[key] = [Involvement(m, role_of(m, name)) for m in measures]

    # ------------------------------------------------------------------ units

    def resolve_unit(self, name: str) -> str | None:
        """The page key for any written form the registry or the plans know; None if unknown or
        if the name is several regions' units (see `regions_of`)."""
        canonical = self._canonical(name)
        if canonical is None or canonical in self.units:
            return canonical
        return None if self.regions_of(canonical) else canonical

    def _canonical(self, name: str) -> str | None:
        name = "".join((name or "").split())
        if not name:
            return None
        if name in self.units:
            return name
        if name in self._aliases:
            return self._aliases[name]
        if self.registry is not None:
            return self.registry.canonical(name)
        return None

    def unit_key(self, plan: PlanRecord):
        """name -> the page key of the unit a name means in `plan`: the name itself, or
        区财政局（罗湖区） when plans of several regions name one, so a link opens that region's unit."""

        def key(name: str) -> str:
            return self._page_key.get((unit_scope(plan, name), name), name)

        return key

    def regions_of(self, name: str) -> list[str]:
        """The page keys of the units of this name (any written form) when plans of several
        regions name one: [区财政局（淮阴区）, 区财政局（罗湖区）]."""
        canonical = self._canonical(name) or "".join((name or "").split())
        return [key for key, unit in self.unit_name.items() if unit == canonical and key != canonical]

    def _registry_unit(self, unit: str) -> bool:
        """Whether the registry's names are this unit's (it describes one region)."""
        scope = self.unit_scope.get(unit)
        return self.registry is not None and (scope is None or registry_applies(self.registry, scope))

    def full_name(self, unit: str) -> str:
        if self._registry_unit(unit):
            return self.registry.full_name(self.unit_name.get(unit, unit))
        return self.unit_name.get(unit, unit)

    def aliases(self, unit: str) -> list[str]:
        out: list[str] = []
        info = self.registry.get(unit) if self._registry_unit(unit) else None
        if info is not None:
            out += [info.full_name, *info.aliases]
        out += [alias for alias, owner in self._aliases.items() if owner == unit]
        return [a for a in dict.fromkeys(out) if a and a != unit]

    def unit_summaries(self) -> list[UnitSummary]:
        out = []
        for unit, uses in self.units.items():
            place = all(u.role in PLACE_ROLES for u in uses)
            out.append(UnitSummary(unit, self.full_name(unit), sum(u.role == "lead" for u in uses), len(uses), place))
        out.sort(key=lambda s: (s.place, -s.lead, -s.total, s.name))
        return out

    def involvements_by_chapter(self, unit: str) -> list[ChapterGroup]:
        uses = {u.measure.id: u for u in self.units.get(unit, [])}
        return self.group_by_chapter([m for m in self.all_measures() if m.id in uses],
                                     lambda m: uses[m.id])

    # ------------------------------------------------------------------ structure

    def all_measures(self) -> list[MeasureRecord]:
        return [m for plan in self.plans for m in plan.measures]

    def chapter_key(self, measure: MeasureRecord) -> str:
        plan = self.plan_of[measure.id]
        label = measure.path[0] if measure.path else ""
        chapter = next((c for c in plan.chapters if c.label == label), None)
        return chapter.id if chapter else f"{plan.id}/{label}"

    def chapter_title(self, measure: MeasureRecord) -> str:
        plan = self.plan_of[measure.id]
        label = measure.path[0] if measure.path else ""
        return measure.chapter_title or next((c.title for c in plan.chapters if c.label == label), "")

    def section_title(self, measure: MeasureRecord) -> str:
        if measure.section_title or len(measure.path) < 2:
            return measure.section_title
        plan = self.plan_of[measure.id]
        return next((s.title for s in plan.sections
                     if s.chapter_label == measure.path[0] and s.label == measure.path[1]), "")

    def clause_path(self, measure: MeasureRecord) -> list[tuple[str, str]]:
        """(label, title) from the plan down to the measure: plan › chapter › section › number."""
        plan = self.plan_of[measure.id]
        steps = [("", plan.title or plan.id)]
        if measure.path:
            steps.append((measure.path[0], self.chapter_title(measure)))
        if len(measure.path) > 1:
            steps.append((measure.path[1], self.section_title(measure)))
        for label in measure.path[2:]:
            steps.append((label, ""))
        return steps

    def chapters(self) -> list[ChapterGroup]:
        """Every chapter that holds measures, in plan order (the matrix's chapter filter)."""
        return self.group_by_chapter(self.all_measures(), lambda m: m)

    def group_by_chapter(self, measures: list[MeasureRecord], item) -> list[ChapterGroup]:
        groups: dict[str, ChapterGroup] = {}
        for m in measures:
            key = self.chapter_key(m)
            if key not in groups:
                label = m.path[0] if m.path else ""
                groups[key] = ChapterGroup(self.plan_of[m.id], key, label, self.chapter_title(m))
            groups[key].items.append(item(m))
        return list(groups.values())

    def resolve_chapter(self, value: str) -> str | None:
        """A chapter key from its id, label (二 or 二、) or title."""
        value = (value or "").strip()
        if not value:
            return None
        for group in self.chapters():
            if value in (group.key, group.label, group.label.rstrip("、"), group.title,
                         group.label + group.title):
                return group.key
        return None
