"""Responsibility tables (任务分工表, 责任分工表, 重点任务分工): recognising them among a document's
tables and reading their rows, whatever the reader (Word, PDF) drew them from.

A reader hands over a table as a grid of `GridCell`s, saying which cells continue the one above
or to the left (merged cells). A table is a responsibility table when one of its first rows is a
header naming a task column (重点任务, 工作任务, 主要任务, 具体措施 …) and at least one unit column
(牵头单位, 责任单位, 配合单位, 参与单位 …). Its rows then become `TableRow`s:

    task   a task with its units (序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限)
    group  a row spanning the table that names the group of the rows below (二、科学普及重点工程)
    more   a row whose task cell is merged with the row above: more units for the same task
    skip   headers, repeated headers, empty rows

Unit cells keep their text as written; plan_parser resolves the names through the unit registry
like the notes after a clause (table_measures does that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER, GROUP, TASK, DETAIL, LEAD, CO, RESP, DEADLINE, OTHER = (
    "number", "group", "task", "detail", "lead", "co", "resp", "deadline", "other")
UNIT_ROLES = (LEAD, CO, RESP)

_SPACE = re.compile(r"[\s\u3000]+")
_LEAD_NAME = re.compile(r"牵头|主责|主办|主抓")
_CO_NAME = re.compile(r"配合|参与|协办|协同|协助|支持|参加")
_RESP_NAME = re.compile(r"单位|部门|主体|责任|负责|承办|实施|落实|分工")
_DEADLINE_NAME = re.compile(r"时限|时间|期限|进度|节点|年度|完成")
_NUMBER_NAME = re.compile(r"^(?:序号?|编号|号|No\.?|#)$", re.IGNORECASE)
_STRONG_TASK = re.compile(r"任务|措施|举措|内容|事项")
_WEAK_TASK = re.compile(r"工作|项目|工程|行动|目标|要求|名称")
_NUMBERISH = re.compile(r"^[（(]?[0-9一二三四五六七八九十]{1,3}[)）.．、]?$")
_CN_NUMBER = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]?$")  # 序号 of a group row (一 | 科普信息化工程)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、．.]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]|第[一二三四五六七八九十\d]{1,3}[部分章节])")


@dataclass(frozen=True)
class GridCell:
    text: str  # lines (Word paragraphs, PDF text lines) separated by "\n"
    above: bool = False  # merged with the cell above: the same cell, drawn again
    left: bool = False  # merged with the cell to the left


@dataclass(frozen=True)
class TableRow:
    kind: str  # task, group, more, skip
    number: str = ""  # 序号 as written (3, 3., （三）), "" if none
    task: str = ""
    groups: tuple[str, ...] = ()  # texts of the group columns, outermost first
    lead: str = ""
    co: str = ""
    resp: str = ""  # a single 责任单位 column: lead marked by 牵头, or by the plan's rule
    deadline: str = ""
    detail: str = ""  # other text columns right of the task (具体要求, 工作目标)
    origin: int = 0  # source paragraph / page of the row


@dataclass(frozen=True)
class PlanTable:
    header: tuple[str, ...]  # header text of each column (stacked header rows joined)
    roles: tuple[str, ...]  # role of each column
    rows: tuple[TableRow, ...]  # one per grid row, headers and empty rows as "skip"
    hard_lines: bool = True  # "\n" in cells separates Word paragraphs (else PDF line wraps)
    origin: int = 0
    title: str = ""  # the table's own title row, if it has one (重点任务分工表)

    @property
    def has_units(self) -> bool:
        return any(role in UNIT_ROLES for role in self.roles)


def squash(text: str) -> str:
    return _SPACE.sub("", text or "")


def column_role(name: str) -> str | None:
    """What a header cell says its column holds; None for a cell that is no header word."""
    text = squash(name)
    if not text:
        return None
    if _LEAD_NAME.search(text) and re.search(r"第一|首位|首个|排名|排序|排在|列前|在前", text):
        return RESP  # 责任单位（排在第一位的为牵头单位）: one column, the first listed leads
    if _LEAD_NAME.search(text):
        return LEAD
    if _CO_NAME.search(text):
        return CO
    if _RESP_NAME.search(text):
        return RESP
    if _NUMBER_NAME.match(text):
        return NUMBER
    if _DEADLINE_NAME.search(text) and not _STRONG_TASK.search(text):
        return DEADLINE
    if len(text) > 12:
        return None  # a sentence, not a column name
    if re.search(r"类别|分类|类型|领域|板块|方面", text):
        return GROUP
    if _STRONG_TASK.search(text):
        return TASK
    if _WEAK_TASK.search(text):
        return GROUP
    if re.search(r"备注|说明|附注", text):
        return OTHER
    return None


def _assign_roles(names: list[str]) -> list[str] | None:
    """Roles of the columns, or None when the header is not a responsibility table's."""
    raw = [column_role(n) for n in names]
    strong = [i for i, r in enumerate(raw) if r == TASK]
    weak = [i for i, r in enumerate(raw) if r == GROUP]
    if strong:
        task = next((i for i in strong if "具体" in names[i]), strong[-1])
    elif weak:
        task = weak[-1]
    else:
        return None
    if not any(r in UNIT_ROLES for r in raw):
        return None
    roles = []
    for i, role in enumerate(raw):
        if i == task:
            roles.append(TASK)
        elif role in (TASK, GROUP):
            roles.append(GROUP if i < task else DETAIL)
        else:
            roles.append(role or OTHER)
    # With a lead column, a 责任单位 column beside it names the others.
    if LEAD in roles:
        roles = [CO if r == RESP else r for r in roles]
    return roles


def _names(grid: list[list[GridCell]], rows: range) -> list[str]:
    """Column names from stacked header rows: 责任单位 over 牵头单位 | 配合单位 names both."""
    names = []
    for col in range(len(grid[0])):
        parts: list[str] = []
        for r in rows:
            text = squash(grid[r][col].text)
            if text and text not in parts:
                parts.append(text)
        names.append("".join(parts))
    return names


def find_header(grid: list[list[GridCell]]) -> tuple[int, int, list[str], list[str]] | None:
    """(first header row, how many rows it takes, column names, roles) of a responsibility table."""
    if not grid or len(grid[0]) < 2:
        return None
    for first in range(min(3, len(grid))):
        if first + 1 < len(grid) and _header_like(grid[first + 1]):
            names = _names(grid, range(first, first + 2))
            roles = _assign_roles(names)
            if roles is not None:
                return first, 2, names, roles
        names = _names(grid, range(first, first + 1))
        roles = _assign_roles(names)
        if roles is not None:
            return first, 1, names, roles
    return None


def _header_like(row: list[GridCell]) -> bool:
    """Every filled cell of the row is a column name (a second header row), none a value."""
    texts = [squash(c.text) for c in row if not c.left and not c.above and squash(c.text)]
    return bool(texts) and all(column_role(t) is not None for t in texts) and not any(
        _NUMBERISH.match(t) for t in texts)


def _joined(values: dict[str, list[str]], role: str, sep: str = "\n") -> str:
    return sep.join(t for t in values.get(role, []) if t)


def build_table(grid: list[list[GridCell]], origins: list[int], hard_lines: bool = True) -> PlanTable | None:
    """The responsibility table a grid holds, or None if it is some other table."""
    if not grid or not any(grid):
        return None
    width = max(len(row) for row in grid)
    grid = [row + [GridCell("", left=True)] * (width - len(row)) for row in grid]
    found = find_header(grid)
    if found is None:
        return None
    first, depth, names, roles = found
    title = next((squash(c.text) for r in range(first) for c in grid[r] if squash(c.text)), "")
    headers = {tuple(squash(c.text) for c in grid[r]) for r in range(first, first + depth)}
    rows = [TableRow("skip", origin=origins[r]) for r in range(first + depth)]
    last = [""] * width  # what each column said in the last task row (for merged cells)
    groups = [""] * width
    for r in range(first + depth, len(grid)):
        row, origin = grid[r], origins[r]
        texts = [squash(c.text) for c in row]
        if not any(texts) or tuple(texts) in headers:
            rows.append(TableRow("skip", origin=origin))
            continue
        filled = [i for i, c in enumerate(row) if not c.left and not c.above and texts[i]]
        has_units = any(texts[i] and not row[i].above for i, role in enumerate(roles) if role in UNIT_ROLES)
        spanning = len(filled) == 1 and sum(c.left for c in row) >= (width - 1) / 2
        words = [i for i in filled if roles[i] in (TASK, GROUP)]
        numbers = [texts[i] for i in filled if roles[i] == NUMBER]
        heading = not has_units and len(words) == 1 and len(filled) <= 2 and bool(
            _HEADING.match(texts[words[0]]) or any(_CN_NUMBER.match(n) for n in numbers))
        if heading or spanning:
            label = words[0] if words else filled[0]
            rows.append(TableRow("group", task=row[label].text.strip(), origin=origin))
            last, groups = [""] * width, [""] * width
            continue
        values: dict[str, list[str]] = {}
        task_merged = False
        for col, (cell, role) in enumerate(zip(row, roles, strict=True)):
            text = "" if cell.left else cell.text.strip()
            if cell.above:
                text = last[col]
                task_merged = task_merged or role == TASK
            if role == GROUP:
                groups[col] = text or groups[col]
                text = groups[col]
            last[col] = text
            values.setdefault(role, []).append(text)
        kind = "more" if task_merged or not _joined(values, TASK) else "task"
        if kind == "more" and not any(_joined(values, role) for role in UNIT_ROLES):
            rows.append(TableRow("skip", origin=origin))
            continue
        rows.append(TableRow(
            kind, number=squash(_joined(values, NUMBER, "")), task=_joined(values, TASK),
            groups=tuple(values.get(GROUP, [])), lead=_joined(values, LEAD), co=_joined(values, CO),
            resp=_joined(values, RESP), deadline=_joined(values, DEADLINE, "；"), detail=_joined(values, DETAIL),
            origin=origin))
    if not any(row.kind == "task" for row in rows):
        return None
    return PlanTable(tuple(names), tuple(roles), tuple(rows), hard_lines, origins[0] if origins else 0, title)
