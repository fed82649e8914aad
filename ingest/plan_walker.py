"""Walking a plan's cleaned paragraphs: chapters 一、 (or 第一条), sections （一）, measures 1.,
headings with their text (（一）建设OPC实体社区。支持……), unnumbered paragraphs with notes, note
lines, tables of 任务分工. plan_parser wires it up; this module only walks.
"""

from __future__ import annotations

import logging
import re

from graph.records import ChapterRecord, MeasureRecord, PlanRecord, SectionRecord, SourceSpan
from ingest.errors import UnbalancedNote
from ingest.heading_items import CLOSING, not_measures
from ingest.numerals import chinese_number
from ingest.plan_report import ParseReport, build_report
from ingest.plan_tables import PlanTable
from ingest.responsibility import (
    NOTE_LINE,
    NoteSyntaxError,
    NoteUnits,
    UnitResolver,
    all_known,
    close_of,
    find_notes,
    merge_units,
    parse_note,
)
from ingest.table_measures import GROUP_TITLE, TableTask, first_lead_rule, merge_more, merge_tables, read_task
from ingest.text_cleaner import CleanText, Paragraph
from ingest.unit_names import COMMA_LEADS, FIRST_LEADS, PAIRS, Conventions, repair_brackets

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- structure

_ARTICLE = re.compile(r"^第\s*([一二三四五六七八九十]{1,3})\s*条\s*")
# A lead-in label of an unnumbered paragraph: “一核”：以…  /  金融支持：发挥…
_SUB_NUMBER = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[）)]|[\u2460-\u2473])\s*")
_LEAD_IN = re.compile(r"^([^，。；：:,]{2,14})[：:]")

_CHAPTER = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、．.]\s*")
_SECTION = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*")
_MEASURE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")
_GOAL_TITLE = re.compile(r"目标$")
_GROUP_TITLE = GROUP_TITLE
# An appendix (附件1：…) leaves the chapters; a table's title line (重点任务分工表) ends a clause.
_APPENDIX = re.compile(r"^附\s*[件表]\s*\d*\s*(?:[：:].{0,60})?$")
_TABLE_TITLE = re.compile(r"(?:分工|责任|任务)[^。]{0,8}表$")


def starts_structure(text: str) -> bool:
    return any(_match_level(text)) or bool(NOTE_LINE.match(text))


def _match_level(text: str) -> tuple[re.Match | None, re.Match | None, re.Match | None]:
    ch = _CHAPTER.match(text) or _ARTICLE.match(text)
    sec = _SECTION.match(text)
    return (
        ch if ch and chinese_number(ch.group(1)) else None,
        sec if sec and chinese_number(sec.group(1)) else None,
        _MEASURE.match(text),
    )


def _split_heading(text: str) -> tuple[str, str]:
    """A heading's title and any clause written on the same line after 。."""
    if "。" not in text:
        return text.strip("：: "), ""
    title, _, rest = text.partition("。")
    return title.strip(), rest.strip()


def _task_number(task: str) -> str:
    """A table without a 序号 column may number its tasks in the task cell (3. 建设…)."""
    found = _MEASURE.match(task.strip())
    return found.group(1) if found else ""


class _Draft:
    """A measure being collected: its paragraphs, its note, where it sits."""

    def __init__(self, walker: Walker, start: int, origin: int, label: str, number: int | None):
        self.chapter, self.section = walker.chapter, walker.section
        self.chapter_no, self.section_no = walker.chapter_no, walker.section_no
        self.start, self.end, self.origin = start, start, origin
        self.label, self.number = label, number
        self.body: list[str] = []
        self.notes: list[str] = []
        self.measure: MeasureRecord | None = None
        self.level = ""  # chapter or section, for a heading with its text
        self.collect = False  # a heading alone on its line gathers the paragraphs under it
        self.heading = ""  # set when the measure is a heading with its text: （一）建设OPC实体社区。支持……


class Walker:
    def __init__(self, plan: PlanRecord, clean: CleanText, resolver: UnitResolver,
                 tables: tuple[PlanTable, ...] = ()):
        self.plan, self.clean, self.resolver = plan, clean, resolver
        self.tables = tables
        self.tasks: list[TableTask] = []
        self.table_groups: dict[int, str] = {}  # the last group row seen in each table
        self.table_heading = ""  # the last 附件 / …分工表 line: names an appendix table's measures
        self.first_leads = bool(tables) and first_lead_rule(clean.text + "".join(h for t in tables for h in t.header))
        self.chapter: ChapterRecord | None = None
        self.section: SectionRecord | None = None
        self.chapter_no = self.section_no = self.unnumbered = 0
        self.draft: _Draft | None = None
        self.pending: Paragraph | None = None  # an unnumbered paragraph a note line may follow
        self.in_goal = False
        self.seen_structure = False
        self.preamble: list[str] = []
        self.goal_paragraphs: list[str] = []
        self.ids: set[str] = set()
        self.conventions = Conventions()
        self.balanced: list[tuple[_Draft, str]] = []  # notes whose brackets were paired across widths
        self.lenient = False  # OCR text: repair brackets instead of refusing the file
        self.headings_as_items = False  # a plan of headings over paragraphs, with nothing else
        self.repaired: list[str] = []  # paragraphs whose brackets were repaired
        self.read: list[tuple[MeasureRecord, NoteUnits]] = []  # each measure with its units
        self.heading_items: list[tuple[str, MeasureRecord, bool]] = []  # (level, measure, without a note)

    def walk(self, paragraphs: list[Paragraph]) -> None:
        for para in paragraphs:
            if (self.plan.measures or self.draft) and CLOSING.match(re.sub(r"\s", "", para.text)):
                # "附则" on a line of its own after the measures (no numbered 附则 chapter): what
                # follows is the document's closing provisions (适用范围, 认定管理), no measures
                break
            self._paragraph(para)
        self._close()
        drop = not_measures(self.plan.measures, self.heading_items)
        if drop:
            self.plan.measures[:] = [m for m in self.plan.measures if id(m) not in drop]
            self.read[:] = [(m, u) for m, u in self.read if id(m) not in drop]
        if self.tasks:
            merge_tables(self.plan, self.tasks, self._unique)
            for task in self.tasks:
                self._record_units(task.units)

    def _repaired(self, para: Paragraph) -> Paragraph:
        """OCR text: brackets misread or lost are made to pair (and reported), not refused."""
        try:
            find_notes(para.text, self.resolver)
            return para
        except NoteSyntaxError:
            text = repair_brackets(para.text)
        try:
            find_notes(text, self.resolver)
        except NoteSyntaxError:
            return para  # the walk reports it
        self.repaired.append(text)
        return Paragraph(text, para.start, para.end, para.origin, para.table_row)

    def _paragraph(self, para: Paragraph) -> None:
        if self.lenient and para.table_row is None:
            para = self._repaired(para)
        if para.table_row is not None:
            self._close()
            self.pending, self.seen_structure = None, True
            self._table_row(para, *para.table_row)
            return
        chapter, section, measure = _match_level(para.text)
        if chapter or section:
            self._close()
            self.pending, self.seen_structure = None, True
            match = chapter or section
            title, rest = _split_heading(para.text[match.end():])
            number = chinese_number(match.group(1))
            if chapter:
                self.chapter_no, self.section_no, self.section = number, 0, None
                label = f"第{match.group(1)}条" if match.group(0).startswith("第") else f"{match.group(1)}、"
                self.chapter = ChapterRecord(self._unique(f"{self.plan.id}/{number}"), label, title)
                self.plan.chapters.append(self.chapter)
            else:
                self.section_no = number
                label = f"（{match.group(1)}）"
                group = _GROUP_TITLE.match(title)
                self.section = SectionRecord(
                    self._unique(f"{self.plan.id}/{self.chapter_no}/{number}"), label, title,
                    self.chapter.label if self.chapter else "", group.group(1) if group else None)
                self.plan.sections.append(self.section)
            self.unnumbered = 0
            self.in_goal = bool(_GOAL_TITLE.search(title))
            if not rest and self.headings_as_items:
                self.draft = _Draft(self, para.end, para.origin, "", None)
                self.draft.heading, self.draft.level, self.draft.collect = title, "chapter" if chapter else "section", True
            if rest:
                # （一）建设OPC实体社区。支持……（责任单位：…）: the heading is the measure's title
                body = Paragraph(para.text[match.end():], para.start + match.end(), para.end, para.origin)
                self.draft = _Draft(self, body.start, para.origin, "", None)
                self.draft.heading = title
                self.draft.level = "chapter" if chapter else "section"
                self._add(body, 0)
        elif measure:
            self._close()
            self.pending, self.seen_structure = None, True
            self.draft = _Draft(self, para.start, para.origin, f"{measure.group(1)}.", int(measure.group(1)))
            self._add(para, measure.end())
        elif NOTE_LINE.match(para.text) or (self.draft is not None and not self.draft.notes
                                             and self._bare_note(para.text)):
            if self.draft is None and self.pending is not None:
                self._start_unnumbered(self.pending)
            if self.draft is not None:
                self._check(para.text, para)
                note = para.text.strip().rstrip("。；;")
                self.draft.notes.append(note[1:-1] if note[:1] in "（(" else note)
                self.draft.end = para.end
            else:
                log.debug("note line without a clause before it at %s", para.origin)
        elif self.draft is not None and self._only_notes(para):
            self._add(para, 0)  # a second note on a line of its own
        elif len(para.text) <= 60 and "。" not in para.text and (
                _APPENDIX.match(para.text) or _TABLE_TITLE.search(para.text)):
            self._close()
            self.pending = None
            self.table_heading = para.text.strip("：: ")
            if _APPENDIX.match(para.text):
                self.chapter = self.section = None
                self.chapter_no = self.section_no = 0
                self.in_goal = False
        else:
            self._body(para)

    def _only_notes(self, para: Paragraph) -> bool:
        """A paragraph that is nothing but responsibility notes."""
        notes = self._check_all(para.text, para)
        rest = para.text
        for note in reversed(notes):
            rest = rest[: note.start] + rest[note.end:]
        return bool(notes) and not rest.strip("。；;，, ")

    def _bare_note(self, text: str) -> bool:
        """A paragraph that is only a bracket of unit names (（区科协牵头，区教育局配合）): the note of
        the clause before it, moved to a line of its own by a PDF's line breaking."""
        text = text.strip().rstrip("。；;")
        if len(text) < 4 or text[0] not in "（(" or text[-1] not in "）)" or close_of(text, 0) != len(text) - 1:
            return False
        return all_known(text[1:-1], self.resolver)

    def _table_row(self, para: Paragraph, table_no: int, row_no: int) -> None:
        table, row = self.tables[table_no], self.tables[table_no].rows[row_no]
        if row.kind == "group":
            self.table_groups[table_no] = row.task
            return
        previous = next((t for t in reversed(self.tasks) if t.table == table_no), None)
        if row.kind == "more" and previous is not None:
            merge_more(previous, row, table, self.resolver, self.first_leads, para.end)
            return
        title, text, units, note = read_task(row, table, self.resolver, self.first_leads)
        if not title:
            return
        groups = [g for g in (self.table_groups.get(table_no, ""), *row.groups) if g]
        ordinal = 1 + sum(1 for t in self.tasks if t.table == table_no)
        self.tasks.append(TableTask(
            row, title, text, units, note, row.number or _task_number(row.task), groups, self.chapter, self.section,
            len(self.plan.measures), SourceSpan(self.plan.source_file, para.start, para.end), ordinal, table_no,
            table.title or self.table_heading))

    def _body(self, para: Paragraph) -> None:
        if self.draft is not None and not self.draft.notes and (not self.draft.heading or self.draft.collect):
            self._add(para, 0)  # the clause goes on (a paragraph split inside it)
            return
        self._close()
        if (FIRST_LEADS.search(para.text) or COMMA_LEADS.search(para.text)) and "牵头" in para.text:
            self.conventions.read(para.text)  # 各项任务中排在第一位的为牵头单位
        if self._check(para.text, para) is not None:
            self._start_unnumbered(para)
            return
        self.pending = para
        if self.in_goal:
            self.goal_paragraphs.append(para.text)
        if not self.seen_structure:
            self.preamble.append(para.text)

    def _start_unnumbered(self, para: Paragraph) -> None:
        self.unnumbered += 1
        self.pending = None
        self.draft = _Draft(self, para.start, para.origin, "", None)
        self._add(para, 0)

    def _check(self, text: str, para: Paragraph):
        notes = self._check_all(text, para)
        return notes[0] if notes else None

    def _check_all(self, text: str, para: Paragraph):
        try:
            return find_notes(text, self.resolver)
        except NoteSyntaxError as exc:
            raise UnbalancedNote(str(exc), self.plan.source_file, para.origin, unit=self.clean.unit,
                                 detail=f"“{text[max(0, exc.offset - 10):exc.offset + 20]}”") from exc

    def _add(self, para: Paragraph, skip: int) -> None:
        draft = self.draft
        text = para.text[skip:]
        notes = self._check_all(text, para)
        draft.notes += [note.body for note in notes]
        for note in notes:
            first, last = text[note.start], text[note.end - 1]
            if first in PAIRS and PAIRS[first] != last:
                self.balanced.append((draft, note.body))
        for note in reversed(notes):
            text = text[: note.start] + text[note.end:]
        draft.body.append(text.strip())
        draft.end = para.end

    def _close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        body = "".join(draft.body).strip()
        tentative = bool(draft.heading and not draft.notes)
        if tentative:  # a heading with text after it, no note: a measure only if its siblings are
            rest = body[len(draft.heading):].lstrip("。") if body.startswith(draft.heading) else body
            if self.in_goal or not rest:
                if rest:
                    self.goal_paragraphs.append(rest)
                return
        title = body.split("。", 1)[0] if "。" in body else body.rstrip("；;，,。 ")
        if draft.heading:
            title = draft.heading
        elif draft.number is None:
            title = _SUB_NUMBER.sub("", title)  # （2）开展活动 / ② 开展活动
            if lead_in := _LEAD_IN.match(title):
                title = lead_in.group(1)  # “一核”：以…  ->  “一核”
        if draft.heading:
            self.unnumbered += 1
            leaf = f"h{self.unnumbered}"
        else:
            leaf = str(draft.number) if draft.number is not None else f"p{self.unnumbered}"
        blanket = list(self.conventions.blanket_local)
        units = (merge_units([parse_note(n, self.resolver, self.conventions) for n in draft.notes])
                 if draft.notes else NoteUnits(""))
        for name in blanket if draft.notes else []:
            if name not in units.local:
                units.local.append(name)
        plan = self.plan
        measure = MeasureRecord(
            id=self._unique(f"{plan.id}/{draft.chapter_no}/{draft.section_no}/{leaf}"),
            plan=plan.id,
            path=[draft.chapter.label if draft.chapter else "", draft.section.label if draft.section else "",
                  draft.label],
            title=title.strip(),
            text=body,
            chapter_title=draft.chapter.title if draft.chapter else "",
            section_title=draft.section.title if draft.section else "",
            responsibility_note=units.raw,
            lead_units=units.lead,
            co_units=units.co,
            local_units=units.local,
            zones=units.zones,
            target_group=draft.section.target_group if draft.section else None,
            source=SourceSpan(plan.source_file, draft.start, draft.end),
        )
        plan.measures.append(measure)
        if draft.heading:
            self.heading_items.append((draft.level, measure, tentative))
        draft.measure = measure
        self.read.append((measure, units))
        self._record_units(units)

    def _record_units(self, units: NoteUnits) -> None:
        plan = self.plan
        for name in units.unresolved:
            if name not in plan.unresolved_units:
                plan.unresolved_units.append(name)
        for canonical, aliases in units.aliases.items():
            known = plan.unit_aliases.setdefault(canonical, [])
            known += [a for a in aliases if a not in known]

    def report(self) -> ParseReport:
        return build_report(self.plan, self.read, self.conventions.applied, self.first_leads,
                            [(d.measure, body) for d, body in self.balanced], self.repaired,
                            self.resolver.registry is not None)

    def _unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate
