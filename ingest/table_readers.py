"""Grids of cells out of Word tables (python-docx) and PDF tables drawn with lines (pdfplumber),
for plan_tables to recognise responsibility tables in.

Both say which cells are merged: Word repeats a merged cell in every grid position it covers,
pdfplumber leaves None there; geometry tells whether a PDF cell continues the one above or the
one to the left. Text files may hold Markdown pipe tables or tab-separated rows. A PDF table that goes on over a page break is one table: the part on the next
page (no header of its own, or the header repeated) is appended, and a row cut by the break is
joined again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.plan_tables import NUMBER, GridCell, PlanTable, TableRow, build_table, find_header, squash

# ---------------------------------------------------------------------------- Word


def docx_grid(table, text_of) -> list[list[GridCell]]:
    """The cells of a python-docx table; `text_of(paragraph)` gives a cell paragraph's text."""
    return list(docx_rows(table, text_of))


def docx_rows(table, text_of):
    """The rows of docx_grid one at a time (text_of is called for a row's cells as it comes)."""
    above_row: list = []
    for row in table.rows:
        cells = list(row.cells)  # keeps the lxml proxies alive so identity means "same cell"
        out = []
        for col, cell in enumerate(cells):
            left = col > 0 and cell._tc is cells[col - 1]._tc
            above = col < len(above_row) and cell._tc is above_row[col]._tc
            text = "" if left or above else "\n".join(text_of(p) for p in cell.paragraphs).strip()
            out.append(GridCell(text, above=above and not left, left=left))
        yield out
        above_row = cells


# ---------------------------------------------------------------------------- PDF


@dataclass
class PdfTable:
    """One responsibility table of a PDF, possibly drawn over several pages."""

    grid: list[list[GridCell]]
    origins: list[int]  # page of each grid row
    width: int
    number_col: int | None
    table: PlanTable | None = None
    pieces: list[tuple[int, float, list[int]]] = field(default_factory=list)  # (page, top, grid rows)

    def build(self) -> PlanTable | None:
        self.table = build_table(self.grid, self.origins, hard_lines=False)
        return self.table


def pdf_grid(found) -> list[list[GridCell]]:
    """The cells of a pdfplumber table; a None cell continues the cell above or to its left."""
    rows = found.rows
    texts = found.extract()
    # Where each column lies: its narrowest cell (pdfplumber's column boxes include spanning cells).
    columns: dict[int, tuple[float, float]] = {}
    for row in rows:
        for col, box in enumerate(row.cells):
            if box is not None and (col not in columns or box[2] - box[0] < columns[col][1] - columns[col][0]):
                columns[col] = (box[0], box[2])
    cells = list(found.cells)
    grid = []
    for r, (row, values) in enumerate(zip(rows, texts, strict=True)):
        tops = [c[1] for c in row.cells if c is not None]
        row_top = min(tops) if tops else row.bbox[1]
        out = []
        for col, value in enumerate(values):
            if value is not None:
                out.append(GridCell(value.strip()))
                continue
            x = sum(columns[col]) / 2 if col in columns else row.bbox[0]
            y = row_top + 1.0
            cover = next((c for c in cells if c[0] - 0.5 <= x <= c[2] + 0.5 and c[1] - 0.5 <= y <= c[3] + 0.5), None)
            from_above = r > 0 and cover is not None and cover[1] < row_top - 0.5
            out.append(GridCell("", above=from_above, left=not from_above and col > 0))
        grid.append(out)
    return grid


def start_table(grid: list[list[GridCell]], page: int) -> PdfTable | None:
    """A new responsibility table if the grid has a header naming task and unit columns."""
    found = find_header(grid)
    if found is None:
        return None
    roles = found[3]
    number_col = roles.index(NUMBER) if NUMBER in roles else None
    return PdfTable(grid=list(grid), origins=[page] * len(grid), width=len(grid[0]), number_col=number_col)


def continue_table(table: PdfTable, grid: list[list[GridCell]], page: int) -> list[int]:
    """Append the next page's part of `table`; returns the new grid rows to place on that page."""
    rows = list(grid)
    first = len(table.grid)
    cut = table.number_col
    if rows and cut is not None and table.grid and not squash(rows[0][cut].text) and not rows[0][cut].above:
        previous = table.grid[-1]
        if squash(previous[cut].text) and any(squash(c.text) for c in rows[0]):
            # A row cut by the page break: its second half has no number of its own.
            table.grid[-1] = [
                GridCell("\n".join(t for t in (p.text, c.text) if t), p.above, p.left) if not (c.left or c.above)
                else p for p, c in zip(previous, rows[0], strict=True)]
            rows = rows[1:]
    table.grid += rows
    table.origins += [page] * len(rows)
    return list(range(first, first + len(rows)))


def row_text(row: TableRow, hard_lines: bool) -> str:
    """A table row as one line of the cleaned text (what a measure's source span points at)."""
    if row.kind == "group":
        return task_text(row.task, hard_lines)
    units = [_unit_line(t, hard_lines) for t in (row.lead, row.co, row.resp)]
    parts = [row.number, task_text(row.task, hard_lines), *units, row.deadline, task_text(row.detail, hard_lines)]
    return "｜".join(p.replace("\n", "") for p in parts if p)


def task_text(text: str, hard_lines: bool) -> str:
    """Lines of a task cell as one text: Word paragraphs end a sentence, PDF lines are wraps."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not hard_lines:
        return "".join(lines)
    out = ""
    for line in lines:
        if out and out[-1] not in "。；：！？;:!?）)、，,":
            out += "。"
        out += line
    return out


def _unit_line(text: str, hard_lines: bool) -> str:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return ("、" if hard_lines else "").join(lines)


# ---------------------------------------------------------------------------- plain text

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")  # |---|:---:|


def _text_cells(line: str) -> list[str] | None:
    """The cells of a Markdown pipe-table line or a tab-separated line (as Word copies tables)."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    if line.count("\t") >= 2:
        return [cell.strip() for cell in line.strip("\n").split("\t")]
    return None


def text_tables(lines: list[str], origins: list[int]) -> list[tuple[int, int, PlanTable]]:
    """Responsibility tables written as text: (first line, line after the last, table)."""
    found = []
    i = 0
    while i < len(lines):
        cells = _text_cells(lines[i])
        if cells is None:
            i += 1
            continue
        start, rows, row_origins = i, [], []
        while i < len(lines) and (_RULE.match(lines[i]) or (
                (cells := _text_cells(lines[i])) is not None and (not rows or len(cells) == len(rows[0])))):
            if not _RULE.match(lines[i]):
                rows.append([GridCell(cell) for cell in cells])
                row_origins.append(origins[i])
            i += 1
        table = build_table(rows, row_origins) if len(rows) >= 2 else None
        if table is not None:
            found.append((start, i, table))
    return found
