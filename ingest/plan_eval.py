"""Scores parsed plans against hand-labelled gold files (`<plan>.gold.json` next to `<plan>.txt`).

A gold file lists the items of a plan that carry a responsibility note, one object per item:
``{title, lead, co, units, local}`` (see tests/data/plans/real/README.md for the labelling rules).
Each gold item is matched to one measure of the parsed plan, in order: first by title, then by
the title appearing at the start of the measure's text or its section's title. Then:

    found        a measure was matched
    title exact  its title is the gold title
    units exact  its department units (lead + co + zones, local implementers left out) are the
                 gold `units` as a set
    lead exact   its lead units are the gold `lead` as a set (an item without a lead in the gold
                 must have none either)
    exact        units exact and lead exact

Local implementers are compared only as a separate figure (local exact): the gold lists them only
where a note names them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import MeasureRecord, PlanRecord
from graph.unit_registry import UnitRegistry
from ingest.errors import IngestError

GOLD_SUFFIX = ".gold.json"
PLAN_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class GoldItem:
    title: str
    lead: tuple[str, ...]
    co: tuple[str, ...]
    units: tuple[str, ...]
    local: tuple[str, ...]


@dataclass
class ItemScore:
    gold: GoldItem
    measure: MeasureRecord | None

    @property
    def found(self) -> bool:
        return self.measure is not None

    @property
    def got_units(self) -> list[str]:
        return department_units(self.measure) if self.measure else []

    @property
    def got_lead(self) -> list[str]:
        return list(self.measure.lead_units) if self.measure else []

    @property
    def title_exact(self) -> bool:
        return self.found and self.measure.title == self.gold.title

    @property
    def units_exact(self) -> bool:
        return self.found and set(self.got_units) == set(self.gold.units)

    @property
    def lead_exact(self) -> bool:
        return self.found and set(self.got_lead) == set(self.gold.lead)

    @property
    def local_exact(self) -> bool:
        return self.found and set(self.measure.local_units) == set(self.gold.local)

    @property
    def exact(self) -> bool:
        return self.units_exact and self.lead_exact

    def problems(self) -> list[str]:
        if not self.found:
            return ["not found"]
        out = []
        if not self.title_exact:
            out.append(f"title {self.measure.title!r}")
        got, want = set(self.got_units), set(self.gold.units)
        if got != want:
            out.append(f"units missing {sorted(want - got)} extra {sorted(got - want)}")
        if set(self.got_lead) != set(self.gold.lead):
            out.append(f"lead {self.got_lead} != {list(self.gold.lead)}")
        return out


@dataclass
class PlanScore:
    name: str
    items: list[ItemScore] = field(default_factory=list)
    measures: int = 0  # measures the parser found (with or without a note)
    error: str = ""  # the parser refused the file

    def count(self, attribute: str) -> int:
        return sum(1 for item in self.items if getattr(item, attribute))

    @property
    def with_lead(self) -> list[ItemScore]:
        return [item for item in self.items if item.gold.lead]


@dataclass
class EvalReport:
    plans: list[PlanScore]

    @property
    def items(self) -> list[ItemScore]:
        return [item for plan in self.plans for item in plan.items]

    def count(self, attribute: str) -> int:
        return sum(plan.count(attribute) for plan in self.plans)

    def summary(self) -> dict[str, int]:
        items = self.items
        led = [item for item in items if item.gold.lead]
        return {
            "plans": len(self.plans),
            "refused": sum(1 for plan in self.plans if plan.error),
            "items": len(items),
            "found": self.count("found"),
            "title_exact": self.count("title_exact"),
            "units_exact": self.count("units_exact"),
            "lead_exact": self.count("lead_exact"),
            "with_lead": len(led),
            "lead_exact_where_gold_has_lead": sum(1 for item in led if item.lead_exact),
            "local_exact": self.count("local_exact"),
            "exact": self.count("exact"),
        }


def department_units(measure: MeasureRecord) -> list[str]:
    """Every unit a measure names except local implementers, in order, without repeats."""
    return list(dict.fromkeys([*measure.lead_units, *measure.co_units, *measure.zones]))


def load_gold(path: Path) -> list[GoldItem]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of items")
    return [
        GoldItem(str(row["title"]), *(tuple(row.get(key) or ()) for key in ("lead", "co", "units", "local")))
        for row in data
    ]


def gold_pairs(directory: Path) -> list[tuple[Path, Path]]:
    """(plan file, gold file) for every gold file in `directory` with a plan file beside it."""
    pairs = []
    for gold in sorted(Path(directory).glob(f"*{GOLD_SUFFIX}")):
        stem = gold.name[: -len(GOLD_SUFFIX)]
        plan = next(
            (gold.with_name(stem + s) for s in PLAN_SUFFIXES if gold.with_name(stem + s).exists()), None
        )
        if plan is not None:
            pairs.append((plan, gold))
    return pairs


def _squash(text: str) -> str:
    return "".join(text.split())


def match_items(gold: list[GoldItem], measures: list[MeasureRecord]) -> list[ItemScore]:
    """One measure per gold item, in document order: exact titles first, then looser matches."""
    taken: set[int] = set()
    chosen: dict[int, int] = {}
    tests = (
        lambda g, m: _squash(m.title) == _squash(g.title),
        lambda g, m: (
            _squash(m.text).startswith(_squash(g.title)) or _squash(m.section_title) == _squash(g.title)
        ),
        lambda g, m: (
            _squash(g.title) in _squash(m.text)
            or (len(_squash(m.title)) >= 4 and _squash(m.title) in _squash(g.title))
        ),
    )
    for test in tests:
        last = -1
        for gi, item in enumerate(gold):
            if gi in chosen:
                last = chosen[gi]
                continue
            # prefer measures after the previous match (document order), then any
            order = [*range(last + 1, len(measures)), *range(0, last + 1)]
            for mi in order:
                if mi not in taken and test(item, measures[mi]):
                    chosen[gi] = mi
                    taken.add(mi)
                    last = mi
                    break
    return [ItemScore(item, measures[chosen[gi]] if gi in chosen else None) for gi, item in enumerate(gold)]


def score_plan(plan: PlanRecord, gold: list[GoldItem], name: str = "") -> PlanScore:
    return PlanScore(name or plan.id, match_items(gold, plan.measures), len(plan.measures))


def evaluate_dir(directory: Path, registry: UnitRegistry | None = None) -> EvalReport:
    return evaluate_pairs(gold_pairs(directory), registry)


def evaluate_pairs(pairs: Iterable[tuple[Path, Path]], registry: UnitRegistry | None = None) -> EvalReport:
    from ingest.plan_parser import parse_plan_file

    plans = []
    for plan_file, gold_file in pairs:
        gold = load_gold(gold_file)
        name = plan_file.stem
        try:
            plan = parse_plan_file(plan_file, registry=registry)
        except IngestError as exc:
            plans.append(PlanScore(name, [ItemScore(item, None) for item in gold], 0, exc.user_message))
            continue
        plans.append(score_plan(plan, gold, name))
    return EvalReport(plans)


def format_report(report: EvalReport, verbose: bool = False) -> str:
    """A plain-text table: one line per plan, then the totals; with `verbose`, every miss."""
    lines = [f"{'plan':<34} {'items':>5} {'found':>5} {'title':>5} {'units':>5} {'lead':>5} {'exact':>5}"]
    for plan in report.plans:
        lines.append(
            f"{plan.name[:34]:<34} {len(plan.items):>5} {plan.count('found'):>5} {plan.count('title_exact'):>5} "
            f"{plan.count('units_exact'):>5} {plan.count('lead_exact'):>5} {plan.count('exact'):>5}"
            + (f"  refused: {plan.error}" if plan.error else "")
        )
        if verbose:
            for item in plan.items:
                problems = item.problems()
                if problems:
                    lines.append(f"    - {item.gold.title[:30]}: {'; '.join(problems)}")
    s = report.summary()
    n = max(s["items"], 1)
    lines.append(
        f"{'TOTAL':<34} {s['items']:>5} {s['found']:>5} {s['title_exact']:>5} {s['units_exact']:>5} "
        f"{s['lead_exact']:>5} {s['exact']:>5}"
    )
    lines.append(
        f"found {s['found'] / n:.1%}, units exact {s['units_exact'] / n:.1%}, lead exact {s['lead_exact'] / n:.1%} "
        f"(where the gold has a lead: {s['lead_exact_where_gold_has_lead']}/{s['with_lead']}), "
        f"exact {s['exact'] / n:.1%}, local exact {s['local_exact'] / n:.1%}"
    )
    return "\n".join(lines)
