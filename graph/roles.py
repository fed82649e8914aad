"""The one vocabulary of a unit's role in a measure, used by the API, the pages, the CLI and the exports.

    lead   牵头        named as lead (牵头单位)
    co     配合        participating, under a named lead
    joint  共同负责     listed where the plan names no lead: every listed unit shares the responsibility
    local  属地落实     towns and streets (各镇、各街道) that carry the measure out
    zone   属地落实（园区） development zones (高新区、农科园) that carry it out
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from graph.records import MeasureRecord

ROLES = ("lead", "co", "joint", "local", "zone")
ROLE_NAMES = {"lead": "牵头", "co": "配合", "joint": "共同负责", "local": "属地落实", "zone": "属地落实（园区）"}
PLACE_ROLES = frozenset({"local", "zone"})  # places that carry measures out rather than departments


def role_of(measure: MeasureRecord, unit: str) -> str | None:
    if unit in measure.lead_units:
        return "lead"
    if unit in measure.co_units:
        return "co" if measure.lead_units else "joint"
    if unit in measure.local_units:
        return "local"
    if unit in measure.zones:
        return "zone"
    return None


def role_counts(measures: Iterable[MeasureRecord]) -> dict[str, Counter]:
    """unit -> how many measures it has in each role (one role per measure and unit)."""
    counts: dict[str, Counter] = {}
    for m in measures:
        for unit in m.all_units:
            counts.setdefault(unit, Counter())[role_of(m, unit)] += 1
    return counts
