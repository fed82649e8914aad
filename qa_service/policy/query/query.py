"""The typed query a policy question becomes: which measures (or targets, or units) it asks about,
and what to do with them.

A query is data only; `sparql.py` and `cypher.py` compile it for the two stores, `render.py` turns
the rows back into a Chinese answer. Every field is plain so the query can go out as JSON
(`/api/ask` returns it as "query", `kepu ask --explain` prints it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Roles a unit can hold in a measure.
LEAD, CO, ANY = "lead", "co", "any"  # co: takes part without leading; any: lead or takes part
ROLES = (LEAD, CO, ANY)

# Set operations over the unit terms.
AND, OR = "and", "or"

# What the answer does with the matching rows.
LIST, COUNT, MAX, MIN, COMPARE, YESNO, DEADLINE, UNITS, TARGETS, PLAN_DIFF = (
    "list",
    "count",
    "max",
    "min",
    "compare",
    "yesno",
    "deadline",
    "units",
    "targets",
    "plan_diff",
)
AGGREGATES = (LIST, COUNT, MAX, MIN, COMPARE, YESNO, DEADLINE, UNITS, TARGETS, PLAN_DIFF)


@dataclass
class UnitTerm:
    """One unit with the role it must (or, negated, must not) hold."""

    name: str  # canonical name, as the graph stores it
    role: str = ANY
    negated: bool = False
    # every name the graph stores for this unit where its plan writes it twice (县人力社保局 and
    # 县人社局); empty when the name is its only one
    names: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return list(self.names) or [self.name]

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


@dataclass
class Scope:
    """Which part of which plans: empty fields do not restrict."""

    plans: list[str] = field(default_factory=list)  # plan ids
    chapter: str | None = None  # chapter title, e.g. 科学普及重点工程
    section: str | None = None  # section title, e.g. 科普基础设施建设工程
    group: str | None = None  # target group label, e.g. 农民
    measure_ids: list[str] = field(default_factory=list)  # named by meaning or by the previous turn


@dataclass
class TargetFilter:
    """Which targets: deadline year ("到2025年底" -> "2025"), period ("每年"), goals of the plan too."""

    deadline: str | None = None
    period: str | None = None
    include_goals: bool = True


@dataclass
class PolicyQuery:
    aggregate: str = LIST
    units: list[UnitTerm] = field(default_factory=list)
    op: str = AND
    scope: Scope = field(default_factory=Scope)
    no_lead: bool = False  # measures the plan names no lead unit for
    targets: TargetFilter | None = None  # set for TARGETS / DEADLINE
    count_role: str = ANY  # MAX / MIN / COMPARE / UNITS: which role is counted
    compare: list[str] = field(default_factory=list)  # COMPARE: the two units; PLAN_DIFF: plan ids
    exclude_units: list[str] = field(default_factory=list)  # "除了X": left out of unit lists
    asked_unit: str | None = None  # MAX / MIN as yes / no: "区科协是不是牵头最多的？"

    def __post_init__(self) -> None:
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"unknown aggregate {self.aggregate!r}")
        if self.op not in (AND, OR):
            raise ValueError(f"unknown set operation {self.op!r}")

    def to_json(self) -> dict:
        out = asdict(self)
        if self.targets is None:
            out.pop("targets")
        return out

    @classmethod
    def from_json(cls, data: dict) -> PolicyQuery:
        data = dict(data)
        units = [UnitTerm(**u) for u in data.pop("units", [])]
        scope = Scope(**data.pop("scope", {}))
        targets = data.pop("targets", None)
        return cls(units=units, scope=scope, targets=TargetFilter(**targets) if targets else None, **data)

    def describe(self) -> str:
        """One Chinese line saying what the query asks (shown as "按此查询")."""
        role_words = {LEAD: "牵头", CO: "参与但不牵头", ANY: "参与"}
        parts = []
        for term in self.units:
            parts.append(f"{term.name}{'不' if term.negated else ''}{role_words[term.role]}")
        joiner = "且" if self.op == AND else "或"
        text = joiner.join(parts)
        if self.no_lead:
            text = (text + "，" if text else "") + "未明确牵头单位"
        scope = self.scope
        where = [x for x in (scope.chapter, scope.section) if x]
        if scope.group:
            where.append(f"面向{scope.group}")
        if scope.measure_ids:
            where.append(f"指定的{len(scope.measure_ids)}项措施")
        if where:
            text = "、".join(where) + ("中" + text if text else "")
        what = {
            LIST: "列出措施",
            COUNT: "统计措施数",
            MAX: "找出措施最多的单位",
            MIN: "找出措施最少的单位",
            COMPARE: "比较两个单位的措施数",
            YESNO: "判断是否",
            DEADLINE: "查完成时限",
            UNITS: "列出参与单位",
            TARGETS: "列出目标",
            PLAN_DIFF: "比较两个方案",
        }[self.aggregate]
        if self.targets is not None:
            flt = [
                x
                for x in (self.targets.deadline and f"期限{self.targets.deadline}年", self.targets.period)
                if x
            ]
            if flt:
                what += "（" + "、".join(flt) + "）"
        if self.exclude_units:
            what += "，不含" + "、".join(self.exclude_units)
        if self.asked_unit:
            what += f"，判断是否为{self.asked_unit}"
        return f"{text}：{what}" if text else what
