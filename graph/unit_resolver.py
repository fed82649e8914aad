"""The one unit resolver: names as a plan writes them, and names in a question, -> units.

Reading a plan (ingest/): `UnitResolver(registry, prefix, region)` turns each name of a note into
the unit's canonical name for that plan. The registry (corpus/units.yaml) describes one region;
its canonical names apply only to plans of that region (`registry_applies`). A plan of another
place keeps its names as written, completes a bare name after a prefixed one (市发改委、经信局 ->
市经信局), and records a second form of one department (市发展改革委 after 市发改委) as an alias.

Answering (qa_service/): `UnitResolver.build(plans, registry)` indexes every form of every unit
the loaded plans name (the registry's aliases for plans of its region, the plans' own aliases,
the forms with and without the level prefix or the region's name) and finds them in questions,
typos included. A unit is its name *and* its region (graph/unit_identity.py): `scopes(name)` says
in which regions a unit of that name exists, and a mention that names the region (罗湖区科协)
carries it, so an answer never mixes two regions' 区科协.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from graph.records import PlanRecord
from graph.unit_groups import COMPLETE, LEVELS, SELF_CONTAINED, bare_name, plan_level, same_unit_groups
from graph.unit_identity import plan_scope, unit_scope
from graph.unit_registry import UnitRegistry
from graph.unit_short_names import ShortNames, short_forms
from graph.unit_synonyms import abbreviation_forms, local_forms, synonym_forms, synonym_key

# "X等有关部门" -> X: the catch-all tail of a list is no part of the last name.
TRAILING = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?$")
MARKERS = "*＊★☆※"
# Unit names end in one of these; typo candidates are substrings ending here.
_SUFFIX = re.compile(r"(局|委|部|办|会|联|中心|校|院|团|分局)")
_BRACKET = re.compile(r"^([^（(]{2,})[（(]([^）)]{1,8})[）)]$")
_MIN_FUZZY_LEN = 4
_OTHER_LEVEL = "市省县国"


def registry_applies(registry: UnitRegistry | None, region: str) -> bool:
    """Whether the registry's canonical names are this region's (a plan without a region is
    taken to be the registry's own, as the shipped plan of 淮阴区 would be)."""
    if registry is None:
        return False
    return not region or region == registry.region or region.endswith(registry.region)


def has_level(name: str) -> bool:
    return name[:1] in LEVELS


@dataclass(frozen=True)
class UnitMention:
    canonical: str
    start: int
    end: int
    surface: str
    score: float = 100.0  # 100 exact; rapidfuzz ratio for typos
    scope: str | None = None  # the region the written form names (罗湖区科协), None if it names none


class UnitResolver:
    def __init__(
        self, registry: UnitRegistry | None, prefix: str = "区", region: str = "", fuzzy_cutoff: float = 75.0
    ):
        self.registry = registry
        self.prefix = prefix
        self.region = region
        self.stem = region[:-1] if len(region) > 2 else region
        self.level = region[-1:] if region[-1:] in LEVELS else prefix
        self.bare_names: set[str] = set()  # names the plan writes without a level prefix on purpose
        self.add_prefix = True  # False when the plan's region is unknown: names stay as written
        self.first_form: dict[str, str] = {}  # synonym key -> the form the plan wrote first
        self.plan_aliases: dict[str, list[str]] = {}  # that form -> the other forms the plan wrote
        self.fuzzy_cutoff = fuzzy_cutoff
        # The question side (build): form -> units (scope, canonical), preferred first.
        self._forms: dict[str, list[tuple[str, str]]] = {}
        self._full: dict[tuple[str, str], str] = {}
        self._aliases: dict[str, list[str]] = {}
        self._scopes: dict[str, list[str]] = {}
        self._plans: dict[str, PlanRecord] = {}
        self._same: dict[str, list[str]] = {}  # a unit's name -> every name one plan writes for it
        self._short = ShortNames()  # 数据局 for 区数据资源局: names shortened in no list
        self._pattern: re.Pattern | None = None

    # ------------------------------------------------------------------ reading a plan

    def tidy(self, name: str) -> str:
        return TRAILING.sub("", "".join(name.split())).strip("，、。；：,;:" + MARKERS)

    def resolve(self, name: str, after: str = "") -> tuple[str, bool]:
        """(canonical or kept form, known to the registry). `after` is the name written before
        this one in the same list: a bare name after a prefixed one takes the prefix."""
        name = self.tidy(name)
        if not name:
            return "", False
        self_contained = bool(SELF_CONTAINED.match(name) or COMPLETE.search(name)) or bool(
            self.stem and name.startswith(self.stem)
        )
        if self.registry is not None:
            written = name if self_contained or not self.add_prefix else self.prefix + name
            canonical = self.registry.canonical(written) or self.registry.canonical(name)
            if canonical:
                return canonical, True
            return written, False
        if (
            not self_contained
            and after
            and after.startswith(self.prefix)
            and not name.endswith("厅")
            and name not in self.bare_names
        ):
            name = self.prefix + name
        return self._same_as_before(name), False

    def _same_as_before(self, name: str) -> str:
        """Another place's plan: 市发改委 after 市发展改革委 is recorded as an alias of the form
        written first (the measure keeps the name as the plan wrote it there)."""
        key = synonym_key(name)
        if key is None:
            return name
        first = self.first_form.setdefault(key, name)
        if first != name and name not in self.plan_aliases.setdefault(first, []):
            self.plan_aliases[first].append(name)
        return name

    def kind(self, canonical: str) -> str | None:
        return self.registry.kind(canonical) if self.registry is not None else None

    # ------------------------------------------------------------------ the loaded plans

    @classmethod
    def build(
        cls, plans: list[PlanRecord], registry: UnitRegistry | None = None, fuzzy_cutoff: float = 75.0
    ) -> UnitResolver:
        """A resolver over the units of these plans (and, for plans of its region, the registry's)."""
        out = cls(
            registry, registry.prefix if registry else "区", registry.region if registry else "", fuzzy_cutoff
        )
        home = registry.region if registry is not None else ""
        for plan in plans:
            out._plans[plan.id] = plan
            if registry_applies(registry, plan.region):
                home = plan_scope(plan)
            for name in dict.fromkeys(n for m in plan.measures for n in m.all_units):
                unit_of = unit_scope(plan, name)
                if unit_of not in out._scopes.setdefault(name, []):
                    out._scopes[name].append(unit_of)
                out._full.setdefault((unit_of, name), name)
            for canonical, aliases in plan.unit_aliases.items():
                for alias in aliases:
                    if alias not in out._aliases.setdefault(canonical, []):
                        out._aliases[canonical].append(alias)
        for plan in plans:
            out._group_same_units(plan)
        # Order matters to the tokenizer these forms feed (qa_service/policy/index.py): the
        # registry's forms first, then the plans' units and aliases, then their variants.
        # The registry names one region's units: with only other regions' plans loaded, its
        # forms would read 科技局 in 太仓's plan as 淮阴's 区科技局.
        if registry is not None and (not plans or any(registry_applies(registry, p.region) for p in plans)):
            for surface, canonical in registry.all_surface_forms().items():
                out._add(surface, (home, canonical))
            for info in registry.units():
                out._full[(home, info.canonical)] = info.full_name
                out._scopes.setdefault(info.canonical, [] if plans else [home])
        for plan in plans:
            for name in dict.fromkeys(n for m in plan.measures for n in m.lead_units + m.co_units):
                out._add_variants(name, (unit_scope(plan, name), name), plan.region)
                for form in synonym_forms(name):  # 发改委 of a plan that writes 市发展改革委
                    out._add(form, (unit_scope(plan, name), name))
        for plan in plans:  # 金投集团 for 市金融投资集团, where no unit has that form already
            for name in dict.fromkeys(n for m in plan.measures for n in m.lead_units + m.co_units):
                for form in abbreviation_forms(name):
                    if form not in out._forms:
                        out._add(form, (unit_scope(plan, name), name))
        for plan in plans:  # 金融中心 for 区金融服务中心, 城投 for 区城投集团; 经开区 for 县经开区
            departments = {n for m in plan.measures for n in m.lead_units + m.co_units}
            # a short form that is a word of the plan's titles (人才 of 省人才集团) names no unit
            titles = "|".join([*(m.title for m in plan.measures), *(s.title for s in plan.sections),
                               *(c.title for c in plan.chapters)])
            level = plan_level(plan)
            for name in dict.fromkeys(n for m in plan.measures for n in m.all_units):
                unit = (unit_scope(plan, name), name)
                forms = short_forms(name, name in departments)
                if name in departments and bare_name(name, level):
                    forms += [level + name, *synonym_forms(level + name)]  # 省财政厅 for 财政厅
                for form in forms:
                    core = form[1:] if has_level(form) and not form.startswith("市场") else form
                    if form not in out._forms and not (len(core) <= 3 and core in titles):
                        out._add(form, unit)
                if name in departments:
                    out._short.add(name)
        for plan in plans:
            for canonical, aliases in plan.unit_aliases.items():
                for alias in aliases:
                    out._add_variants(alias, (unit_scope(plan, canonical), canonical), plan.region)
        named = {(unit_scope(p, n), n) for p in plans for m in p.measures for n in m.all_units}
        for plan in plans:  # 各区人民政府 as the plan writes it (no short forms: 各镇 is not 镇)
            for name in dict.fromkeys(n for m in plan.measures for n in m.all_units):
                out._add(name, (unit_scope(plan, name), name))
                for form in local_forms(name):
                    out._add(form, (unit_scope(plan, name), name))
        region_of = {plan_scope(p): p.region for p in plans}
        for surface, units in list(out._forms.items()):
            for unit in units[:1]:
                out._add_variants(surface, unit, region_of.get(unit[0], registry.region if registry else ""))
        for surface, units in out._forms.items():
            # A form the loaded plans use means their unit (经信局 in 武汉's plan is 市经信局, not
            # the registry's 区工信局), the registry's only where no plan names a unit of that form.
            # A unit's own full name always means it; among the rest, the unit whose own name the
            # form shortens (市经信局) before one it is an alias of.
            units.sort(key=lambda u: (u[1] != surface, u not in named, not u[1].endswith(surface)))
            canonical = units[0][1]
            if surface != canonical and surface not in out._aliases.setdefault(canonical, []):
                out._aliases[canonical].append(surface)
        forms = sorted(out._forms, key=len, reverse=True)
        out._pattern = re.compile("|".join(re.escape(f) for f in forms)) if forms else None
        return out

    def _group_same_units(self, plan: PlanRecord) -> None:
        """Names one plan writes for one unit (县人力社保局 and 县人社局): one unit to the questions,
        the name written first standing for it."""
        for group in same_unit_groups(plan):
            merged = list(dict.fromkeys([*self._same.get(group[0], [group[0]]), *group]))
            for name in merged:
                self._same[name] = merged

    def same_unit(self, name: str) -> list[str]:
        """Every name the loaded plans write for the unit of this name, the one standing for it first."""
        return list(self._same.get(name, [name]))

    def representative(self, name: str) -> str:
        return self._same[name][0] if name in self._same else name

    def _add(self, form: str, unit: tuple[str, str], first: bool = False) -> None:
        if len(form) < 2:
            return
        units = self._forms.setdefault(form, [])
        if unit not in units:
            units.insert(0, unit) if first else units.append(unit)
        if "（" in form or "）" in form:  # questions are normalised to half-width brackets
            self._add(form.replace("（", "(").replace("）", ")"), unit, first)

    def _add_variants(self, name: str, unit: tuple[str, str], region: str) -> None:
        """The forms people write for one unit: 区卫健委 -> 卫健委; 区委组织部 -> 组织部;
        淮阴区卫生健康委员会 -> 卫生健康委员会, 区卫生健康委员会; 罗湖区's 区科协 -> 罗湖区科协."""
        self._add(name, unit)
        bracket = _BRACKET.match(name)
        if bracket:  # 市委组织部（人才办）: 市委组织部 / 组织部, and 人才办 / 市委人才办
            base, inner = bracket.group(1), bracket.group(2)
            self._add_variants(base, unit, region)
            if _SUFFIX.search(inner[-2:]) and len(inner) >= 2:
                self._add(inner, unit)
                if base[:1] in LEVELS:
                    self._add(base[:1] + inner, unit)
                    if base[1:2] == "委":
                        self._add(base[:2] + inner, unit)
            return
        stem = region[:-1] if len(region) > 2 else region
        level = region[-1:] if region[-1:] in LEVELS else ""
        for lead in dict.fromkeys((region, stem)):
            if lead and name.startswith(lead) and len(name) - len(lead) >= 2:
                rest = name[len(lead) :]
                self._add(rest, unit)
                if level and rest[:1] != level:
                    self._add(level + rest, unit)
                return
        if name[:1] in LEVELS and len(name) >= 3:
            rest = name[1:]
            self._add(rest, unit)
            if rest.startswith("委") and len(rest) >= 3:
                self._add(rest[1:], unit)  # 区委组织部 -> 组织部
            if region and name[:1] == level:
                self._add(region + rest, unit)

    # ------------------------------------------------------------------ lookups

    def canonical(self, name: str) -> str | None:
        """Exact (any alias) or, failing that, a close typo; None when nothing is close."""
        name = name.strip()
        if name in self._forms:
            return self.representative(self._forms[name][0][1])
        hit = process.extractOne(name, self._forms.keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff)
        if hit and not self._other_department(name, hit[0]):
            return self.representative(self._forms[hit[0]][0][1])
        return self._short.match(name, self.representative)

    def _other_department(self, written: str, form: str) -> bool:
        """Whether a name one character away from a known form is another department, not a typo
        of it: 市民政局 is not 市财政局 (a department every region has, or the registry names)."""
        mine = synonym_key(written) or self._registry_stem(written)
        return mine is not None and mine != (synonym_key(form) or self._registry_stem(form))

    def _registry_stem(self, name: str) -> str | None:
        stem = name[1:] if has_level(name) else name
        if self.registry is None or len(stem) < 2:
            return None
        return stem if self.registry.canonical(self.registry.prefix + stem) else None

    def full_name(self, canonical: str, scope: str | None = None) -> str:
        """The registry's full name for a unit of its region; the name itself for other regions."""
        if scope is not None:
            return self._full.get((scope, canonical), canonical)
        return next(
            (full for (_, name), full in self._full.items() if name == canonical and full != name), canonical
        )

    def aliases(self, canonical: str) -> list[str]:
        return sorted(self._aliases.get(canonical, []), key=len)

    def known(self) -> list[str]:
        return sorted({canonical for units in self._forms.values() for _, canonical in units})

    def scopes(self, canonical: str) -> list[str]:
        """The regions (scopes) in which a unit of this name is named by the loaded plans."""
        return list(self._scopes.get(canonical, []))

    def scope_of(self, plan_id: str, name: str) -> str:
        """The scope of one unit of one loaded plan."""
        plan = self._plans.get(plan_id)
        return unit_scope(plan, name) if plan is not None else ""

    def find(self, text: str) -> list[UnitMention]:
        """Unit mentions in reading order: longest exact forms first, then typos in the gaps."""
        found: list[UnitMention] = []
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                if m.start() and text[m.start() - 1] in _OTHER_LEVEL:
                    continue  # 市科协 is the city's association, not 区科协
                units = self._forms[m.group()]
                found.append(
                    UnitMention(
                        units[0][1], m.start(), m.end(), m.group(), scope=self._named_scope(m.group(), units)
                    )
                )
        taken = [(m.start, m.end) for m in found]
        for mention in self._fuzzy(text, taken):
            found.append(mention)
            taken.append((mention.start, mention.end))
        found += [UnitMention(unit, start, end, text[start:end], 90.0)
                  for unit, start, end in self._short.find(text, taken, self.representative)]
        found.sort(key=lambda m: m.start)
        return [replace(m, canonical=self.representative(m.canonical)) for m in found]

    def _named_scope(self, surface: str, units: list[tuple[str, str]]) -> str | None:
        """The scope a written form names by itself: one region among several (罗湖区科协)."""
        scopes = {scope for scope, _ in units}
        if len(scopes) != 1:
            return None
        scope = next(iter(scopes))
        stem = scope[:-1] if len(scope) > 2 else scope
        return scope if scope and surface.startswith(stem) else None

    def foreign(self, text: str) -> list[str]:
        """Units of another level the registry does not hold: 市科协, 省教育厅 (the plan is the district's)."""
        out = []
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                if m.start() and text[m.start() - 1] in _OTHER_LEVEL:
                    out.append(text[m.start() - 1] + m.group())
        return out

    def _fuzzy(self, text: str, taken: list[tuple[int, int]]) -> list[UnitMention]:
        best: list[UnitMention] = []
        for suffix in _SUFFIX.finditer(text):
            end = suffix.end()
            candidates: list[UnitMention] = []
            for start in range(max(0, end - 16), end - _MIN_FUZZY_LEN + 1):
                if any(s < end and start < e for s, e in taken):
                    continue
                span = text[start:end]
                short = next((f for f in abbreviation_forms(span) if f in self._forms), None)
                if short is not None:  # 市科技创新局 of a plan that writes 市科创局
                    candidates.append(UnitMention(self._forms[short][0][1], start, end, span, 99.0))
                    continue
                hit = process.extractOne(
                    span, self._forms.keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff
                )
                if (
                    hit
                    and abs(len(hit[0]) - len(span)) <= 1
                    and hit[0][-1] == span[-1]
                    and not self._other_department(span, hit[0])
                ):
                    candidates.append(UnitMention(self._forms[hit[0]][0][1], start, end, span, hit[1]))
            if candidates:
                pick = max(candidates, key=lambda m: (m.score, m.end - m.start))
                best.append(pick)
                taken.append((pick.start, pick.end))
        return best
