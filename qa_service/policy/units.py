"""Finding unit names in questions: registry aliases, full names, nicknames and typos.

Wraps graph.unit_registry (the canonical names and aliases from corpus/units.yaml) and adds the
forms a plan itself uses, so a unit the registry does not know is still found by its own name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from graph.records import PlanRecord

log = logging.getLogger(__name__)

# Unit names end in one of these; typo candidates are substrings ending here.
_SUFFIX = re.compile(r"(局|委|部|办|会|联|中心|校|院|团|分局)")
_PREFIXES = ("淮安市淮阴区", "淮阴区", "区委", "区", "市", "淮阴")
_MIN_FUZZY_LEN = 4
_OTHER_LEVEL = "市省县国"


@dataclass(frozen=True)
class UnitMention:
    canonical: str
    start: int
    end: int
    surface: str
    score: float = 100.0  # 100 exact; rapidfuzz ratio for typos


def _variants(name: str) -> set[str]:
    """Forms people drop prefixes from: 淮阴区卫生健康委员会 -> 卫生健康委员会, 区卫生健康委员会."""
    out = {name}
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            rest = name[len(prefix):]
            out.add(rest)
            if prefix in ("淮安市淮阴区", "淮阴区"):
                out.add("区" + rest)
    return out


class UnitResolver:
    def __init__(self, forms: dict[str, str], full_names: dict[str, str], aliases: dict[str, list[str]],
                 fuzzy_cutoff: float = 75.0):
        self._forms = forms  # surface form -> canonical
        self._full = full_names
        self._aliases = aliases
        self.fuzzy_cutoff = fuzzy_cutoff
        self._by_length = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in self._by_length)) if forms else None

    @classmethod
    def build(cls, plans: list[PlanRecord], registry=None, fuzzy_cutoff: float = 75.0) -> UnitResolver:
        forms: dict[str, str] = {}
        full: dict[str, str] = {}
        aliases: dict[str, list[str]] = {}

        def add(surface: str, canonical: str) -> None:
            for form in _variants(surface):
                if len(form) >= 2:
                    forms.setdefault(form, canonical)

        graph_units: list[str] = []
        for plan in plans:
            for measure in plan.measures:
                graph_units += measure.lead_units + measure.co_units
            for canonical, names in plan.unit_aliases.items():
                for name in names:
                    aliases.setdefault(canonical, []).append(name)
        if registry is not None:
            for surface, canonical in registry.all_surface_forms().items():
                forms[surface] = canonical
            for info in registry.units():
                canonical = getattr(info, "canonical", info)
                full[canonical] = getattr(info, "full_name", None) or registry.full_name(canonical)
        for canonical in dict.fromkeys(graph_units):
            add(canonical, canonical)
            full.setdefault(canonical, canonical)
        for canonical, names in aliases.items():
            for name in names:
                add(name, canonical)
        for surface, canonical in list(forms.items()):
            add(surface, canonical)
        for surface, canonical in forms.items():
            if surface != canonical:
                aliases.setdefault(canonical, [])
                if surface not in aliases[canonical]:
                    aliases[canonical].append(surface)
        return cls(forms, full, aliases, fuzzy_cutoff)

    # ------------------------------------------------------------------ lookups

    def canonical(self, name: str) -> str | None:
        """Exact (any alias) or, failing that, a close typo; None when nothing is close."""
        name = name.strip()
        if name in self._forms:
            return self._forms[name]
        hit = process.extractOne(name, self._forms.keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff)
        return self._forms[hit[0]] if hit else None

    def full_name(self, canonical: str) -> str:
        return self._full.get(canonical, canonical)

    def aliases(self, canonical: str) -> list[str]:
        return sorted(self._aliases.get(canonical, []), key=len)

    def known(self) -> list[str]:
        return sorted(set(self._forms.values()))

    def find(self, text: str) -> list[UnitMention]:
        """Unit mentions in reading order: longest exact forms first, then typos in the gaps."""
        found: list[UnitMention] = []
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                if m.start() and text[m.start() - 1] in _OTHER_LEVEL:
                    continue  # 市科协 is the city's association, not 区科协
                found.append(UnitMention(self._forms[m.group()], m.start(), m.end(), m.group()))
        taken = [(m.start, m.end) for m in found]
        for mention in self._fuzzy(text, taken):
            found.append(mention)
            taken.append((mention.start, mention.end))
        found.sort(key=lambda m: m.start)
        return found

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
                hit = process.extractOne(span, self._forms.keys(), scorer=fuzz.ratio,
                                         score_cutoff=self.fuzzy_cutoff)
                if hit and abs(len(hit[0]) - len(span)) <= 1 and hit[0][-1] == span[-1]:
                    candidates.append(UnitMention(self._forms[hit[0]], start, end, span, hit[1]))
            if candidates:
                pick = max(candidates, key=lambda m: (m.score, m.end - m.start))
                best.append(pick)
                taken.append((pick.start, pick.end))
        return best


def load_registry(settings):
    """The shared unit registry, or None when it is not built in this checkout (logged)."""
    try:
        from graph.unit_registry import UnitRegistry
    except ImportError:
        log.warning("graph.unit_registry not available; resolving units from the graph only")
        return None
    return UnitRegistry.load(settings.unit_registry)
