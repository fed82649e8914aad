"""What the parser was unsure of in one plan: the report `kepu ingest plan --dry-run` prints and
every ingest keeps beside the plan (var/plans/<plan id>.report.json).

    conventions   the plan's own rules it applied (列第一位的为牵头单位，下同)
    unsplit       notes it could not read into units, or read only in part
    balanced      notes whose brackets it paired across widths (（…) ) or repaired
    unknown       names the unit registry does not know (kept as written)
    odd_names     names that do not read as the name of a unit
    without_note  measures that carry no responsibility note
    dropped       catch-alls left out (有关部门, 各相关单位)
    ocr           pages read by OCR and the mean confidence, for scanned PDFs
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from graph.fsutil import atomic_write_text

_UNIT_END = re.compile(
    r"(?:局|委|部|办|会|联|协|中心|校|院|团|队|所|站|馆|台|行|司|处|科|厅|署|集团|公司|资本|政府|管委会|办公室|分局|分行|"
    r"专班|工作组|小组|单位|社|园|区|县|市|镇|街道|港|网)(?:[（(〔【].*[）)〕】])?$"
)


@dataclass
class ParseReport:
    plan_id: str
    file: str
    title: str = ""
    measures: int = 0
    with_note: int = 0
    read_by: str = "text"  # text, or ocr for a scanned PDF
    ocr_pages: int = 0
    ocr_confidence: float | None = None
    conventions: list[str] = field(default_factory=list)
    unsplit: list[dict] = field(default_factory=list)
    balanced: list[dict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    odd_names: list[str] = field(default_factory=list)
    without_note: list[dict] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ParseReport:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def unsure(self) -> int:
        return len(self.unsplit) + len(self.balanced) + len(self.odd_names) + len(self.without_note)

    def lines(self) -> list[str]:
        """The report in Chinese, one finding a line."""
        out = [
            f"方案《{self.title or self.plan_id}》：措施 {self.measures} 条，其中 {self.with_note} 条有责任单位说明。"
        ]
        if self.read_by == "ocr":
            conf = f"，平均置信度 {self.ocr_confidence:.0%}" if self.ocr_confidence is not None else ""
            out.append(f"本文件为扫描件，{self.ocr_pages} 页经文字识别（OCR）读取{conf}，请核对单位名称。")
        for sentence in self.conventions:
            out.append(f"已按方案约定处理：“{sentence}”")
        for item in self.unsplit:
            out.append(
                f"未能拆分的说明（{item['measure']} {item['title']}）：“{item['note']}”——{item['why']}"
            )
        for item in self.balanced:
            out.append(f"已配对括号（{item['measure']} {item['title']}）：“{item['note']}”")
        if self.odd_names:
            out.append(f"不像单位名称的条目：{'、'.join(self.odd_names)}")
        if self.unknown:
            out.append(f"单位名录中没有的名称（原样保留）：{'、'.join(self.unknown)}")
        if self.dropped:
            out.append(f"泛指的表述（未作为单位）：{'、'.join(self.dropped)}")
        for item in self.without_note:
            out.append(f"没有责任单位说明的措施：{item['measure']} {item['title']}")
        if len(out) == 1:
            out.append("没有需要核对的地方。")
        return out


def odd_name(name: str) -> bool:
    """A department name that does not end like one, or is a sentence rather than a name."""
    return len(name) > 24 or not _UNIT_END.search(name) or bool(re.search(r"[。；，,：:]", name))


def build_report(plan, read: list, conventions: list[str], table_first_leads: bool, balanced: list,
                 repaired: list[str], with_registry: bool) -> ParseReport:
    """The report of one parse: `read` holds (measure, its NoteUnits) in order, `balanced` (measure,
    note body) for notes paired across bracket widths, `repaired` the OCR paragraphs mended."""
    report = ParseReport(plan.id, plan.source_file, plan.title, len(plan.measures),
                         sum(1 for m in plan.measures if m.responsibility_note))
    report.conventions = list(conventions)
    if table_first_leads:
        report.conventions.append("分工表：排在第一位的为牵头单位")
    for measure, units in read:
        named = [*units.lead, *units.co, *units.local, *units.zones]
        if units.raw and not named and not units.dropped and not units.convention:
            report.unsplit.append({"measure": measure.id, "title": measure.title, "note": units.raw,
                                   "why": "未识别出任何单位"})
        for name in [*units.lead, *units.co]:
            if odd_name(name) and name not in report.odd_names:
                report.odd_names.append(name)
        for name in units.dropped:
            if name not in report.dropped:
                report.dropped.append(name)
        if not measure.responsibility_note:
            report.without_note.append({"measure": measure.id, "title": measure.title})
    for text in repaired:
        report.balanced.append({"measure": "", "title": "", "note": text[-80:]})
    for measure, body in balanced:
        report.balanced.append({"measure": measure.id if measure else "", "title": measure.title if measure else "",
                                "note": body})
    report.unknown = list(plan.unresolved_units) if with_registry else []
    return report


def report_path(data_dir: Path, plan_id: str) -> Path:
    return Path(data_dir) / "plans" / f"{plan_id}.report.json"


def save_report(data_dir: Path, report: ParseReport) -> Path:
    """Write the report beside the graph, atomically."""
    path = report_path(data_dir, report.plan_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    return path


def load_report(data_dir: Path, plan_id: str) -> ParseReport | None:
    path = report_path(data_dir, plan_id)
    try:
        return ParseReport.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
