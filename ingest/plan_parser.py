"""Plans (txt, md, docx, pdf) -> PlanRecord: title block, basis, goals, chapters, sections, measures.

Structure: chapter 一、 -> section （一） -> measure 1. ; a paragraph without a number that carries
its own responsibility note is a measure too (ids …/p1, …/p2). Ids are plan id + clause path with
arabic numbers, so re-ingesting a plan gives the same ids. Spans are offsets into the cleaned text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from pathlib import Path

from graph.records import ChapterRecord, MeasureRecord, PlanRecord, SectionRecord, SourceSpan
from graph.settings import Settings
from graph.unit_registry import UnitRegistry
from ingest.errors import EmptyFile, NoStructure, UnbalancedNote
from ingest.plan_readers import read_plan_source
from ingest.responsibility import NOTE_LINE, NoteSyntaxError, NoteUnits, UnitResolver, find_note, parse_note
from ingest.targets import extract_targets
from ingest.text_cleaner import PERIOD_LINE, STATUS_LINE, CleanText, Paragraph, clean_lines, clean_text

log = logging.getLogger(__name__)

_STATUS = re.compile(r"(征求意见稿|送审稿|讨论稿|草案|草稿|代拟稿|审议稿|报批稿|修订稿|试行)")
_PERIOD = re.compile(r"(\d{4})\s*[—–\-－~～至到]+\s*(\d{4})")
_REGION = re.compile(r"^((?:[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|区|县|旗))+)")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月(?:\d{1,2}日)?$")
_DOC_NO = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［【（(]\s*(\d{4})\s*[〕\]］】）)]\s*(\d{1,4})\s*号")

_cached: dict[tuple[str, float], UnitRegistry] = {}


def default_registry(path: Path | None = None) -> UnitRegistry:
    """The unit registry of the settings (KEPU_UNIT_REGISTRY, else corpus/units.yaml), read once
    per modification."""
    path = Path(path or Settings.from_env().unit_registry)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return UnitRegistry.load(path)  # raises GraphError naming the file
    if key not in _cached:
        _cached.clear()
        _cached[key] = UnitRegistry.load(path)
    return _cached[key]


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
    path = Path(path)
    started = time.perf_counter()
    document = read_plan_source(path)
    clean = clean_lines(document.lines, document.unit)
    plan = _parse(clean, document.file, plan_id or plan_id_from_path(path), registry)
    log.info("parsed plan %s from %s: %d measures, %d goals, %.3fs", plan.id, path.name,
             len(plan.measures), len(plan.goals), time.perf_counter() - started)
    return plan


def clean_plan_file(path: Path) -> CleanText:
    """The cleaned text of a plan file: what SourceSpan offsets point into."""
    document = read_plan_source(Path(path))
    return clean_lines(document.lines, document.unit)


def parse_plan_text(text: str, source_file: str, plan_id: str,
                    registry: UnitRegistry | None = None) -> PlanRecord:
    """Parse plan text already in hand (lines numbered from 1 for error messages)."""
    return _parse(clean_text(text), source_file, plan_id, registry)


def _parse(clean: CleanText, file: str, plan_id: str, registry: UnitRegistry | None) -> PlanRecord:
    if not clean.paragraphs:
        raise EmptyFile("no text after cleaning", file)
    registry = registry if registry is not None else default_registry()
    paragraphs = list(clean.paragraphs)
    head = _title_block(paragraphs)
    plan = PlanRecord(id=plan_id, title="", source_file=file)
    _read_title_block(plan, [p.text for p in paragraphs[:head]], Path(file).stem)
    prefix = plan.region[-1] if plan.region[-1:] in ("区", "市", "县", "省") else registry.prefix
    compatible = not plan.region or plan.region == registry.region or plan.region.endswith(registry.region)
    resolver = UnitResolver(registry if compatible else None, prefix, plan.region)
    walker = _Walker(plan, clean, resolver)
    walker.walk(paragraphs[head:])
    if not plan.measures:
        raise NoStructure("no numbered measures found", file, paragraphs[0].origin, unit=clean.unit,
                          detail=f"全文共{len(paragraphs)}段，未找到编号的措施条目")
    plan.basis, plan.basis_titles = _basis(walker.preamble)
    plan.goal_text = "".join(walker.goal_paragraphs)
    plan.goals = extract_targets(plan.goal_text)
    for measure in plan.measures:
        measure.targets = extract_targets(measure.text)
    if plan.unresolved_units:
        log.warning("plan %s: %d unit names not in the registry: %s", plan_id,
                    len(plan.unresolved_units), ", ".join(plan.unresolved_units))
    return plan


def _title_block(paragraphs: list[Paragraph]) -> int:
    """How many leading paragraphs are the title block (title, period, status, date)."""
    count = 0
    for para in paragraphs[:8]:
        text = para.text
        if starts_structure(text):
            break
        if STATUS_LINE.match(text) or PERIOD_LINE.match(text) or _DATE_LINE.match(text):
            count += 1
            continue
        if len(text) <= 60 and "。" not in text and not text.endswith("；"):
            count += 1
            continue
        break
    return count


def _read_title_block(plan: PlanRecord, block: list[str], fallback_title: str) -> None:
    for text in block:
        if not plan.status and (m := _STATUS.search(text)) and (STATUS_LINE.match(text) or "（" in text):
            plan.status = m.group(1)
        if not plan.period and (m := _PERIOD.search(text)):
            plan.period = f"{m.group(1)}—{m.group(2)}"
    titles = [t for t in block if not (STATUS_LINE.match(t) or PERIOD_LINE.match(t) or _DATE_LINE.match(t))]
    title = titles[0] if titles else fallback_title
    title = re.sub(r"[（(]\s*(征求意见稿|送审稿|讨论稿|草案|草稿|代拟稿|审议稿|报批稿|修订稿)\s*[）)]", "", title)
    plan.title = title.strip()
    bare = re.sub(r"^(?:关于印发|关于|中共)", "", plan.title)
    if m := _REGION.match(bare):
        plan.region = m.group(1)


def _basis(preamble: list[str]) -> tuple[list[str], list[str]]:
    """Document numbers the plan rests on (国发〔2021〕9号) and the 《titles》 written before them."""
    numbers: list[str] = []
    titles: list[str] = []
    text = "".join(preamble)
    books = _book_titles(text)
    for m in _DOC_NO.finditer(text):
        number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
        if number in numbers:
            continue
        before = [title for title, end in books if end <= m.start()]
        numbers.append(number)
        titles.append(before[-1] if before else "")
    return numbers, titles


def _book_titles(text: str) -> list[tuple[str, int]]:
    """Outermost 《…》 titles with the offset where each ends."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                out.append((text[start : i + 1], i + 1))
    return out




# ---------------------------------------------------------------------------- structure

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}
_CHAPTER = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、．.]\s*")
_SECTION = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*")
_MEASURE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")
_GOAL_TITLE = re.compile(r"目标$")
_GROUP_TITLE = re.compile(r"^(.{1,12}?)科学素质提升(?:行动|工程)?$")


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十三 -> 23; None for anything else."""
    if not text or any(c not in "一二三四五六七八九十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def starts_structure(text: str) -> bool:
    return any(_match_level(text)) or bool(NOTE_LINE.match(text))


def _match_level(text: str) -> tuple[re.Match | None, re.Match | None, re.Match | None]:
    ch = _CHAPTER.match(text)
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


class _Draft:
    """A measure being collected: its paragraphs, its note, where it sits."""

    def __init__(self, walker: _Walker, start: int, origin: int, label: str, number: int | None):
        self.chapter, self.section = walker.chapter, walker.section
        self.chapter_no, self.section_no = walker.chapter_no, walker.section_no
        self.start, self.end, self.origin = start, start, origin
        self.label, self.number = label, number
        self.body: list[str] = []
        self.notes: list[str] = []


class _Walker:
    def __init__(self, plan: PlanRecord, clean: CleanText, resolver: UnitResolver):
        self.plan, self.clean, self.resolver = plan, clean, resolver
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

    def walk(self, paragraphs: list[Paragraph]) -> None:
        for para in paragraphs:
            self._paragraph(para)
        self._close()

    def _paragraph(self, para: Paragraph) -> None:
        chapter, section, measure = _match_level(para.text)
        if chapter or section:
            self._close()
            self.pending, self.seen_structure = None, True
            match = chapter or section
            title, rest = _split_heading(para.text[match.end():])
            number = chinese_number(match.group(1))
            if chapter:
                self.chapter_no, self.section_no, self.section = number, 0, None
                self.chapter = ChapterRecord(self._unique(f"{self.plan.id}/{number}"), f"{match.group(1)}、", title)
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
            if rest:
                offset = para.text.rindex(rest)
                self._body(Paragraph(rest, para.start + offset, para.end, para.origin))
        elif measure:
            self._close()
            self.pending, self.seen_structure = None, True
            self.draft = _Draft(self, para.start, para.origin, f"{measure.group(1)}.", int(measure.group(1)))
            self._add(para, measure.end())
        elif NOTE_LINE.match(para.text):
            if self.draft is None and self.pending is not None:
                self._start_unnumbered(self.pending)
            if self.draft is not None:
                self._check(para.text, para)
                self.draft.notes.append(para.text.strip().rstrip("。；;"))
                self.draft.end = para.end
            else:
                log.debug("note line without a clause before it at %s", para.origin)
        else:
            self._body(para)

    def _body(self, para: Paragraph) -> None:
        if self.draft is not None and not self.draft.notes:
            self._add(para, 0)  # the clause goes on (a paragraph split inside it)
            return
        self._close()
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
        try:
            return find_note(text, self.resolver)
        except NoteSyntaxError as exc:
            raise UnbalancedNote(str(exc), self.plan.source_file, para.origin, unit=self.clean.unit,
                                 detail=f"“{text[max(0, exc.offset - 10):exc.offset + 20]}”") from exc

    def _add(self, para: Paragraph, skip: int) -> None:
        draft = self.draft
        text = para.text[skip:]
        note = self._check(text, para)
        if note is not None:
            draft.notes.append(note.body)
            text = text[: note.start] + text[note.end:]
        draft.body.append(text.strip())
        draft.end = para.end

    def _close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        body = "".join(draft.body).strip()
        title = body.split("。", 1)[0] if "。" in body else body.rstrip("；;，,。 ")
        leaf = str(draft.number) if draft.number is not None else f"p{self.unnumbered}"
        units = parse_note("；".join(draft.notes), self.resolver) if draft.notes else NoteUnits("")
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
        for name in units.unresolved:
            if name not in plan.unresolved_units:
                plan.unresolved_units.append(name)
        for canonical, aliases in units.aliases.items():
            known = plan.unit_aliases.setdefault(canonical, [])
            known += [a for a in aliases if a not in known]

    def _unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate
