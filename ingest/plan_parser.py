"""Plans (txt, md, docx, pdf) -> PlanRecord: title block, basis, goals, chapters, sections, measures.

Structure: chapter 一、 -> section （一） -> measure 1. ; a paragraph without a number that carries
its own responsibility note is a measure too (ids …/p1, …/p2). Ids are plan id + clause path with
arabic numbers, so re-ingesting a plan gives the same ids. Spans are offsets into the cleaned text.
Rows of a responsibility table (任务分工表, Word or PDF) are read by table_measures: they give their
units to the clauses they repeat, or become measures of their own (…/t3, clause label 分工表第3项).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from pathlib import Path

from graph.records import PlanRecord
from graph.unit_registry import UnitRegistry
from graph.unit_resolver import registry_applies
from ingest.errors import EmptyFile, NoStructure
from ingest.plan_header import basis_of, read_title_block, title_block, validity_period
from ingest.plan_readers import read_plan_source
from ingest.plan_report import ParseReport
from ingest.plan_tables import PlanTable
from ingest.plan_walker import Walker, starts_structure
from ingest.responsibility import (
    NOTE_LINE,
    NoteSyntaxError,
    UnitResolver,
    bare_names,
    find_notes,
)
from ingest.targets import extract_targets
from ingest.text_cleaner import CleanText, Paragraph, clean_lines, clean_text

_PREAMBLE_GOAL = re.compile(r"(力争|确保)[^。；]{0,6}(到|至)20\d\d年[^。]*\d")
log = logging.getLogger(__name__)


def default_registry(path: Path | None = None) -> UnitRegistry:
    """The shared unit registry of the settings (graph.unit_registry.UnitRegistry.shared)."""
    return UnitRegistry.shared(path)


def plan_id_from_path(path: Path) -> str:
    """An ASCII slug of the file stem; a short hash keeps non-ASCII stems apart."""
    stem = Path(path).stem
    slug = re.sub(r"[^a-z0-9_.-]+", "-", stem.lower()).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)
    if stem.isascii() and slug:
        return slug
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"plan-{digest}"


def parse_plan_file(path: Path, plan_id: str | None = None, registry: UnitRegistry | None = None) -> PlanRecord:
    """Read and parse one plan file; raises an IngestError subclass on bad input."""
    return parse_plan_with_report(path, plan_id, registry)[0]


def parse_plan_with_report(path: Path, plan_id: str | None = None,
                           registry: UnitRegistry | None = None) -> tuple[PlanRecord, ParseReport]:
    """Parse one plan file and say what the parser was unsure of (plan_report.ParseReport)."""
    path = Path(path)
    started = time.perf_counter()
    document = read_plan_source(path)
    clean = clean_lines(document.lines, document.unit)
    plan, walker = _parse_walk(clean, document.file, plan_id or plan_id_from_path(path), registry, document.tables,
                               lenient=document.ocr_pages > 0)
    log.info("parsed plan %s from %s: %d measures, %d goals, %.3fs", plan.id, path.name,
             len(plan.measures), len(plan.goals), time.perf_counter() - started)
    report = walker.report()
    if document.ocr_pages:
        report.read_by, report.ocr_pages, report.ocr_confidence = "ocr", document.ocr_pages, document.ocr_confidence
    return plan, report


def clean_plan_file(path: Path) -> CleanText:
    """The cleaned text of a plan file: what SourceSpan offsets point into."""
    document = read_plan_source(Path(path))
    return clean_lines(document.lines, document.unit)


def parse_plan_text(text: str, source_file: str, plan_id: str,
                    registry: UnitRegistry | None = None) -> PlanRecord:
    """Parse plan text already in hand (lines numbered from 1 for error messages)."""
    return _parse(clean_text(text), source_file, plan_id, registry)


def _parse(clean: CleanText, file: str, plan_id: str, registry: UnitRegistry | None,
           tables: tuple[PlanTable, ...] = ()) -> PlanRecord:
    return _parse_walk(clean, file, plan_id, registry, tables)[0]


def _parse_walk(clean: CleanText, file: str, plan_id: str, registry: UnitRegistry | None,
                tables: tuple[PlanTable, ...] = (), lenient: bool = False) -> tuple[PlanRecord, Walker]:
    if not clean.paragraphs:
        raise EmptyFile("no text after cleaning", file)
    registry = registry if registry is not None else default_registry()
    paragraphs = list(clean.paragraphs)
    head = title_block(paragraphs, starts_structure)
    plan = PlanRecord(id=plan_id, title="", source_file=file)
    read_title_block(plan, [p.text for p in paragraphs[:head]], Path(file).stem)
    validity_period(plan, [p.text for p in paragraphs])
    prefix = plan.region[-1] if plan.region[-1:] in ("区", "市", "县", "省") else registry.prefix
    resolver = UnitResolver(registry if registry_applies(registry, plan.region) else None, prefix, plan.region)
    resolver.add_prefix = bool(plan.region)
    resolver.bare_names = _bare_names(paragraphs[head:], resolver.prefix)
    walker = Walker(plan, clean, resolver, tables)
    walker.lenient = lenient
    walker.walk(paragraphs[head:])
    if not plan.measures and plan.chapters:
        # 一、给空间 / 在高新区…: headings over paragraphs, nothing numbered below them and no note
        # anywhere: each heading with its paragraphs is a measure.
        plan = PlanRecord(id=plan_id, title=plan.title, source_file=file, region=plan.region,
                          period=plan.period, status=plan.status)
        walker = Walker(plan, clean, resolver, tables)
        walker.lenient, walker.headings_as_items = lenient, True
        walker.walk(paragraphs[head:])
    if not plan.measures:
        raise NoStructure("no numbered measures found", file, paragraphs[0].origin, unit=clean.unit,
                          detail=f"全文共{len(paragraphs)}段，未找到编号的措施条目")
    for canonical, aliases in resolver.plan_aliases.items():  # 发改委 written for 发展改革委 in one plan
        known = plan.unit_aliases.setdefault(canonical, [])
        known += [a for a in aliases if a not in known]
    plan.basis, plan.basis_titles = basis_of(walker.preamble)
    # A plan without a 主要目标 part may state its goal in the preamble ("…力争到2026年，全县引育OPC
    # 创业人才或超级个体100名。根据我县实际，特制定…"): the sentence that commits to a date.
    plan.goal_text = "".join(walker.goal_paragraphs) or "".join(
        s[m.start():] + "。" for p in walker.preamble for s in p.split("。") if (m := _PREAMBLE_GOAL.search(s))
    )
    plan.goals = extract_targets(plan.goal_text)
    for measure in plan.measures:
        measure.targets = extract_targets(measure.text)
    if plan.unresolved_units:
        log.warning("plan %s: %d unit names not in the registry: %s", plan_id,
                    len(plan.unresolved_units), ", ".join(plan.unresolved_units))
    return plan, walker


def _bare_names(paragraphs: list[Paragraph], prefix: str) -> set[str]:
    bodies = []
    for para in paragraphs:
        try:
            bodies += [n.body for n in find_notes(para.text)]
        except NoteSyntaxError:
            continue  # the walk reports it with its line
        if NOTE_LINE.match(para.text):
            bodies.append(para.text)
    return bare_names(bodies, prefix)


