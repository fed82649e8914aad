"""Readers that pull the lines of a plan out of .txt/.md, .docx and text-layer .pdf files.

Each reader returns a `SourceDocument`: lines in reading order plus what the layout says about
paragraph ends. Cleaning (joining broken lines, page markers, widths) is text_cleaner's job, so
the same plan gives the same paragraphs whatever the format.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from ingest.errors import CorruptFile, EmptyFile, UnsupportedFormat
from ingest.numerals import chinese_numeral
from ingest.plan_tables import PlanTable, build_table
from ingest.source import SourceDocument
from ingest.table_readers import docx_grid, docx_rows, row_text, text_tables
from ingest.text_cleaner import SourceLine, paragraph_per_line

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", *IMAGE_SUFFIXES)
MAX_BYTES = 50 * 1024 * 1024
# The provenance line a collected text may start with (# source: repo path (commit)): not the plan's.
SOURCE_LINE = re.compile(r"^\s*#\s*(?:source|来源|出处)\s*[:：]", re.IGNORECASE)
_MD_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))|\*\*|__|`")


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
        from ingest.pdf_reader import read_pdf

        return read_pdf(path)
    if suffix in IMAGE_SUFFIXES:
        from ingest.pdf_reader import read_image

        return read_image(path)
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
    raw = text.split("\n")
    lines: list[SourceLine] = []
    tables: list[PlanTable] = []
    found = text_tables(raw, list(range(1, len(raw) + 1)))
    starts = {start: (end, table) for start, end, table in found}
    ends = True if paragraph_per_line(raw) else None  # each line a paragraph, or judge from the words
    n = 0
    while n < len(raw):
        if n in starts:  # a responsibility table (pipe or tab separated): one line per row
            end, table = starts[n]
            lines += [SourceLine(row_text(row, True), row.origin, True, (len(tables), r))
                      for r, row in enumerate(table.rows) if row.kind != "skip"]
            tables.append(table)
            n = end
            continue
        if n == 0 and SOURCE_LINE.match(raw[n]):
            n += 1
            continue
        line = _MD_MARKUP.sub("", raw[n]) if kind == "md" else raw[n]
        lines.append(SourceLine(line, n + 1, ends))
        n += 1
    return SourceDocument(path.name, kind, tuple(lines), "行", tuple(tables))


# ---------------------------------------------------------------------------- Word


def read_docx(path: Path) -> SourceDocument:
    """Paragraphs and table cells of the body in document order (Word paragraphs are paragraphs);
    a responsibility table gives one line per row and a PlanTable."""
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
    tables: list[PlanTable] = []
    counter = 0
    numbering = _WordNumbering(document)

    def add_paragraph(paragraph: Paragraph) -> None:
        nonlocal counter
        counter += 1
        # Automatic numbering (一、 （一） 1.) is not in the text; Word draws it from numbering.xml.
        label = numbering.label(paragraph) if paragraph.text.strip() else ""
        # Soft line breaks inside a Word paragraph are judged like plain text; its end is certain.
        lines.append(SourceLine(label + paragraph.text, counter, True))

    def add_task_table(table: Table) -> bool:
        if build_table(docx_grid(table, lambda p: p.text), [0] * len(table.rows)) is None:
            return False
        nonlocal counter
        origins = []

        def text_of(paragraph: Paragraph) -> str:
            nonlocal counter
            counter += 1  # cell paragraphs count like body paragraphs, for 第N段 in messages
            return numbering.label(paragraph) + paragraph.text  # Word numbers empty 序号 cells too

        grid, before = [], counter
        for row in docx_rows(table, text_of):
            grid.append(row)
            origins.append(before + 1)
            before = counter
        found = build_table(grid, origins)
        if found is None:
            return False
        for r, row in enumerate(found.rows):
            if row.kind != "skip":
                lines.append(SourceLine(row_text(row, True), row.origin, True, (len(tables), r)))
        tables.append(found)
        return True

    def add_table(table: Table) -> None:
        if add_task_table(table):
            return
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
    return SourceDocument(path.name, "docx", tuple(lines), "段", tuple(tables))


_CN_FORMATS = ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "taiwaneseCounting", "ideographDigital")


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CN_FORMATS:
        return chinese_numeral(n)
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
        # python-docx raises NotImplementedError for a document without a numbering part (its
        # "create one" path is unimplemented): such a file simply has no automatic numbering.
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
