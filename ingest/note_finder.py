"""Finding responsibility notes in a clause: labelled brackets (（责任单位：…）, 〔牵头单位：…〕, several
in one paragraph), a labelled tail (。责任单位：…), and brackets that list only units
(（各成员单位）, （教育部、人力资源社会保障部负责）, （X牵头负责，Y配合）). Reading the units is
responsibility.parse_note's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.unit_resolver import TRAILING
from ingest.unit_names import CLOSERS, PAIRS, is_catch_all, is_local, matching_close, same_bracket, split_top

_LABELS = {
    "责任单位": None, "责任部门": None, "实施单位": None, "责任主体": None, "责任处室": None,
    "責任單位": None, "責任部門": None, "实施部门": None,
    "牵头单位": "lead", "牵头部门": "lead", "主责单位": "lead", "主办单位": "lead", "主办": "lead",
    "牽頭單位": "lead", "牽頭部門": "lead", "主辦單位": "lead",
    "配合单位": "co", "配合部门": "co", "协办单位": "co", "参与单位": "co", "协同单位": "co", "承办单位": "co",
    "协办": "co", "承办": "co", "参加单位": "co", "配合單位": "co", "配合部門": "co", "協辦單位": "co",
    "承辦單位": "co",
}
_LABEL = "|".join(sorted(_LABELS, key=len, reverse=True))
_OPENERS = "（(〔[［【"
NOTE_OPEN = re.compile(rf"[{re.escape(_OPENERS)}]\s*(?:{_LABEL})\s*[：:]")
NOTE_LINE = re.compile(rf"^\s*(?:{_LABEL})\s*[：:]")
_INLINE = re.compile(rf"(?:^|(?<=[。；;]))\s*((?:{_LABEL})\s*[：:].*)$")
_LABEL_SPLIT = re.compile(rf"({_LABEL})\s*[：:]")
_MEMBERS = re.compile(r"^[^，、]{0,30}各?成员单位$")
_UNIT_LIKE = re.compile(
    r"(?:局|委|部|办|会|联|协|中心|校|院|团|队|所|站|单位|街道|镇|乡|区|县|市|厅|署|行|司|集团|公司|政府|管委会)"
    r"(?:牵头|负责|配合|参与|协同|协助)?$"
)
_TRAILING = TRAILING
# A role written after a unit: 牵头, 牵头负责, 配合; 负责 alone (and 按职责分工负责) names no lead.
_ROLE_SUFFIX = re.compile(
    r"(牵头负责|牵头落实|牵头|按职责分工负责|按职责负责|分工负责|分别负责|共同负责|负责落实|负责|配合|参与|协同|协助|协办)$")
_ROLE_BRACKET = re.compile(r"\s*[（(]\s*(牵头|负责|配合|参与|协同|协助)(?:单位|部门)?\s*[）)]")  # 区科协（牵头）


class NoteSyntaxError(ValueError):
    """A note whose brackets do not balance; `offset` is where it begins in the paragraph."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class NoteSpan:
    start: int  # offsets in the paragraph, brackets included
    end: int
    body: str  # e.g. "责任单位：区科技局、教体局等，各镇、街道"


def check_balanced(text: str, offset: int = 0) -> None:
    """Raise NoteSyntaxError unless every bracket in `text` closes in order."""
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append((ch, i))
        elif ch in CLOSERS:
            if not stack or not same_bracket(stack[-1][0], ch):
                raise NoteSyntaxError(f"unexpected closing bracket {ch!r}", offset + i)
            stack.pop()
    if stack:
        raise NoteSyntaxError(f"bracket {stack[-1][0]!r} never closes", offset + stack[-1][1])


def close_of(text: str, open_at: int) -> int | None:
    """Index of the bracket closing the one at `open_at`, or None."""
    return matching_close(text, open_at)


def find_notes(paragraph: str, resolver=None) -> list[NoteSpan]:
    """Every responsibility note of a clause, in order; NoteSyntaxError if one is malformed."""
    spans: list[NoteSpan] = []
    pos = 0
    for m in NOTE_OPEN.finditer(paragraph):
        if m.start() < pos:
            continue
        start = m.start()
        bodies, end = [], start
        nxt: re.Match | None = m
        # Labelled brackets right after each other are one note: （牵头单位：X）（配合单位：Y）
        while nxt is not None:
            close = matching_close(paragraph, nxt.start())
            if close is None:
                raise NoteSyntaxError("responsibility note is not closed", nxt.start())
            body = paragraph[nxt.start() + 1 : close]
            check_balanced(body, nxt.start() + 1)
            bodies.append(body.strip())
            end = close + 1
            nxt = NOTE_OPEN.match(paragraph, end)
        spans.append(NoteSpan(start, end, "；".join(bodies)))
        pos = end
    if spans:
        rest = paragraph[spans[-1].end:]
        if any(ch in rest for ch in CLOSERS) and rest.strip("。；;，, "):
            check_balanced(rest, spans[-1].end)
        spans += [s for s in _unlabelled_notes(paragraph, resolver) if all(s.end <= t.start or s.start >= t.end
                                                                           for t in spans)]
        return sorted(spans, key=lambda s: s.start)
    m = _INLINE.search(paragraph)
    if m and m.start(1) > 0:
        check_balanced(m.group(1), m.start(1))
        return [NoteSpan(m.start(1), len(paragraph), m.group(1).rstrip("。；; "))]
    return _unlabelled_notes(paragraph, resolver)


def find_note(paragraph: str, resolver=None) -> NoteSpan | None:
    """The first responsibility note of a clause, if it has one."""
    notes = find_notes(paragraph, resolver)
    return notes[0] if notes else None


def _top_brackets(text: str) -> list[tuple[int, int]]:
    """(open, close) of the outermost brackets of `text`."""
    out, i = [], 0
    while i < len(text):
        if text[i] in _OPENERS:
            close = matching_close(text, i)
            if close is None:
                return out
            out.append((i, close))
            i = close + 1
        else:
            i += 1
    return out


def _unlabelled_notes(paragraph: str, resolver) -> list[NoteSpan]:
    """Brackets that list only units: （各成员单位）, （区科技局、区科协）, （教育部、科技部负责）,
    （X牵头负责，Y配合）, （X会同有关部门负责）. They close a sentence (or the paragraph)."""
    stripped = paragraph.rstrip("。；; ")
    out = []
    for open_at, close in _top_brackets(stripped):
        body = stripped[open_at + 1 : close].strip()
        if not body or len(body) > 300:
            continue
        at_end = close == len(stripped) - 1
        after_sentence = open_at > 0 and stripped[open_at - 1] in "。；;"
        role_note = bool(_ROLE_SUFFIX.search(body) or "会同" in body) and all_known(body, resolver, loose=True)
        closes_sentence = at_end or after_sentence or stripped[close + 1 : close + 2] in ("。", "；", ";")
        if ((_MEMBERS.match(body) and (at_end or after_sentence)) or (role_note and closes_sentence)
                or (at_end and after_sentence and all_known(body, resolver))):
            out.append(NoteSpan(open_at, close + 1, body))
    return out


def all_known(body: str, resolver=None, loose: bool = False) -> bool:
    """Whether every item of a bare bracket reads as a unit name (a note without a label);
    `loose` lets role words (牵头负责, 配合, 会同有关部门) and catch-alls stand among them."""
    text = _ROLE_BRACKET.sub("", body)
    items = [i for g in split_top(text, "，,；;") for i in split_top(g, "、/")]
    if not items:
        return False
    for item in items:
        item = _TRAILING.sub("", item).strip()
        if loose:
            item = _TRAILING.sub("", _ROLE_SUFFIX.sub("", item)).strip()
            if "会同" in item:
                item = item.split("会同", 1)[0]
            if not item or is_catch_all(item) or is_local(item, getattr(resolver, "level", "")):
                continue
        if not ((resolver is not None and resolver.resolve(item)[1]) or _UNIT_LIKE.search(item) or is_local(item, getattr(resolver, "level", ""))):
            return False
        if len(item) > 30:
            return False
    return True
