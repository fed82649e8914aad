"""Responsibility notes: finding them in a clause and reading the units they name.

    （责任单位：区科技局、区委宣传部，区文广旅局、教体局等，高新区、农科园，各镇、街道）

Groups are separated by "，": with two department groups the first leads and the second takes
part; with one, all are jointly responsible and no lead is recorded. 各镇、街道 are local units,
高新区、农科园 zones. Labelled notes say it outright: （牵头单位：X；配合单位：Y）. The level prefix
distributes (区科技局、教体局 -> 区教体局); self-contained names keep their form (团区委,
淮阴生态环境局); 区委宣传部<区文明办> records 区文明办 as an alias of 区委宣传部.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.unit_registry import UnitRegistry

_LABELS = {
    "责任单位": None, "责任部门": None, "实施单位": None, "责任主体": None, "主办单位": None,
    "牵头单位": "lead", "牵头部门": "lead", "主责单位": "lead",
    "配合单位": "co", "配合部门": "co", "协办单位": "co", "参与单位": "co", "协同单位": "co",
}
_LABEL = "|".join(_LABELS)
NOTE_OPEN = re.compile(rf"[（(]\s*(?:{_LABEL})\s*[：:]")
NOTE_LINE = re.compile(rf"^\s*(?:{_LABEL})\s*[：:]")
_INLINE = re.compile(rf"(?:^|(?<=[。；;]))\s*((?:{_LABEL})\s*[：:].*)$")
_LABEL_SPLIT = re.compile(rf"({_LABEL})\s*[：:]")
_MEMBERS = re.compile(r"^[^，、]{0,30}各?成员单位$")
_UNIT_LIKE = re.compile(r"(?:局|委|部|办|会|联|协|中心|校|院|团|队|所|站|单位|街道|镇|乡|区|县|市)(?:牵头|负责|配合|参与|协同|协助)?$")
_PAIRS = {"（": "）", "(": ")", "<": ">", "〈": "〉", "《": "》", "＜": "＞"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_ROUND = {"（": "(", "(": "(", "）": ")", ")": ")"}
_TRAILING = re.compile(r"等(?:有关|相关)?(?:部门|单位)?$")
_LOCALITY = ("镇", "街道", "乡", "乡镇", "村", "社区", "村居", "区", "县", "市", "县级市", "县区", "县市区")
_ZONE = re.compile(r"(?:高新区|开发区|园区|产业园|农科园|工业园|示范区|新区)$")
_ROLE_SUFFIX = re.compile(r"(牵头|负责|配合|参与|协同|协助)$")
_ROLE_BRACKET = re.compile(r"\s*[（(]\s*(牵头|负责|配合|参与|协同|协助)(?:单位|部门)?\s*[）)]")  # 区科协（牵头）
_TOWNS = re.compile(r"(各?)镇街(?:道)?(?!办|[\u4e00-\u9fff]*局)")  # 各镇街 = 各镇、各街道
_SELF_CONTAINED = re.compile(
    r"^(?:区|市|县|省|州|镇|乡|团|共青团|中共|中国|国家|各|全)|^[\u4e00-\u9fff]{2,4}?(?:省|市|区|县)"
)


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


@dataclass
class NoteUnits:
    raw: str
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def check_balanced(text: str, offset: int = 0) -> None:
    """Raise NoteSyntaxError unless every bracket in `text` closes in order."""
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            if not stack or _ROUND.get(stack[-1][0], stack[-1][0]) != _ROUND.get(opener, opener):
                raise NoteSyntaxError(f"unexpected closing bracket {ch!r}", offset + i)
            stack.pop()
    if stack:
        raise NoteSyntaxError(f"bracket {stack[-1][0]!r} never closes", offset + stack[-1][1])


def close_of(text: str, open_at: int) -> int | None:
    """Index of the round bracket closing the one at `open_at`, or None."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)":
            depth -= 1
            if depth == 0:
                return i
    return None


def find_note(paragraph: str, resolver: UnitResolver | None = None) -> NoteSpan | None:
    """The responsibility note of a clause, if it has one; NoteSyntaxError if it is malformed."""
    m = NOTE_OPEN.search(paragraph)
    if m:
        start = m.start()
        close = close_of(paragraph, start)
        if close is None:
            raise NoteSyntaxError("responsibility note is not closed", start)
        bodies = [paragraph[start + 1 : close]]
        end = close + 1
        # A second labelled bracket right after the first: （牵头单位：X）（配合单位：Y）
        while (nxt := NOTE_OPEN.match(paragraph, end)) is not None:
            close = close_of(paragraph, nxt.start())
            if close is None:
                raise NoteSyntaxError("responsibility note is not closed", nxt.start())
            bodies.append(paragraph[nxt.start() + 1 : close])
            end = close + 1
        for body in bodies:
            check_balanced(body, start + 1)
        rest = paragraph[end:]
        if any(ch in rest for ch in "）)>〉》") and rest.strip("。；;，, "):
            check_balanced(rest, end)
        return NoteSpan(start, end, "；".join(b.strip() for b in bodies))
    m = _INLINE.search(paragraph)
    if m and m.start(1) > 0:
        check_balanced(m.group(1), m.start(1))
        return NoteSpan(m.start(1), len(paragraph), m.group(1).rstrip("。；; "))
    return _unlabelled_note(paragraph, resolver)


def _unlabelled_note(paragraph: str, resolver: UnitResolver | None) -> NoteSpan | None:
    """A bare bracket closing the clause that lists only units: （各成员单位）, （区科技局、区科协）."""
    stripped = paragraph.rstrip("。；; ")
    if not stripped.endswith(("）", ")")):
        return None
    depth, start = 0, None
    for i in range(len(stripped) - 1, -1, -1):
        if stripped[i] in "）)":
            depth += 1
        elif stripped[i] in "（(":
            depth -= 1
            if depth == 0:
                start = i
                break
    if not start:
        return None
    body = stripped[start + 1 : -1].strip()
    if not body or len(body) > 200:
        return None
    if _MEMBERS.match(body) or (
        paragraph[start - 1] in "。；;" and (resolver or UnitResolver(None)).all_known(body)
    ):
        return NoteSpan(start, len(stripped), body)
    return None


def _split_top(text: str, seps: str) -> list[str]:
    """Split on separators outside brackets."""
    parts, depth, buf = [], 0, []
    for ch in text:
        if ch in _PAIRS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def _name_and_inner(item: str) -> tuple[str, list[str]]:
    """区委宣传部<区文明办> -> ("区委宣传部", ["区文明办"])."""
    m = re.match(r"^(.*?)[（(<〈＜](.*)[）)>〉＞]$", item)
    if not m or not m.group(1):
        return item, []
    return m.group(1).strip(), _split_top(m.group(2), "、，,/")


class UnitResolver:
    """Turns names as written into canonical names for one plan (its level prefix and region)."""

    def __init__(self, registry: UnitRegistry | None, prefix: str = "区", region: str = ""):
        self.registry = registry
        self.prefix = prefix
        self.region = region
        self.stem = region[:-1] if len(region) > 2 else region

    def resolve(self, name: str) -> tuple[str, bool]:
        """(canonical or kept form, known to the registry)."""
        name = _TRAILING.sub("", "".join(name.split())).strip("，、。；：,;:")
        if not name:
            return "", False
        self_contained = bool(_SELF_CONTAINED.match(name)) or bool(self.stem and name.startswith(self.stem))
        written = name if self_contained else self.prefix + name
        if self.registry is not None:
            canonical = self.registry.canonical(written)
            if canonical:
                return canonical, True
        return written, False

    def kind(self, canonical: str) -> str | None:
        return self.registry.kind(canonical) if self.registry is not None else None

    def all_known(self, body: str) -> bool:
        """Whether every item of a bare bracket reads as a unit name (a note without a label)."""
        items = [i for g in _split_top(body, "，,；;") for i in _split_top(g, "、/")]
        return bool(items) and all(
            self.resolve(i)[1] or _UNIT_LIKE.search(_TRAILING.sub("", i)) for i in items
        )


def _add(seq: list[str], value: str) -> None:
    if value and value not in seq:
        seq.append(value)


def parse_note(body: str, resolver: UnitResolver) -> NoteUnits:
    """Read the units of a note body such as "责任单位：区科技局、教体局等，各镇、街道"."""
    out = NoteUnits(raw=body.strip())
    body = _TOWNS.sub(lambda m: f"{m.group(1)}镇、{m.group(1)}街道", _ROLE_BRACKET.sub(r"\1", body))
    segments: list[tuple[str | None, str]] = []
    pieces = _LABEL_SPLIT.split(body)
    if pieces[0].strip("，,；; "):
        segments.append((None, pieces[0]))
    for label, content in zip(pieces[1::2], pieces[2::2], strict=False):
        segments.append((_LABELS[label], content))
    joint_groups: list[list[str]] = []
    lead: list[str] = []
    co: list[str] = []
    for label_role, content in segments:
        for group in (g for top in _split_top(content, "，,；;") for g in _split_at_roles(top)):
            depts, suffix_role = _read_group(group, resolver, out)
            role = label_role or suffix_role
            if role == "lead":
                lead += depts
            elif role == "co":
                co += depts
            elif depts:
                joint_groups.append(depts)
    if len(joint_groups) >= 2 and not lead:
        lead += joint_groups.pop(0)
    for group in joint_groups:
        co += group
    for name in lead:
        _add(out.lead, name)
    for name in co:
        if name not in out.lead:
            _add(out.co, name)
    return out


def _split_at_roles(group: str) -> list[str]:
    """区科协牵头、区教育局、区科技局 -> [区科协牵头, 区教育局、区科技局]: a role written after a
    unit inside a group closes the part it belongs to (a role after the last unit is the group's)."""
    items = _split_top(group, "、/")
    parts, current = [], []
    for i, item in enumerate(items):
        current.append(item)
        role = _ROLE_SUFFIX.search(_TRAILING.sub("", item).strip())
        if role and i < len(items) - 1 and len(item) > len(role.group(1)) + 1:
            parts.append("、".join(current))
            current = []
    if current:
        parts.append("、".join(current))
    return parts


def _read_group(group: str, resolver: UnitResolver, out: NoteUnits) -> tuple[list[str], str | None]:
    """Sort one "，" group into local units, zones and departments.

    Returns the departments and the role a suffix gives the group (X、Y配合 -> "co").
    """
    depts: list[str] = []
    local_group = False
    group_role = None
    for item in _split_top(group, "、/"):
        item = _TRAILING.sub("", item).strip()
        role = _ROLE_SUFFIX.search(item)
        if role and len(item) > len(role.group(1)) + 1:
            item = _TRAILING.sub("", item[: role.start()])
            group_role = {"牵头": "lead", "负责": None}.get(role.group(1), "co")
        name, inner = _name_and_inner(item)
        bare = name[1:] if name.startswith("各") else name
        if bare in _LOCALITY and (name.startswith("各") or local_group or bare in ("镇", "街道", "乡镇")):
            local_group = True
            for place in [bare, *(i[1:] if i.startswith("各") else i for i in inner)]:
                canonical, _ = resolver.resolve("各" + place)
                _add(out.local, canonical)
            continue
        canonical, known = resolver.resolve(name)
        if not canonical:
            continue
        kind = resolver.kind(canonical)
        if kind == "local":
            _add(out.local, canonical)
            continue
        if kind == "zone" or (kind is None and _ZONE.search(canonical)):
            _add(out.zones, canonical)
            continue
        if not known:
            _add(out.unresolved, canonical)
        for alias in inner:
            alias_name, alias_known = resolver.resolve(alias)
            if alias_name and alias_name != canonical:
                out.aliases.setdefault(canonical, [])
                _add(out.aliases[canonical], alias_name)
                if not alias_known:
                    _add(out.unresolved, alias_name)
        depts.append(canonical)
    return depts, group_role
