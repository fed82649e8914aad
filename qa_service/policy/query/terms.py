"""The units a graph question names, each with its role and sign: "区科协牵头、区教体局不参与的…",
"除了区科协…", "把区科协也参与的去掉…", and unit-shaped names no loaded plan knows. Read by `parser.py`."""

from __future__ import annotations

import re

from graph.unit_resolver import UnitMention
from qa_service.policy.query import cues
from qa_service.policy.query.query import ANY, CO, LEAD, UnitTerm


def dedupe(mentions: list[UnitMention]) -> list[UnitMention]:
    out: list[UnitMention] = []
    for m in mentions:
        if not any(o.canonical == m.canonical for o in out):
            out.append(m)
    return out


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


def between(text: str, mentions: list[UnitMention]) -> str:
    if len(mentions) < 2:
        return ""
    return text[mentions[0].end : mentions[-1].start]


def excepted(text: str, mentions: list[UnitMention]) -> list[str]:
    """Units right after 除了/除去 (…以外): "除了区科协（以外），…"."""
    out = []
    for m in cues.EXCEPT.finditer(text):
        rest = text[m.end() :]
        for mention in mentions:
            gap = text[m.end() : mention.start]
            if mention.start >= m.end() and len(gap.strip(" 、和与及")) == 0:
                out.append(mention.canonical)
                # "除了区科协和区教体局以外": the next ones in the same list count too.
                for nxt in mentions:
                    if nxt.start > mention.end and not text[mention.end : nxt.start].strip(" 、和与及"):
                        out.append(nxt.canonical)
                break
        del rest
    for mention in mentions:  # "把区科协也参与的去掉"
        if text[max(0, mention.start - 1) : mention.start] in ("把", "将") and cues.REMOVE_AFTER.search(
            text[mention.end :]
        ):
            out.append(mention.canonical)
    return list(dict.fromkeys(out))


def terms(text: str, mentions: list[UnitMention], excepted: list[str]) -> list[UnitTerm]:
    """Each unit with the role the words after it (up to the next unit) give it; a role word after
    the last unit ("A和B都牵头") applies to the units before it that have none."""
    out: list[UnitTerm] = []
    pending: list[UnitTerm] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        after = text[m.end : nxt]
        if i + 1 < len(mentions):  # "有数据局、没有科技局": the 没有 is the next unit's
            after = re.sub(r"[、，,\s]*(没有|没|无|不含|不包括)$", "", after)
        before = text[max(0, m.start - 4) : m.start]
        term = UnitTerm(m.canonical)
        if m.canonical in excepted:
            term.negated = True
        explicit = True
        if cues.CO_ONLY.search(after):
            term.role = CO
        elif cues.NEG_LEAD.search(after):
            term.role, term.negated = LEAD, True
        elif cues.NEG_ANY.search(after) or re.search(r"(没有|无|不含|不包括)$", before.strip()):
            term.role, term.negated = ANY, True
        elif cues.LEAD.search(after if i + 1 == len(mentions) else after[:12]):
            term.role = LEAD
        elif re.search(r"参与|负责|参加|配合|涉及|有份|在内|都有", after[:10]) or re.search(r"(^|[，,、\s])有$", before):
            term.role = ANY  # "有数据局、没有科技局的措施"
        else:
            explicit = False
        if not explicit:
            pending.append(term)
        else:
            # "科技局和大数据局都不参与": a negation said of the whole list holds for each unit in it
            together = term.negated and bool(re.match(r"\s*(都|均|全|皆)", after))
            for p in pending:
                if not p.negated:
                    p.role = term.role if not term.negated or together else ANY
                    p.negated = together
            pending = []
        out.append(term)
    return out


def unknown_units(bare: str, levels: set[str]) -> list[str]:
    """Unit-shaped names of the loaded plans' level (区环保局 for a district's plan, 市气象局 for a
    city's) that the resolver did not recognise."""
    out = []
    for m in cues.UNIT_SHAPE.finditer(bare):
        if m.start() and bare[m.start() - 1] in "市省县区国":
            continue
        if bare[m.end() : m.end() + 1] == "门" or m.group()[1:2] in "直属级里":
            continue  # 市直部门, 区属单位, 市级部门: a kind of unit, not one
        if m.group().lstrip("团")[0] not in levels:
            continue  # 市科协 asked of a district's plan: another level, answered apart
        out.append(m.group())
    for m in _LOCAL_SHAPE.finditer(bare):  # 各乡镇人民政府, 各街道办事处: local governments no note names
        out.append(m.group())
    # "经信厅参与了但科技厅没参与的…": a bare department name no plan knows is reported, not dropped
    # while the rest of the question is answered as if it named one unit fewer
    for m in _BARE_UNIT.finditer(bare):
        name = m.group(1)
        if not _NOT_UNIT.search(name) and not any(name in o or o in name for o in out):
            out.append(name)
    return out


_BARE_UNIT = re.compile(
    r"(?:^|(?<=[\s和与或及跟、，,]))([^\s是哪些谁什么的和与或及在中里有负责参与牵头还也都共同,，。?、那这个吗呢了把对"
    r"市省县区国各]{2,4}(?:厅|局))(?=参与|负责|牵头|参加|配合|有份|没份|不|也|都|和|与|或|及|跟|、|，|,|的|是|还|一共|共|$|[?？\s])"
)
_LOCAL_SHAPE = re.compile(r"各[\u4e00-\u9fff]{1,6}?(?:人民政府|政府|办事处|管委会)")
_NOT_UNIT = re.compile(r"(布局|格局|结局|大局|全局|当局|开局|政局|时局|棋局|饭局|大厅|餐厅|客厅|展厅|舞厅|门厅)$")
