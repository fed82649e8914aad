"""Text-layer PDFs: lines in reading order, paragraph ends from the layout, and responsibility
tables drawn with lines (pdfplumber finds them; their text is taken out of the running text and
each row becomes a line of its own at the place the table stands)."""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import CorruptFile, EmptyPdf, EncryptedPdf, NoTextFound, NoTextLayer
from ingest.plan_tables import PlanTable
from ingest.source import SourceDocument
from ingest.table_readers import PdfTable, continue_table, pdf_grid, row_text, start_table
from ingest.text_cleaner import NUMBER_START, SourceLine, is_page_marker, normalize_line

log = logging.getLogger(__name__)


@dataclass
class _PdfLine:
    text: str
    x0: float
    x1: float
    page: int
    char_width: float
    top: float = 0.0


@dataclass
class _PdfRow:
    """Where one row of a responsibility table stands in the reading order."""

    table: int
    row: int
    page: int
    top: float


def read_pdf(path: Path) -> SourceDocument:
    """Text-layer lines; paragraph ends come from the layout (short lines, indented next lines)."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.pdfparser import PDFSyntaxError

    _check_openable(path)
    raw: list[_PdfLine | _PdfRow] = []
    tables: list[PdfTable] = []
    scanned: list[int] = []  # pages without a text layer
    fast = pdfium.PdfDocument(str(path))
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                lines = _fast_page(fast[number - 1], number)
                if lines is not None:  # no drawn lines, so no table: PDFium's text is enough
                    if not lines:
                        scanned.append(number)
                    raw += lines
                    continue
                if not page.chars:
                    scanned.append(number)
                    continue
                raw += _read_page(page, number, tables, raw)
    except PDFSyntaxError as exc:
        raise CorruptFile(f"cannot parse pdf: {exc}", path.name, detail="不是有效的 PDF 文件") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        raise CorruptFile(f"cannot open pdf: {type(exc).__name__}: {exc}", path.name,
                          detail="不是有效的 PDF 文件") from exc
    finally:
        fast.close()
    confidence = None
    if scanned:
        raw, confidence = _with_ocr(path, raw, scanned)
    raw = _drop_running_heads(raw)
    if not any(isinstance(item, _PdfLine) for item in raw) and not tables:
        if scanned:
            raise NoTextFound("OCR found no text in the scanned pages", path.name)
        raise NoTextLayer("pdf has no text layer", path.name)
    built: list[PlanTable | None] = [t.build() for t in tables]
    kept = {i: n for n, i in enumerate(i for i, t in enumerate(built) if t is not None)}
    items: list[_PdfLine | tuple[str, int, tuple[int, int]]] = []
    for item in raw:
        if isinstance(item, _PdfLine):
            items.append(item)
        elif item.table in kept and built[item.table].rows[item.row].kind != "skip":
            row = built[item.table].rows[item.row]
            items.append((row_text(row, False), item.page, (kept[item.table], item.row)))
    if not items:
        raise NoTextLayer("pdf has no text layer", path.name)
    return SourceDocument(path.name, "pdf", tuple(_pdf_paragraph_ends(items)), "页",
                          tuple(t for t in built if t is not None), len(scanned), confidence)


def _fast_page(page, number: int) -> list[_PdfLine] | None:
    """The text lines of a page without drawn lines, read by PDFium (ten times faster than
    pdfminer); None for a page with path objects (it may hold a table: pdfplumber reads it)."""
    import pypdfium2.raw as pdfium_c

    if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)):
        return None
    height = page.get_height()
    text_page = page.get_textpage()
    count = text_page.count_chars()
    text = text_page.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: read them one by one
        text = "".join(text_page.get_text_range(i, 1) or " " for i in range(count))
    rows: dict[float, list[tuple[float, float, str]]] = {}
    last: tuple[float, float] | None = None  # (row, right edge) of the character before
    for i, ch in enumerate(text):
        if ch in "\r\n":
            last = None
            continue
        if not ch.strip():  # a space: its box means little, it belongs after the character before
            if last is not None:
                rows[last[0]].append((last[1], last[1], " "))
            continue
        left, bottom, right, top = text_page.get_charbox(i, loose=True)  # loose: the line's full height
        key = round(height - top, 0)
        rows.setdefault(key, []).append((left, right, ch))
        last = (key, right)
    text_page.close()
    out = []
    merged: list[tuple[float, list]] = []
    for key in sorted(rows):
        if merged and key - merged[-1][0] <= 1.5:  # one line, boxes a point apart
            merged[-1][1].extend(rows[key])
        else:
            merged.append((key, list(rows[key])))
    for top, chars in merged:
        chars.sort(key=lambda c: c[0])
        line = "".join(c[2] for c in chars)
        if is_page_marker(normalize_line(line)):
            continue
        widths = [c[1] - c[0] for c in chars if not c[2].isascii()]
        width = statistics.median(widths) if widths else (chars[-1][1] - chars[0][0]) / max(len(chars), 1)
        out.append(_PdfLine(line, chars[0][0], chars[-1][1], number, width, top))
    return out


def _check_openable(path: Path) -> None:
    """A PDF locked with a password, or one without pages, gets its own message."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf(f"encrypted pdf: {exc}", path.name) from exc
        if _pdfminer_pages(path) == 0:  # PDFium refuses a document without pages
            raise EmptyPdf("pdf has no pages", path.name) from exc
        raise CorruptFile(f"cannot open pdf: {exc}", path.name, detail="不是有效的 PDF 文件") from exc
    try:
        if len(document) == 0:
            raise EmptyPdf("pdf has no pages", path.name)
    finally:
        document.close()


def _pdfminer_pages(path: Path) -> int | None:
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - any failure means "cannot tell"
        return None


def _with_ocr(path: Path, raw: list, scanned: list[int]) -> tuple[list, float | None]:
    """The lines of the scanned pages read by OCR, in page order among the others."""
    import pypdfium2 as pdfium

    from ingest.ocr_reader import RENDER_DPI, OcrUnavailable, confidence, ocr_image

    by_page: dict[int, list] = {}
    for item in raw:
        by_page.setdefault(item.page, []).append(item)
    read = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number in scanned:
            image = document[number - 1].render(scale=RENDER_DPI / 72).to_pil()
            try:
                lines = ocr_image(image)
            except OcrUnavailable as exc:
                raise NoTextLayer(f"pdf has no text layer and OCR is unavailable: {exc}", path.name) from exc
            read += lines
            by_page[number] = ocr_lines(lines, number, 72 / RENDER_DPI)
            log.info("pdf %s: page %d read by OCR, %d lines", path.name, number, len(lines))
    finally:
        document.close()
    return [item for number in sorted(by_page) for item in by_page[number]], confidence(read)


def ocr_lines(lines, page: int, scale: float) -> list[_PdfLine]:
    """OCR lines as text-layer lines (pixel boxes scaled to points)."""
    return [_PdfLine(line.text, line.x0 * scale, line.x1 * scale, page,
                     (line.x1 - line.x0) * scale / max(len(line.text), 1), line.top * scale) for line in lines]


def read_image(path: Path) -> SourceDocument:
    """A scanned page saved as an image (.png, .jpg, .tif): read by OCR."""
    from PIL import Image, UnidentifiedImageError

    from ingest.ocr_reader import OcrUnavailable, confidence, ocr_image

    try:
        with Image.open(path) as image:
            frames = []
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                frames.append(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFile(f"cannot open image: {exc}", path.name, detail="不是有效的图片文件") from exc
    items, read = [], []
    for number, frame in enumerate(frames, 1):
        try:
            lines = ocr_image(frame)
        except OcrUnavailable as exc:
            raise NoTextLayer(f"OCR is unavailable: {exc}", path.name) from exc
        read += lines
        items += ocr_lines(lines, number, 72 / 150)
    if not items:
        raise NoTextFound("OCR found no text in the image", path.name)
    items = _drop_running_heads(items)
    return SourceDocument(path.name, "image", tuple(_pdf_paragraph_ends(items)), "页", (), len(frames),
                          confidence(read))


def _read_page(page, number: int, tables: list[PdfTable], before: list) -> list[_PdfLine | _PdfRow]:
    found = page.find_tables() if page.edges else []
    pieces: list[tuple[tuple[float, float, float, float], list[_PdfRow]]] = []
    if found:
        lines = page.extract_text_lines(layout=False, strip=True)
        for table in found:
            grid = pdf_grid(table)
            if not grid:
                continue
            top = table.bbox[1]
            started = start_table(grid, number)
            if started is not None:
                tables.append(started)
                rows = list(range(len(grid)))
            elif tables and _continues(tables[-1], grid, before, pieces, lines, top):
                rows = continue_table(tables[-1], grid, number)
            else:
                continue  # some other table: its text stays in the running text
            pieces.append((table.bbox, [_PdfRow(len(tables) - 1, r, number, top) for r in rows]))
    boxes = [bbox for bbox, _ in pieces]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes)) \
        if boxes else page
    out: list[_PdfLine | _PdfRow] = []
    for line in text_page.extract_text_lines(layout=False, strip=True, return_chars=True):
        text = line.get("text", "")
        if not text.strip() or is_page_marker(normalize_line(text)):
            continue
        chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
        widths = [c["x1"] - c["x0"] for c in chars if not c["text"].isascii()]
        width = statistics.median(widths) if widths else (line["x1"] - line["x0"]) / max(len(text), 1)
        out.append(_PdfLine(text, line["x0"], line["x1"], number, width, line["top"]))
    for _, rows in pieces:
        out += rows
    out.sort(key=lambda item: item.top)  # stable: a table's rows keep their order
    return out


def _continues(table: PdfTable, grid, before: list, pieces: list, lines: list[dict], top: float) -> bool:
    """A headerless table continues the last responsibility table when nothing stands between
    them but running heads and footers: the last one ended its page, this one starts the next."""
    if len(grid[0]) != table.width or pieces:
        return False
    tail = next((i for i, item in enumerate(reversed(before)) if isinstance(item, _PdfRow)), None)
    if tail is None or tail > 1:
        return False
    above = [line for line in lines if line["bottom"] <= top + 1 and not is_page_marker(normalize_line(line["text"]))]
    return len(above) <= 2


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _head_key(line: _PdfLine) -> tuple[str, int]:
    """A running head is the same words at the same height of the page (the title on page 1 may
    repeat the header's words lower down: it stays)."""
    return re.sub(r"\d+", "#", line.text.replace(" ", "")), round(line.top / 24)


def _drop_running_heads(raw: list) -> list:
    """Drop running headers and footers: the same first or last line on most pages."""
    pages: dict[int, list[_PdfLine]] = {}
    for line in raw:
        if isinstance(line, _PdfLine):
            pages.setdefault(line.page, []).append(line)
    if len(pages) < 3:
        return raw
    edges = Counter(key for lines in pages.values() for key in {_head_key(lines[0]), _head_key(lines[-1])})
    repeated = {key for key, count in edges.items() if count >= max(3, len(pages) // 2)}
    if repeated:
        log.debug("pdf: dropping running heads %s", sorted(repeated))
    return [line for line in raw if not isinstance(line, _PdfLine) or _head_key(line) not in repeated]


def _pdf_paragraph_ends(items: list) -> list[SourceLine]:
    raw = [item for item in items if isinstance(item, _PdfLine)]
    if not raw:
        return [SourceLine(text, page, True, where) for text, page, where in items]
    char = statistics.median(line.char_width for line in raw) or 10.0
    left = statistics.mode(round(line.x0) for line in raw)
    # The right margin: where most full lines end (a stray wide line must not move it).
    ends = sorted(line.x1 for line in raw)
    right = ends[int(0.9 * (len(ends) - 1))]

    def short(line: _PdfLine) -> bool:
        return line.x1 < right - 1.5 * char

    def indented(line: _PdfLine) -> bool:
        return line.x0 > left + 0.8 * char

    # Does the document indent the first line of its paragraphs? Then a full line followed by an
    # unindented one certainly goes on, whatever punctuation it ends with.
    after_short = [indented(raw[i + 1]) for i in range(len(raw) - 1) if short(raw[i])]
    uses_indent = len(after_short) >= 2 and sum(after_short) / len(after_short) >= 0.6
    # A ragged right edge hides the short last lines; the first lines indented by two characters
    # (an official document's paragraphs) tell as well.
    two_chars = [line for line in raw if 1.5 * char <= line.x0 - left <= 2.6 * char]
    uses_indent = uses_indent or len(two_chars) >= max(3, 0.08 * len(raw))
    out = []
    for i, line in enumerate(items):
        if not isinstance(line, _PdfLine):
            text, page, where = line
            out.append(SourceLine(text, page, True, where))
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None or not isinstance(nxt, _PdfLine) or (uses_indent and indented(nxt)):
            flag: bool | None = True
        elif uses_indent and not (line.x1 < right - 4 * char) and not NUMBER_START.match(normalize_line(nxt.text)):
            # A ragged right edge (Latin letters are narrower) is no paragraph end when the next line
            # is not indented: in a document that indents its paragraphs, that line goes on.
            flag = False
        elif short(line):
            flag = True
        else:
            flag = False if uses_indent else None
        out.append(SourceLine(line.text, line.page, flag))
    log.debug("pdf layout: %d lines, char %.1f, left %s, right %.1f, indented paragraphs %s",
              len(raw), char, left, right, uses_indent)
    return out
