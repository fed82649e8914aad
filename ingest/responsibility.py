"""Responsibility notes: finding them in a clause and reading the units they name.

    （责任单位：区科技局、区委宣传部，区文广旅局、教体局等，高新区、农科园，各镇、街道）

Groups are separated by "，": with two department groups the first leads and the second takes
part; with one, all are jointly responsible and no lead is recorded. 各镇、街道 are local units,
高新区、农科园 zones. Labelled notes say it outright: （牵头单位：X；配合单位：Y）, and so do
national-style notes without a label: （教育部、人力资源社会保障部负责）, （X牵头负责，Y配合）,
（X会同有关部门负责）. A plan's own convention (列第一位的为牵头单位，下同; 第一个逗号前为牵头单位)
overrules the comma rule for the notes it governs (see unit_names.Conventions).

Names are kept as written, brackets and all (市委改革办〔市营商环境建设局〕); the registry of the
plan's own region gives canonical names, where 区委宣传部<区文明办> records 区文明办 as an alias. A
bare name right after one with the plan's level prefix takes the prefix (区文广旅局、教体局 ->
区教体局) unless the plan writes it bare elsewhere (科技厅 in a provincial plan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.unit_resolver import MARKERS, UnitResolver, has_level  # noqa: F401 - UnitResolver read from here too
from ingest.note_finder import (  # noqa: F401 - NoteSpan, find_note … are read from here too
    _LABEL_SPLIT,
    _LABELS,
    _ROLE_BRACKET,
    _ROLE_SUFFIX,
    _TRAILING,
    NOTE_LINE,
    NOTE_OPEN,
    NoteSpan,
    NoteSyntaxError,
    all_known,
    check_balanced,
    close_of,
    find_note,
    find_notes,
)
from ingest.unit_names import (
    Conventions,
    blanket_names,
    is_catch_all,
    is_local,
    split_convention,
    split_top,
)

_LOCALITY = ("镇", "街道", "乡", "乡镇", "村", "社区", "村居", "区", "县", "市", "县级市", "县区", "县市区")
_ZONE = re.compile(r"(?:高新区|开发区|经开区|园区|产业园|农科园|工业园|示范区|新区|合作区)$")
_ROLE_OF = {"牵头负责": "lead", "牵头落实": "lead", "牵头": "lead", "配合": "co", "参与": "co", "协同": "co",
            "协助": "co", "协办": "co"}
_ANNOTATION = re.compile(
    r"[（(〈<【\[〔]\s*(?:含|包括|下同|以下简称|持续|长期|逐年|\d{4}\s*年|\d{1,2}\s*月)[^）)〉>】\]〕]*[）)〉>】\]〕]")
# When a note also says by when (完成时限：2025年底): that part names no unit.
_DEADLINE = re.compile(r"[；;，,]?\s*(?:完成时限|完成时间|完成期限|时间节点|时限要求|时限|进度安排|实施期限)\s*[：:][^；;]*")
_TIME_WORDS = re.compile(r"^(?:\d{4}\s*年|\d{1,2}\s*月|\d{4}[-—至]\d{4})|(?:持续推进|长期坚持|逐年推进|年底前|月底前|前完成|长期)$")
_TOWNS = re.compile(r"(各?)镇街(?:道)?(?!办|[\u4e00-\u9fff]*局)")  # 各镇街 = 各镇、各街道
_LOCAL_LIST = re.compile(r"^各[区县市镇乡街道（）()〔〕、]+(?:人民)?政府$")
_WITH = re.compile(r"^(.+?)会同(.*?)(?:负责|落实|推进|实施)?$")  # X会同有关部门负责: X leads
_MARKERS = MARKERS


@dataclass
class NoteUnits:
    raw: str
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    convention: str = ""  # a convention sentence written into the note (列第一位的为牵头单位，下同)
    dropped: list[str] = field(default_factory=list)  # catch-alls left out (有关部门)
    rule: str = ""  # how the lead was decided: label, suffix, first, comma, groups, none


def _name_and_inner(item: str) -> tuple[str, list[str]]:
    """区委宣传部<区文明办> -> ("区委宣传部", ["区文明办"])."""
    m = re.match(r"^(.*?)[（(<〈＜〔\[【](.*)[）)>〉＞〕\]】]$", item)
    if not m or not m.group(1):
        return item, []
    return m.group(1).strip(), split_top(m.group(2), "、，,/")


def _add(seq: list[str], value: str) -> None:
    if value and value not in seq:
        seq.append(value)


def _segments(body: str) -> list[tuple[str | None, str]]:
    segments: list[tuple[str | None, str]] = []
    pieces = _LABEL_SPLIT.split(body)
    if pieces[0].strip("，,；; "):
        segments.append((None, pieces[0]))
    for label, content in zip(pieces[1::2], pieces[2::2], strict=False):
        segments.append((_LABELS[label], content))
    # 牵头单位：X，责任单位：Y — after a lead label, 责任单位 names the others
    if any(role == "lead" for role, _ in segments):
        segments = [(role, content) if role or i == 0 else ("co", content)
                    for i, (role, content) in enumerate(segments)]
    return segments


def parse_note(body: str, resolver: UnitResolver, conventions: Conventions | None = None) -> NoteUnits:
    """Read the units of a note body such as "责任单位：区科技局、教体局等，各镇、街道"."""
    out = NoteUnits(raw=body.strip())
    units_text, sentence = split_convention(body.strip())
    if sentence:
        out.convention = sentence
        if conventions is not None and conventions.read(sentence):
            for name in blanket_names(sentence):
                _add(conventions.blanket_local, resolver.tidy(name))
    units_text = _DEADLINE.sub("", _ANNOTATION.sub("", units_text))
    units_text = _TOWNS.sub(lambda m: f"{m.group(1)}镇、{m.group(1)}街道", _ROLE_BRACKET.sub(r"\1", units_text))
    first_leads = conventions is not None and conventions.first_leads
    comma_leads = conventions is not None and conventions.comma_leads
    joint_groups: list[list[str]] = []
    lead: list[str] = []
    co: list[str] = []
    explicit = False
    for label_role, content in _segments(units_text):
        explicit = explicit or label_role is not None
        for top in split_top(content, "，,；;"):
            for group in _split_at_roles(top):
                for part, part_role in _split_with(group):
                    depts, suffix_role = _read_group(part, resolver, out, label_role == "lead")
                    role = label_role or suffix_role or part_role
                    if role == "lead":
                        lead += depts
                        explicit = True
                    elif role == "co":
                        co += depts
                        explicit = explicit or suffix_role is not None or part_role is not None
                    else:
                        joint_groups.append(depts)
    departments = [g for g in joint_groups if g]
    if lead:
        out.rule = "label" if any(r == "lead" for r, _ in _segments(units_text)) else "suffix"
    elif departments and not explicit:
        if comma_leads:
            lead += joint_groups[0]  # a first group of local implementers leaves no lead
            joint_groups = joint_groups[1:]
            out.rule = "comma"
        elif first_leads:
            lead.append(departments[0][0])
            joint_groups = [g[1:] if g is departments[0] else g for g in joint_groups]
            out.rule = "first"
        elif len(departments) >= 2:
            lead += departments[0]
            joint_groups = [g for g in joint_groups if g is not departments[0]]
            out.rule = "groups"
        else:
            out.rule = "none"
    for group in joint_groups:
        co += group
    for name in lead:
        _add(out.lead, name)
    for name in co:
        if name not in out.lead:
            _add(out.co, name)
    return out


def merge_units(notes: list[NoteUnits]) -> NoteUnits:
    """Several notes of one item: leads united; co united, less any unit that leads in another note."""
    if len(notes) == 1:
        return notes[0]
    out = NoteUnits("；".join(n.raw for n in notes))
    for note in notes:
        for name in note.lead:
            _add(out.lead, name)
    for note in notes:
        for name in note.co:
            if name not in out.lead:
                _add(out.co, name)
        for attr in ("local", "zones", "unresolved", "dropped"):
            for name in getattr(note, attr):
                _add(getattr(out, attr), name)
        for canonical, aliases in note.aliases.items():
            for alias in aliases:
                _add(out.aliases.setdefault(canonical, []), alias)
        out.convention = out.convention or note.convention
        out.rule = out.rule or note.rule
    return out


def _split_with(group: str) -> list[tuple[str, str | None]]:
    """X会同Y负责 -> [(X, lead), (Y, co)]; anything else is one part without a role."""
    m = _WITH.match(group)
    if not m or not m.group(1).strip():
        return [(group, None)]
    others = m.group(2).strip()
    parts = [(m.group(1).strip(), "lead")]
    if others and not is_catch_all(others):
        parts.append((others, "co"))
    return parts


def _split_at_roles(group: str) -> list[str]:
    """区科协牵头、区教育局、区科技局 -> [区科协牵头, 区教育局、区科技局]: a role written after a
    unit inside a group closes the part it belongs to (a role after the last unit is the group's)."""
    items = split_top(group, "、/")
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


def _read_group(group: str, resolver: UnitResolver, out: NoteUnits,
                labelled: bool = False) -> tuple[list[str], str | None]:
    """Sort one "，" group into local units, zones and departments.

    Returns the departments and the role a suffix gives the group (X、Y配合 -> "co"). Under a
    牵头单位 label a named zone (高新区) is a department that leads.
    """
    depts: list[str] = []
    local_group = False
    group_role = None
    before = ""  # the department written before, for the level prefix
    items = split_top(group, "、/")
    for n, raw in enumerate(items):
        item = resolver.tidy(_TRAILING.sub("", raw).strip())
        role = _ROLE_SUFFIX.search(item)
        if role and len(item) > len(role.group(1)) + 1:
            item = resolver.tidy(item[: role.start()])
            group_role = _ROLE_OF.get(role.group(1))
        if not item:
            continue
        # 各区、县（市）政府: one local name with "、" inside
        joined = "、".join(resolver.tidy(i) for i in items[n:])
        if item.startswith("各") and _LOCAL_LIST.match(joined):
            _add(out.local, _ROLE_SUFFIX.sub("", joined))
            break
        # 广州、深圳市政府: the places before a named government share its ending
        if n + 1 < len(items) and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", item):
            tail = re.match(r"^[\u4e00-\u9fff]{2,3}?((?:市|区|县)(?:人民)?政府)$", resolver.tidy(items[-1]))
            if tail:
                _add(out.local, item + tail.group(1))
                continue
        name, inner = _name_and_inner(item)
        bare = name[1:] if name.startswith("各") else name
        if bare in _LOCALITY and (name.startswith("各") or local_group or bare in ("镇", "街道", "乡镇")):
            local_group = True
            for place in [bare, *(i[1:] if i.startswith("各") else i for i in inner)]:
                canonical, _ = resolver.resolve("各" + place)
                _add(out.local, canonical)
            continue
        if is_local(item, resolver.level):
            _add(out.local, item)
            continue
        if is_catch_all(item) or _TIME_WORDS.search(item):
            _add(out.dropped, item)
            continue
        known_outer = resolver.registry is not None and resolver.resolve(name)[1]
        if inner and not known_outer:
            name, inner = item, []  # 市委改革办〔市营商环境建设局〕 is one name, kept as written
        canonical, known = resolver.resolve(name, before)
        if not canonical:
            continue
        kind = resolver.kind(canonical)
        if kind == "local":
            _add(out.local, canonical)
            continue
        if (kind == "zone" or (kind is None and _ZONE.search(canonical))) and not labelled:
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
        before = canonical if has_level(canonical) else name
    return depts, group_role


def bare_names(bodies: list[str], prefix: str) -> set[str]:
    """Names a plan writes without its level prefix where no prefixed name comes before them (the
    first of a list or after another bare name): they are bare on purpose (科技厅, 港口委)."""
    out: set[str] = set()
    for body in bodies:
        text, _ = split_convention(body)
        for _, content in _segments(_ANNOTATION.sub("", text)):
            for top in split_top(content, "，,；;"):
                previous_prefixed = False
                for item in split_top(top, "、/"):
                    item = _ROLE_SUFFIX.sub("", _TRAILING.sub("", item).strip()).strip(_MARKERS)
                    if not item:
                        continue
                    if item.startswith(prefix):
                        previous_prefixed = True
                        continue
                    if not previous_prefixed:
                        out.add(item)
                    previous_prefixed = False
    return out
