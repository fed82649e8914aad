"""Rows of a responsibility table (任务分工表) -> measures, merged with the plan's own clauses.

Each task row names its units in one or more columns; they are read like a responsibility note
(same registry, same level prefix, 各镇街 as local units):

    牵头单位 | 配合单位        -> lead | co
    责任单位 (one column)      -> 区科协（牵头）、区教育局 / 区科协牵头，区教育局配合 / 区科协、区教育局：
                                  the units before 牵头 lead; without a mark all share it, unless
                                  the plan says the first-listed unit leads (排在第一位的为牵头单位)

A plan that writes its measures as clauses AND repeats them in a table must not count them
twice: a row whose task matches a clause (same title, one inside the other, or close wording;
the same number in the same section helps) adds its units to that clause's measure (union: the
clause's lead stays, the table's lead joins it). Rows matching no clause become measures of their
own, placed in the section their group column names (青少年科学素质提升行动) or else where the
table stands; their clause label is 分工表第N项 (N from 序号). The 完成时限 column has no field of
its own: it is kept in the measure's responsibility note (…；完成时限：2025年底).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from graph.records import ChapterRecord, MeasureRecord, PlanRecord, SectionRecord, SourceSpan
from ingest.plan_tables import PlanTable, TableRow, squash
from ingest.responsibility import NOTE_LINE, NoteUnits, UnitResolver, parse_note
from ingest.table_readers import task_text
from ingest.text_cleaner import normalize_line

GROUP_TITLE = re.compile(r"^(.{1,12}?)科学素质提升(?:行动|工程)?$")
FIRST_LEADS = re.compile(
    r"(?:第一|首位|首个|排头)[^，。；,;]{0,6}(?:为|是)牵头|牵头[^，。；,;]{0,6}(?:排|列|居)(?:在|于)?(?:第一|首位|最前)")
_LEADING_NUMBER = re.compile(
    r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\s*[.．、]?(?=\D)|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[）)]"
    r"|[一二三四五六七八九十]{1,3}\s*、)\s*")
_UNIT_END = re.compile(r"(?:局|委|部|办|会|联|协|中心|校|院|团|队|所|站|馆|台|行|司|处|科|厅|镇|街道|区|县|市|园)$")
_LEVEL_START = re.compile(r"^(?:区|市|县|省|团|各|中共|共青团)")
_SEPARATORS = "、，,；;/"
_MATCH_AT = 80
# Words every task starts or ends with; two tasks are alike when what remains is alike.
_LEADING_VERBS = re.compile(
    r"^(?:进一步|持续|积极|大力|全面|深入|着力|加快|加强|推进|开展|实施|建设|强化|提升|推动|完善|建立|深化|组织"
    r"|打造|培育|健全|加大|做好|促进|落实|创新|构建|优化|广泛)+")
_TRAILING_WORDS = re.compile(r"(?:建设|工作|工程|行动|活动|机制|体系)+$")


@dataclass
class TableTask:
    """A task row read from a table, waiting to be merged into a clause or placed on its own."""

    row: TableRow
    title: str
    text: str
    units: NoteUnits
    note: str  # what the row says about responsibility, as a note (plus 完成时限)
    number: str
    groups: list[str]
    chapter: ChapterRecord | None  # where the table stands
    section: SectionRecord | None
    position: int  # how many measures the plan had when the row was read
    span: SourceSpan
    ordinal: int  # the row's place among the table's task rows, from 1
    table: int = 0  # which of the document's tables
    heading: str = ""  # the table's title (重点任务分工表), for rows outside any chapter


def unit_text(text: str, hard_lines: bool, resolver: UnitResolver) -> str:
    """A unit cell as one list: Word paragraphs are items; a PDF line break inside a name
    (区融媒体中 / 心) is joined, one between names (区科协 / 区教育局) separates them."""
    lines = [normalize_line(line) for line in text.split("\n") if line.strip()]
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out[-1] in _SEPARATORS or line[0] in _SEPARATORS:
            out += line
        elif hard_lines:
            out += "、" + line
        else:
            tail = re.split(f"[{_SEPARATORS}]", out)[-1]
            head = re.split(f"[{_SEPARATORS}]", line)[0]
            if resolver.resolve(tail + head)[1]:
                out += line
            elif (resolver.resolve(tail)[1] and resolver.resolve(head)[1]) or (
                    _UNIT_END.search(tail) and _LEVEL_START.match(head)):
                out += "、" + line
            else:
                out += line
    return out


def row_units(row: TableRow, table: PlanTable, resolver: UnitResolver, first_leads: bool) -> tuple[NoteUnits, str]:
    """The units of a row, and the row's responsibility as a note for people to read."""
    parts = []
    if row.lead:
        parts.append("牵头单位：" + unit_text(row.lead, table.hard_lines, resolver))
    if row.resp:
        resp = unit_text(row.resp, table.hard_lines, resolver)
        if NOTE_LINE.match(resp):
            parts.append(resp)
        elif first_leads and not re.search(r"牵头|负责|配合|参与|协同|协助|[，,；;]", resp):
            first, _, rest = resp.partition("、")
            parts.append(f"牵头单位：{first}" + (f"；配合单位：{rest}" if rest else ""))
        else:
            parts.append(("责任单位：" if not row.lead else "配合单位：") + resp)
    if row.co:
        parts.append("配合单位：" + unit_text(row.co, table.hard_lines, resolver))
    body = "；".join(parts)
    units = parse_note(body, resolver) if body else NoteUnits("")
    note = body + (f"；完成时限：{normalize_line(row.deadline)}" if row.deadline else "")
    return units, note.strip("；")


def read_task(row: TableRow, table: PlanTable, resolver: UnitResolver, first_leads: bool) -> tuple[str, str, NoteUnits, str]:
    """(title, text, units, note) of a task row."""
    text = normalize_line(_LEADING_NUMBER.sub("", task_text(row.task, table.hard_lines)))
    if row.detail:
        detail = normalize_line(task_text(row.detail, table.hard_lines))
        text = f"{text}{'' if text.endswith(('。', '；')) else '。'}{detail}"
    title = text.split("。", 1)[0]
    cut = re.search(r"[：:，,；;]", title)  # a long task cell: its first phrase names it
    if cut and cut.start() >= 4 and (cut.group() in "：:" or len(title) > 20):
        title = title[: cut.start()]
    units, note = row_units(row, table, resolver, first_leads)
    return title.strip("；;，,。 "), text, units, note


def merge_more(task: TableTask, row: TableRow, table: PlanTable, resolver: UnitResolver, first_leads: bool,
               end: int) -> None:
    """A row merged with the task above: its units belong to that task too."""
    units, note = row_units(row, table, resolver, first_leads)
    _union(task.units, units)
    task.note = "；".join(p for p in (task.note, note) if p)
    task.span = SourceSpan(task.span.file, task.span.start, end)


def _union(into: NoteUnits, more: NoteUnits) -> None:
    for attr in ("lead", "local", "zones", "unresolved"):
        seq = getattr(into, attr)
        seq += [name for name in getattr(more, attr) if name not in seq]
    into.co += [name for name in more.co if name not in into.co and name not in into.lead]
    into.co[:] = [name for name in into.co if name not in into.lead]
    for canonical, aliases in more.aliases.items():
        known = into.aliases.setdefault(canonical, [])
        known += [a for a in aliases if a not in known]


def _key(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", _LEADING_NUMBER.sub("", text or ""))


def _core(key: str) -> str:
    core = _TRAILING_WORDS.sub("", _LEADING_VERBS.sub("", key))
    return core if len(core) >= 2 else key


def similarity(a: str, b: str) -> float:
    """100 when one title holds the other, 95 when their cores (without 加强…/…建设) do, else
    how alike the cores are (0-100)."""
    a, b = _key(a), _key(b)
    if not a or not b:
        return 0.0
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return 100.0
    a, b = _core(a), _core(b)
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return 95.0
    return fuzz.ratio(a, b)


def _place(task: TableTask, plan: PlanRecord) -> tuple[ChapterRecord | None, SectionRecord | None, str]:
    """Chapter and section of a row: the one its group names, else where the table stands."""
    for group in reversed(task.groups):
        name = _key(group)
        best = max(plan.sections, key=lambda s: similarity(s.title, name), default=None)
        if best is not None and similarity(best.title, name) >= 80:
            chapter = next((c for c in plan.chapters if c.label == best.chapter_label), None)
            return chapter, best, group
        chapter = max(plan.chapters, key=lambda c: similarity(c.title, name), default=None)
        if chapter is not None and similarity(chapter.title, name) >= 80:
            return chapter, None, ""
    group = normalize_line(_LEADING_NUMBER.sub("", task.groups[-1])) if task.groups else ""
    return task.chapter, task.section, group


def _score(task: TableTask, measure: MeasureRecord, section: SectionRecord | None) -> float:
    """How surely a row repeats a clause: title likeness (the clause title inside the row's text
    counts as 100), +10 for the same number in the same section; the row title inside the
    clause's text alone is not enough. A thousandth of the plain likeness breaks ties."""
    score = similarity(task.title, measure.title)
    prose = _key(measure.title)
    if len(prose) >= 6 and prose in _key(task.text):
        score = max(score, 100.0)
    if score < _MATCH_AT and len(_key(task.title)) >= 6 and _key(task.title) in _key(measure.text):
        score = max(score, _MATCH_AT - 5)
    same_place = section is not None and measure.path[:2] == [section.chapter_label, section.label]
    if task.number and measure.path[-1].rstrip(".") == task.number.rstrip(".．") and same_place:
        score += 10
    return score + fuzz.ratio(_key(task.title), prose) / 1000


def merge_tables(plan: PlanRecord, tasks: list[TableTask], unique) -> None:
    """Merge table rows into the clauses they repeat; the others become measures of their own.

    `unique(base)` returns an unused measure id. Prose measures keep their ids and order; new
    ones stand where their table stood."""
    prose = list(plan.measures)
    places = [_place(task, plan) for task in tasks]
    # Best pairs first, one row per clause (a row that names the clause outright may share it).
    pairs = sorted(((_score(task, m, places[t][1]), -t, -i) for t, task in enumerate(tasks)
                    for i, m in enumerate(prose)), reverse=True)
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for score, t, i in pairs:
        if score < _MATCH_AT:
            break
        if -t in matched or (-i in taken and score < 100):
            continue
        matched[-t] = -i
        taken.add(-i)
    inserted: dict[int, list[MeasureRecord]] = {}
    for t, task in enumerate(tasks):
        if t in matched:
            _merge_into(prose[matched[t]], task)
            continue
        chapter, section, group = places[t]
        inserted.setdefault(task.position, []).append(_new_measure(plan, task, chapter, section, group, unique))
    if not inserted:
        return
    measures: list[MeasureRecord] = []
    for i, measure in enumerate(prose):
        measures += inserted.pop(i, [])
        measures.append(measure)
    for position in sorted(inserted):
        measures += inserted[position]
    plan.measures[:] = measures


def _merge_into(measure: MeasureRecord, task: TableTask) -> None:
    before = (list(measure.lead_units), list(measure.co_units), list(measure.local_units), list(measure.zones))
    units = NoteUnits("", list(measure.lead_units), list(measure.co_units), list(measure.local_units),
                      list(measure.zones))
    _union(units, task.units)
    measure.lead_units, measure.co_units = units.lead, units.co
    measure.local_units, measure.zones = units.local, units.zones
    changed = before != (measure.lead_units, measure.co_units, measure.local_units, measure.zones)
    if not measure.responsibility_note:
        measure.responsibility_note = task.note
    elif changed or "完成时限" in task.note:
        measure.responsibility_note += f"；分工表：{task.note}"


def _new_measure(plan: PlanRecord, task: TableTask, chapter: ChapterRecord | None,
                 section: SectionRecord | None, group: str, unique) -> MeasureRecord:
    number = task.number.rstrip(".．、") if task.number else str(task.ordinal)
    leaf = number if re.fullmatch(r"[0-9A-Za-z.\-]+", number) else str(task.ordinal)
    base = section.id if section else f"{chapter.id}/0" if chapter else f"{plan.id}/0/0"
    section_title = section.title if section else group
    target_group = section.target_group if section else (m.group(1) if (m := GROUP_TITLE.match(group)) else None)
    return MeasureRecord(
        id=unique(f"{base}/t{leaf}"), plan=plan.id,
        path=[chapter.label if chapter else "", section.label if section else "", f"分工表第{number}项"],
        title=task.title, text=task.text,
        chapter_title=chapter.title if chapter else (task.heading or "任务分工表"), section_title=section_title,
        responsibility_note=task.note, lead_units=list(task.units.lead), co_units=list(task.units.co),
        local_units=list(task.units.local), zones=list(task.units.zones), target_group=target_group,
        source=task.span)


def first_lead_rule(text: str) -> bool:
    """Whether the plan says the first unit listed leads (排在第一位的为牵头单位)."""
    return bool(FIRST_LEADS.search(squash(text)))
