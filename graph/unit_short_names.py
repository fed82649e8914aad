"""Names people shorten in ways no synonym list holds, for the units of the loaded plans (any place):
a filler word dropped (区金融服务中心 -> 金融中心), a company without its 集团 (区城投集团 -> 城投),
a zone without its level (县经开区 -> 经开区), and a name whose characters stand in the unit's own
name in order, with its ending (数据局 -> 区数据资源局; 科技局 -> the merged 区科技经信局). Read by
graph/unit_resolver.py."""

from __future__ import annotations

import re
from collections.abc import Callable

from graph.unit_groups import LEVELS
from graph.unit_synonyms import same_unit_key, synonym_key

_SUFFIXES = ("局", "委", "办", "中心", "集团", "公司")
_END = re.compile(r"局|委|办|中心|集团|公司")


def _level(name: str) -> str:
    return name[:1] if name[:1] in LEVELS else ""


def short_forms(name: str, department: bool) -> list[str]:
    """Shortened forms of one unit's name, to be added where no other unit has them."""
    level = _level(name)
    body = name[len(level):]
    forms = []
    if department:
        key = same_unit_key(name)
        if "(" not in key and key != name and key.startswith(level):
            forms += [key, key[len(level):]] if level else [key]
        for suffix in ("集团", "公司", "办公室"):  # 县人工智能专班办公室 -> 人工智能专班
            if body.endswith(suffix) and len(body) - len(suffix) >= (2 if suffix != "办公室" else 4):
                core = body[: -len(suffix)]
                forms += [level + core, core] if level else [core]
        forms += _parts(name, level, body)
    elif level and len(body) >= 3 and body.endswith(("区", "园")):
        forms.append(body)
    return [f for f in dict.fromkeys(forms) if len(f) >= 2 and f != name]


_JOINT = re.compile(r"(?<=[局委办厅])(?=[省市县区][\u4e00-\u9fff]{2,})")
_CONJUNCT = re.compile(r"^([\u4e00-\u9fff]{2,6})和([\u4e00-\u9fff]{2,6}?)(局|委|办|厅)$")
_BANK = re.compile(r"^(?:中国)?(?:人民银行|人行)([\u4e00-\u9fff]{2,4}?)([省市])?(分行|支行|营业管理部)$")


def _parts(name: str, level: str, body: str) -> list[str]:
    """Forms of a name made of parts: one office under two names (市经信局市新经济委 -> 市经信局,
    经信局, 市新经济委), one department of two fields (市城市运行和政务服务办 -> 政务服务办), a bureau's
    administrative prefix (市行政审批服务局 -> 审批局), a central bank branch (中国人民银行泰安市分行 ->
    人行泰安分行)."""
    forms: list[str] = []
    pieces = _JOINT.split(name)
    if len(pieces) > 1:
        for piece in pieces:
            forms += [piece, piece[1:]] if piece[:1] in LEVELS else [piece]
    if conj := _CONJUNCT.match(body):
        forms += [level + conj.group(2) + conj.group(3), conj.group(2) + conj.group(3)]
    if body.startswith("行政") and len(body) >= 5:
        key = same_unit_key(level + body[2:])
        forms += [key, key[len(level):]]
    if bank := _BANK.match(name):
        place, tier, branch = bank.group(1), bank.group(2) or "", bank.group(3)
        for head in ("人民银行", "人行", "中国人民银行"):
            forms += [head + place + tier + branch, head + place + branch]
    return forms


def _in_order(short: str, long: str) -> bool:
    """Whether every character of `short` is in `long`, in the same order."""
    rest = iter(long)
    return all(c in rest for c in short)


class ShortNames:
    """The departments of the loaded plans, indexed for names that shorten them."""

    def __init__(self) -> None:
        self._units: dict[tuple[str, str, str, str], None] = {}  # (level, core, suffix, unit)

    def add(self, name: str) -> None:
        level = _level(name)
        body = name[len(level):]
        suffix = next((x for x in _SUFFIXES if body.endswith(x)), None)
        if suffix is None or "（" in body or "(" in body:
            return
        core = body[: -len(suffix)]
        if len(core) >= 3:
            self._units[(level, core, suffix, name)] = None

    def match(self, span: str, representative: Callable[[str], str]) -> str | None:
        """The one unit `span` can shorten; None when none or several fit, or when the name is a
        department of another kind (市民政局 is never 市民族宗教事务局)."""
        level = _level(span)
        body = span[len(level):]
        hits = set()
        for u_level, core, suffix, unit in self._units:
            if not body.endswith(suffix) or (level and level != u_level):
                continue
            short = body[: -len(suffix)]
            if len(short) < 2 or short[0] != core[0] or len(short) >= len(core) or not _in_order(short, core):
                continue
            mine, theirs = synonym_key(u_level + body), synonym_key(unit)
            if mine is not None and theirs is not None and mine != theirs:
                continue
            hits.add(representative(unit))
        return next(iter(hits)) if len(hits) == 1 else None

    def find(
        self, text: str, taken: list[tuple[int, int]], representative: Callable[[str], str]
    ) -> list[tuple[str, int, int]]:
        """(unit, start, end) of shortened names in the parts of `text` not `taken`, longest first."""
        out: list[tuple[str, int, int]] = []
        if not self._units:
            return out
        for suffix in _END.finditer(text):
            end = suffix.end()
            for start in range(max(0, end - 9), end - 2):
                if any(s < end and start < e for s, e in taken):
                    continue
                unit = self.match(text[start:end], representative)
                if unit is not None:
                    out.append((unit, start, end))
                    taken.append((start, end))
                    break
        return out
