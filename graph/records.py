"""Plain records that flow from ingest/ into the graph stores and out to qa_service/.

The graph package owns these types so that stores and readers share one shape without
graph/ importing ingest/.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SourceSpan:
    """Where a clause sits in its source file (character offsets into the cleaned text)."""

    file: str
    start: int
    end: int


@dataclass
class TargetRecord:
    """A quantitative target, e.g. 每年培育高素质农民3000名以上."""

    text: str  # original wording, e.g. "每年培育高素质农民3000名以上"
    subject: str  # what is counted, e.g. "高素质农民"
    value: float  # normalised number: 1.2万 -> 12000.0
    raw_value: str  # number as written: "1.2万"
    unit: str  # %, 家, 所, 名, 个, 人次 ...
    qualifier: str | None = None  # 超过, 以上, 左右, 力争 ...
    deadline: str | None = None  # 到2025年底
    period: str | None = None  # 每年
    parent: int | None = None  # index of the target this one is a sub-target of (其中…)

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "subject": self.subject,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "deadline": self.deadline,
            "period": self.period,
        }


@dataclass
class MeasureRecord:
    """One numbered measure (or an unnumbered paragraph carrying its own responsibility note)."""

    id: str  # plan id + clause path, e.g. "huaiyin-2021-2025/2/3/3"
    plan: str
    path: list[str]  # [chapter label, section label, number label], e.g. ["二、", "（三）", "3."]
    title: str  # text up to the first 。
    text: str  # full text of the clause without the responsibility note
    chapter_title: str = ""
    section_title: str = ""
    responsibility_note: str = ""  # the raw note, e.g. "责任单位：区委宣传部，区科技局…"
    lead_units: list[str] = field(default_factory=list)  # canonical names
    # Participating units; when the note has one department group no lead is recorded
    # (lead_units stays empty) and every listed unit is here, jointly responsible.
    co_units: list[str] = field(default_factory=list)
    local_units: list[str] = field(default_factory=list)  # 各镇, 各街道
    zones: list[str] = field(default_factory=list)  # 高新区, 农科园
    targets: list[TargetRecord] = field(default_factory=list)
    target_group: str | None = None  # 青少年, 农民, ... when the section is a population action
    source: SourceSpan | None = None

    @property
    def all_units(self) -> list[str]:
        """Every unit and place the measure names, once each: lead, participating, local, zones."""
        return list(dict.fromkeys([*self.lead_units, *self.co_units, *self.local_units, *self.zones]))

    @property
    def responsible_units(self) -> list[str]:
        """Every department unit named, lead first."""
        seen: list[str] = []
        for name in [*self.lead_units, *self.co_units]:
            if name not in seen:
                seen.append(name)
        return seen

    @property
    def clause_label(self) -> str:
        """Citation form, e.g. 二、（三）3."""
        return "".join(self.path)

    def to_json(self) -> dict:
        """The export shape of `kepu export --format json`."""
        return {
            "id": self.id,
            "plan": self.plan,
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "local_units": list(self.local_units),
            "zones": list(self.zones),
            "targets": [t.to_json() for t in self.targets],
            "source": asdict(self.source) if self.source else None,
        }


@dataclass
class SectionRecord:
    id: str
    label: str  # "（一）"
    title: str
    chapter_label: str
    target_group: str | None = None


@dataclass
class ChapterRecord:
    id: str
    label: str  # "一、"
    title: str


@dataclass
class PlanRecord:
    id: str
    title: str
    region: str = ""
    period: str = ""  # "2021—2025"
    status: str = ""  # 征求意见稿
    basis: list[str] = field(default_factory=list)  # document numbers, e.g. 国发〔2021〕9号
    basis_titles: list[str] = field(default_factory=list)  # 《…》 titles, same order as basis
    goals: list[TargetRecord] = field(default_factory=list)  # plan-level targets
    goal_text: str = ""
    chapters: list[ChapterRecord] = field(default_factory=list)
    sections: list[SectionRecord] = field(default_factory=list)
    measures: list[MeasureRecord] = field(default_factory=list)
    source_file: str = ""
    unresolved_units: list[str] = field(default_factory=list)  # names kept but not in registry
    unit_aliases: dict[str, list[str]] = field(default_factory=dict)  # 区委宣传部 -> [区文明办]
