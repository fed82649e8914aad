"""What a reader hands to the cleaner and the parser: lines in reading order and tables."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.plan_tables import PlanTable
from ingest.text_cleaner import SourceLine


@dataclass(frozen=True)
class SourceDocument:
    file: str  # the name shown to users and stored in spans
    kind: str  # txt, md, docx, pdf
    lines: tuple[SourceLine, ...]
    unit: str = "行"  # what SourceLine.origin counts: 行, 段 (Word paragraph) or 页 (PDF page)
    # Responsibility tables (任务分工表); their rows are lines with SourceLine.table_row set.
    tables: tuple[PlanTable, ...] = ()
    # Pages read by OCR (a scanned PDF) and their mean recognition confidence (0-1).
    ocr_pages: int = 0
    ocr_confidence: float | None = None
