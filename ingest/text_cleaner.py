"""Turns the lines a reader extracted into clean paragraphs, one per line of the cleaned text.

What it repairs: Word bookmark markers ([bookmark: _Hlk…]), page markers (— 3 —, 第3页), lines
hard-broken inside a paragraph (PDF text layers: 融媒 / 体中心 -> 融媒体中心), full-width digits and
letters, stray spaces between Chinese characters, control characters.

Every span the parser records is an offset into `CleanText.text`; each paragraph remembers the
line (Word paragraph, PDF page) of the source it starts at, for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SourceLine:
    """One line as a reader extracted it.

    breaks_after: True when the layout shows a paragraph ends here, False when it shows the
    paragraph goes on, None when only the words can tell (plain text).
    """

    text: str
    origin: int
    breaks_after: bool | None = None
    # (table, row) when the line is one row of a responsibility table (SourceDocument.tables):
    # it stays a paragraph of its own, whatever the lines around it say.
    table_row: tuple[int, int] | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int  # offset of the paragraph in CleanText.text
    end: int
    origin: int  # source line / Word paragraph / PDF page where it begins
    table_row: tuple[int, int] | None = None  # see SourceLine.table_row


@dataclass(frozen=True)
class CleanText:
    text: str
    paragraphs: tuple[Paragraph, ...]
    unit: str = "行"  # what `origin` counts: 行, 段 (Word paragraph) or 页 (PDF page)

    def origin_at(self, offset: int) -> int | None:
        for para in self.paragraphs:
            if para.start <= offset <= para.end:
                return para.origin
        return self.paragraphs[-1].origin if self.paragraphs else None


BOOKMARK = re.compile(r"\[bookmark:\s*[^\]\n]{0,80}\]")
PAGE_MARKER = re.compile(
    r"^\s*(?:[—–\-－─]{1,3}\s*\d{1,4}\s*[—–\-－─]{1,3}"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2060\ufeff\ufffe]")
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014-\u2026"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+(?=[{_CJK}{_CJK_PUNCT}])")
_PUNCT_GAP = re.compile(rf"(?<=[{_CJK_PUNCT}])\s+|\s+(?=[{_CJK_PUNCT}])")
_DIGIT_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[0-9])|(?<=[0-9%])\s+(?=[{_CJK}])")
# Full-width digits and letters to ASCII; Chinese punctuation (，（）：) stays as written.
_WIDTH = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_WIDTH[0xFF05] = ord("%")
_DECIMAL = re.compile(r"(?<=\d)[．](?=\d)")

_NUMERAL = "一二三四五六七八九十"
# Where a new numbered item or heading begins.
NUMBER_START = re.compile(
    rf"^(?:[{_NUMERAL}]{{1,3}}\s*[、．.]"
    rf"|[（(]\s*[{_NUMERAL}]{{1,3}}\s*[）)]"
    r"|\d{1,3}\s*[.．、](?!\d)"
    r"|[（(]\d{1,3}[）)]"
    r"|[\u2460-\u2473]"
    rf"|第[{_NUMERAL}\d]{{1,3}}[章节部分条])"
)
# Where a new paragraph certainly begins: numbered items, headings, dashes and bullets, note lines.
ITEM_START = re.compile(
    NUMBER_START.pattern[:-1] + r"|——|[●■◆•▪]|(?:责任|牵头|配合|协办|参与)(?:单位|部门)\s*[：:])"
)
_HEADING = re.compile(
    rf"^(?:[{_NUMERAL}]{{1,3}}\s*[、．.]|[（(]\s*[{_NUMERAL}]{{1,3}}\s*[）)]|第[{_NUMERAL}\d]{{1,3}}[章节部分条])"
)
STATUS_LINE = re.compile(r"^[（(]?(征求意见稿|送审稿|讨论稿|草案|草稿|试行|修订稿|代拟稿|审议稿|报批稿)[）)]?$")
PERIOD_LINE = re.compile(r"^[（(]\d{4}\s*[—–\-－~～至到]+\s*\d{4}\s*年?[）)]$")
_TERMINAL = "。；：！？;:!?）)】」』…"
_OPEN, _CLOSE = "（(", "）)"


def is_page_marker(line: str) -> bool:
    return bool(PAGE_MARKER.match(line))


def normalize_line(line: str) -> str:
    """Width, spaces, control characters and bookmarks of one line (no line breaks inside)."""
    line = _CONTROL.sub("", line.translate(_WIDTH))
    line = _DECIMAL.sub(".", line)
    line = BOOKMARK.sub("", line)
    line = _SPACE.sub(" ", line)
    line = _CJK_GAP.sub("", line)
    line = _PUNCT_GAP.sub("", line)
    line = _DIGIT_GAP.sub("", line)
    return line.strip()


def bracket_depth(text: str) -> int:
    """Round brackets and 《 not yet closed (never below zero): the paragraph is not finished."""
    round_depth = book_depth = 0
    for ch in text:
        if ch in _OPEN:
            round_depth += 1
        elif ch in _CLOSE and round_depth:
            round_depth -= 1
        elif ch == "《":
            book_depth += 1
        elif ch == "》" and book_depth:
            book_depth -= 1
    return round_depth + book_depth


DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【（(]\s*\d{4}\s*[〕\]］】）)]\s*\d{1,4}\s*号$")


def _is_standalone(line: str) -> bool:
    return bool(STATUS_LINE.match(line) or PERIOD_LINE.match(line) or DOC_NUMBER_LINE.match(line))


def continues(paragraph: str, line: str, next_line: str) -> bool:
    """Whether `next_line` goes on the paragraph that `line` (already in `paragraph`) belongs to.

    Judged from the words only: a paragraph ends with 。；：）, a new one starts with a number, a
    heading, a dash or a note line; an open bracket keeps the paragraph going.
    """
    if not line or not next_line or _is_standalone(line) or _is_standalone(next_line):
        return False
    if bracket_depth(paragraph) > 0 and not NUMBER_START.match(next_line):
        return True
    if ITEM_START.match(next_line):
        return False
    if _HEADING.match(paragraph) and "。" not in paragraph and len(paragraph) <= 40:
        return False
    return line[-1] not in _TERMINAL


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def _split(lines: Iterable[SourceLine]) -> list[SourceLine]:
    """Split multi-line entries; normalise; drop page markers; turn blank lines into breaks."""
    seq: list[SourceLine | None] = []  # None marks a page marker
    for entry in lines:
        if entry.table_row is not None:
            seq.append(SourceLine(normalize_line(" ".join(entry.text.split())), entry.origin, True, entry.table_row))
            continue
        pieces = entry.text.splitlines() or [""]
        for i, piece in enumerate(pieces):
            flag = entry.breaks_after if i == len(pieces) - 1 else None
            text = normalize_line(piece)
            seq.append(None if is_page_marker(text) else SourceLine(text, entry.origin, flag))
    # Blank lines around a page marker are part of the page break, not paragraph breaks.
    keep = [True] * len(seq)
    for i, item in enumerate(seq):
        if item is None:
            keep[i] = False
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(seq) and seq[j] is not None and not seq[j].text:
                    keep[j] = False
                    j += step
    out: list[SourceLine] = []
    for item, kept in zip(seq, keep, strict=True):
        if not kept or item is None:
            continue
        if not item.text:
            if out:
                out[-1] = replace(out[-1], breaks_after=True)
            continue
        out.append(item)
    return out


def clean_lines(lines: Sequence[SourceLine] | Iterable[SourceLine], unit: str = "行") -> CleanText:
    """Join hard-broken lines into paragraphs and lay them out one per line."""
    items = _split(lines)
    paragraphs: list[tuple[str, int, tuple[int, int] | None]] = []
    buffer, origin = "", 0
    for i, line in enumerate(items):
        if line.table_row is not None:  # a table row is a paragraph of its own
            if buffer:
                paragraphs.append((buffer, origin, None))
                buffer = ""
            paragraphs.append((line.text, line.origin, line.table_row))
            continue
        if not buffer:
            origin = line.origin
        buffer = _join(buffer, line.text)
        following = items[i + 1] if i + 1 < len(items) else None
        nxt = following.text if following is not None and following.table_row is None else ""
        if line.breaks_after is None:
            ends = not continues(buffer, line.text, nxt)
        else:
            # The layout says whether the paragraph goes on; only a new numbered item overrules it.
            ends = line.breaks_after or not nxt or (bracket_depth(buffer) == 0 and bool(NUMBER_START.match(nxt)))
        if ends and nxt and _closes_open_bracket(buffer, nxt):
            ends = False  # （牵头部 / (blank line) / 门：市发展改革委）: one note broken by the layout
        if ends:
            paragraphs.append((buffer, origin, None))
            buffer = ""
    if buffer:
        paragraphs.append((buffer, origin, None))
    return _lay_out(paragraphs, unit)


def _closes_open_bracket(paragraph: str, next_line: str) -> bool:
    """The paragraph has a bracket open that the next line (not a new numbered item) closes."""
    depth = bracket_depth(paragraph)
    return depth > 0 and not NUMBER_START.match(next_line) and bracket_depth(paragraph + next_line) < depth


def _lay_out(paragraphs: list[tuple[str, int, tuple[int, int] | None]], unit: str) -> CleanText:
    out: list[Paragraph] = []
    offset = 0
    for raw, origin, table_row in paragraphs:
        # A second pass catches bookmarks and gaps that straddled a line break.
        text = normalize_line(BOOKMARK.sub("", raw))
        if not text or is_page_marker(text):
            continue
        out.append(Paragraph(text, offset, offset + len(text), origin, table_row))
        offset += len(text) + 1
    return CleanText("\n".join(p.text for p in out), tuple(out), unit)


def paragraph_per_line(lines: Sequence[str]) -> bool:
    """Whether a plain text holds one paragraph per line (a web page or a Word export saved as
    text) rather than lines hard-wrapped at a page width: many of its lines are long."""
    filled = [line.strip() for line in lines if line.strip()]
    long = sum(1 for line in filled if len(line) > 100)
    return long >= 3 and long >= 0.15 * len(filled)


def clean_text(text: str) -> CleanText:
    """Clean a plain string, its lines numbered from 1."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    raw = text.split("\n")
    ends = True if paragraph_per_line(raw) else None
    return clean_lines((SourceLine(line, n, ends) for n, line in enumerate(raw, 1)), "行")
