"""Readers that pull the lines of a plan out of .txt/.md, .docx and text-layer .pdf files.

Each reader returns a `SourceDocument`: lines in reading order plus what the layout says about
paragraph ends. Cleaning (joining broken lines, page markers, widths) is text_cleaner's job, so
the same plan gives the same paragraphs whatever the format.
"""

from __future__ import annotations

import logging
import re
import statistics
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import CorruptFile, EmptyFile, NoTextLayer, UnsupportedFormat
from ingest.text_cleaner import SourceLine, is_page_marker, normalize_line

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
MAX_BYTES = 50 * 1024 * 1024
_MD_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))|\*\*|__|`")


@dataclass(frozen=True)
class SourceDocument:
    file: str  # the name shown to users and stored in spans
    kind: str  # txt, md, docx, pdf
    lines: tuple[SourceLine, ...]
    unit: str = "行"  # what SourceLine.origin counts: 行, 段 (Word paragraph) or 页 (PDF page)


def read_plan_source(path: Path) -> SourceDocument:
    """Read a plan file into lines; raises an IngestError subclass for files we cannot use."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        detail = "旧版 .doc 请在 Word 中另存为 .docx" if suffix in (".doc", ".wps") else f"扩展名为“{suffix or '无'}”"
        raise UnsupportedFormat(f"unsupported file type {suffix!r}", name, detail=detail)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorruptFile(f"cannot stat file: {exc}", name, detail="文件不存在或无法访问") from exc
    if size == 0:
        raise EmptyFile("file is empty", name)
    if size > MAX_BYTES:
        raise UnsupportedFormat(f"file too large ({size} bytes)", name, detail="文件超过 50 MB")
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    return read_text_file(path)


# ---------------------------------------------------------------------------- plain text


def decode_text(data: bytes, name: str = "") -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnsupportedFormat("undecodable UTF-16 text", name, detail="文本编码无法识别") from exc
    if b"\x00" in data[:65536]:
        raise UnsupportedFormat("binary content (NUL bytes)", name, detail="文件内容是二进制数据，不是文本")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    line = data[: _first_bad_byte(data)].count(b"\n") + 1
    raise UnsupportedFormat("not UTF-8 or GB18030 text", name, line,
                            detail="文本编码无法识别，请另存为 UTF-8 编码")


def _first_bad_byte(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _looks_like_text(text: str) -> bool:
    """Binary data decoded as GB18030 is mostly rare characters and control codes."""
    if not text.strip():
        return True
    sample = text[:20000]
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t\f" or "\u4e00" <= ch <= "\u9fff")
    return good / len(sample) > 0.95


def read_text_file(path: Path) -> SourceDocument:
    data = path.read_bytes()
    text = decode_text(data, path.name)
    kind = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for n, line in enumerate(text.split("\n"), 1):
        if kind == "md":
            line = _MD_MARKUP.sub("", line)
        lines.append(SourceLine(line, n))
    return SourceDocument(path.name, kind, tuple(lines), "行")


# ---------------------------------------------------------------------------- Word


def read_docx(path: Path) -> SourceDocument:
    """Paragraphs and table cells of the body in document order (Word paragraphs are paragraphs)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorruptFile(f"cannot open docx: {exc}", path.name, detail="不是有效的 Word（.docx）文件") from exc
    except Exception as exc:  # python-docx/lxml raise many types for broken packages
        raise CorruptFile(f"cannot open docx: {type(exc).__name__}: {exc}", path.name,
                          detail="不是有效的 Word（.docx）文件") from exc

    lines: list[SourceLine] = []
    counter = 0
    numbering = _WordNumbering(document)

    def add_paragraph(paragraph: Paragraph) -> None:
        nonlocal counter
        counter += 1
        # Automatic numbering (一、 （一） 1.) is not in the text; Word draws it from numbering.xml.
        label = numbering.label(paragraph) if paragraph.text.strip() else ""
        # Soft line breaks inside a Word paragraph are judged like plain text; its end is certain.
        lines.append(SourceLine(label + paragraph.text, counter, True))

    def add_table(table: Table) -> None:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                    continue
                seen.add(id(cell._tc))
                for block in cell.iter_inner_content():
                    if isinstance(block, Table):
                        add_table(block)
                    else:
                        add_paragraph(block)

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            add_table(block)
        else:
            add_paragraph(block)
    return SourceDocument(path.name, "docx", tuple(lines), "段")


_CN_DIGITS = "零一二三四五六七八九"
_CN_FORMATS = ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "taiwaneseCounting", "ideographDigital")


def _chinese(n: int) -> str:
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CN_FORMATS:
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" and 0 < n <= 20:
        return chr(0x245F + n)
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26:
        return chr((0x60 if fmt == "lowerLetter" else 0x40) + n)
    return str(n)


class _WordNumbering:
    """Labels of automatically numbered paragraphs, counted as Word counts them."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # abstract id -> level -> format
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # num id -> (abstract id, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    self._val(lvl, "w:numFmt", "decimal"), self._val(lvl, "w:lvlText", ""),
                    int(self._val(lvl, "w:start", "1") or 1))
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            overrides = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start.get(qn("w:val"), "1"))
            self.nums[num.get(qn("w:numId"))] = (self._val(num, "w:abstractNumId", ""), overrides)

    def _val(self, element, tag: str, default: str) -> str:
        child = element.find(self._qn(tag))
        return child.get(self._qn("w:val"), default) if child is not None else default

    def _num_pr(self, paragraph) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:
            style_ppr = style.element.pPr
            num_pr = style_ppr.numPr if style_ppr is not None else None
            style = style.base_style
        if num_pr is None or num_pr.numId is None:
            return None
        return str(num_pr.numId.val), int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0

    def label(self, paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None or found[0] not in self.nums:
            return ""
        num_id, level = found
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if level not in levels or levels[level][0] in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:  # a restarted list: its overrides reset the counters
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = levels[level][1]
        for k in range(level + 1):
            fmt = levels.get(k, ("decimal", "", 1))[0]
            text = text.replace(f"%{k + 1}", _format_number(counters.get(k, levels.get(k, ("", "", 1))[2]), fmt))
        return text


# ---------------------------------------------------------------------------- PDF


@dataclass
class _PdfLine:
    text: str
    x0: float
    x1: float
    page: int
    char_width: float


def read_pdf(path: Path) -> SourceDocument:
    """Text-layer lines; paragraph ends come from the layout (short lines, indented next lines)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    raw: list[_PdfLine] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                for line in page.extract_text_lines(layout=False, strip=True, return_chars=True):
                    text = line.get("text", "")
                    if not text.strip() or is_page_marker(normalize_line(text)):
                        continue
                    chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
                    widths = [c["x1"] - c["x0"] for c in chars if not c["text"].isascii()]
                    width = statistics.median(widths) if widths else (line["x1"] - line["x0"]) / max(len(text), 1)
                    raw.append(_PdfLine(text, line["x0"], line["x1"], number, width))
    except PDFSyntaxError as exc:
        raise CorruptFile(f"cannot parse pdf: {exc}", path.name, detail="不是有效的 PDF 文件") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        raise CorruptFile(f"cannot open pdf: {type(exc).__name__}: {exc}", path.name,
                          detail="不是有效的 PDF 文件") from exc
    raw = _drop_running_heads(raw)
    if not raw:
        raise NoTextLayer("pdf has no text layer", path.name)
    return SourceDocument(path.name, "pdf", tuple(_pdf_paragraph_ends(raw)), "页")


def _head_key(line: _PdfLine) -> str:
    return re.sub(r"\d+", "#", line.text.replace(" ", ""))


def _drop_running_heads(raw: list[_PdfLine]) -> list[_PdfLine]:
    """Drop running headers and footers: the same first or last line on most pages."""
    pages: dict[int, list[_PdfLine]] = {}
    for line in raw:
        pages.setdefault(line.page, []).append(line)
    if len(pages) < 3:
        return raw
    edges = Counter(key for lines in pages.values() for key in {_head_key(lines[0]), _head_key(lines[-1])})
    repeated = {key for key, count in edges.items() if count >= max(3, len(pages) // 2)}
    if repeated:
        log.debug("pdf: dropping running heads %s", sorted(repeated))
    return [line for line in raw if _head_key(line) not in repeated]


def _pdf_paragraph_ends(raw: list[_PdfLine]) -> list[SourceLine]:
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
    out = []
    for i, line in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if nxt is None or short(line) or (uses_indent and indented(nxt)):
            flag: bool | None = True
        else:
            flag = False if uses_indent else None
        out.append(SourceLine(line.text, line.page, flag))
    log.debug("pdf layout: %d lines, char %.1f, left %s, right %.1f, indented paragraphs %s",
              len(raw), char, left, right, uses_indent)
    return out
