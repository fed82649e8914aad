"""What a name in a responsibility note is: a department, a local implementer, a catch-all phrase,
or a convention sentence written into the note (列第一位的为牵头单位，下同).

    各区〔县、市〕政府, 各县（市、区）人民政府, 有关区县, 开发园区管委会, 罗湖区政府   local implementers
    各相关单位, 有关部门, 有关市级部门, 各产业主管部门                              catch-alls (not units)
    列第一位的为牵头单位 / 第一个逗号前为牵头单位 / 以下均需……落实，不再列出          conventions

Brackets of every kind nest here: （）, 〔〕, 【】, [], ［］, <>, 〈〉, 《》.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PAIRS = {
    "（": "）",
    "(": ")",
    "〔": "〕",
    "[": "]",
    "［": "］",
    "【": "】",
    "<": ">",
    "〈": "〉",
    "《": "》",
    "＜": "＞",
    "{": "}",
    "｛": "｝",
}
CLOSERS = {v: k for k, v in PAIRS.items()}
# Full- and half-width forms of the same bracket close each other: （…) is one bracket.
_SAME = {
    "(": "（",
    ")": "）",
    "[": "［",
    "]": "］",
    "<": "＜",
    ">": "＞",
    "{": "｛",
    "}": "｝",
    "〔": "［",
    "〕": "］",
    "【": "［",
    "】": "］",
}


def same_bracket(opener: str, closer: str) -> bool:
    want = PAIRS.get(opener, "")
    return _SAME.get(want, want) == _SAME.get(closer, closer)


def matching_close(text: str, open_at: int) -> int | None:
    """Index of the bracket closing the one at `open_at` (brackets of every kind nest), or None."""
    stack: list[str] = []
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch in PAIRS:
            stack.append(ch)
        elif ch in CLOSERS and stack:
            if not same_bracket(stack[-1], ch):
                return None
            stack.pop()
            if not stack:
                return i
    return None


def split_top(text: str, seps: str) -> list[str]:
    """Split on separators outside brackets of any kind."""
    parts, depth, buf = [], 0, []
    for ch in text:
        if ch in PAIRS:
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def repair_brackets(text: str) -> str:
    """Brackets made to pair (for OCR text, where "）" may come back as "]" or go missing): a
    closer of the wrong kind becomes the right one, a closer with nothing open is dropped, and
    brackets still open at the end are closed there."""
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in PAIRS:
            stack.append(ch)
            out.append(ch)
        elif ch in CLOSERS:
            if not stack:
                continue
            opener = stack.pop()
            out.append(ch if same_bracket(opener, ch) else PAIRS[opener])
        else:
            out.append(ch)
    tail = "".join(PAIRS[o] for o in reversed(stack))
    body = "".join(out)
    if tail:
        stripped = body.rstrip("。；; ")
        return stripped + tail + body[len(stripped):]
    return body


# ---------------------------------------------------------------------------- local implementers

_AREA = (
    r"(?:区|县|市|镇|乡|街道|乡镇|区县|县区|县市区|市县|市州|州|地级以上市|开发区|园区|功能区|区镇|村|社区)"
)
_LOCAL_GENERIC = re.compile(
    rf"^(?:各|有关|相关|其他|全市各|全省各|全县各|全区各|市各|省各|县各|区各)[\u4e00-\u9fff（）()〔〕、]{{0,14}}?"
    rf"(?:人民政府|政府|管委会|管理委员会|办事处|党工委|{_AREA})$"
)
_LOCAL_ZONE_ADMIN = re.compile(r"^(?:开发园区|开发区|园区|功能区|各类园区|产业园区)管委会$")
_NAMED_GOVERNMENT = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:市|区|县|州|旗)(?:人民)?政府$")
_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:市|县)$")
_ZONE_WORDS = re.compile(
    r"(?:高新区|开发区|经开区|园区|产业园|农科园|工业园|示范区|新区|合作区|试验区|保税区|港区)$"
)


def is_local(name: str, level: str = "") -> bool:
    """Generic area governments (各区〔县、市〕政府, 有关区县, 开发园区管委会) and, in a plan of a
    higher level, named governments of places below it (罗湖区政府, 成都市)."""
    if _LOCAL_GENERIC.match(name) or _LOCAL_ZONE_ADMIN.match(name):
        return True
    if _ZONE_WORDS.search(name):
        return False
    if _NAMED_GOVERNMENT.match(name) and not name.startswith(("市", "区", "县", "省")):
        return True
    return level == "省" and bool(_BARE_PLACE.match(name)) and not name.startswith(("省", "市", "县"))


# ---------------------------------------------------------------------------- catch-alls

_CATCH_ALL = re.compile(
    r"^(?:各|其他|其它)?(?:有关|相关|其他|其它)?(?:市级|省级|区级|县级|市直|省直|区直|县直|中央)?(?:各)?(?:有关|相关)?"
    r"(?:部门|单位|机构|方面)$"
    r"|^各[^、，,]{0,12}(?:部门|单位|机构|社区|企业|学校|高校)$"
    r"|^(?:有关|相关)[\u4e00-\u9fff]{0,8}(?:部门|单位|机构|企业)$"
)


def is_catch_all(name: str) -> bool:
    """各相关单位, 有关部门, 有关市级部门, 各产业主管部门: no particular unit."""
    if name.endswith("成员单位"):
        return False  # 各成员单位, 区全民科学素质工作领导小组成员单位: the members of a named body
    return bool(_CATCH_ALL.match(name))


# ---------------------------------------------------------------------------- conventions

FIRST_LEADS = re.compile(
    r"(?:列|排|位)?(?:在|于)?(?:第一|首位|首个|排头|第1)[位个]?(?:的|者)?(?:单位|部门)?(?:为|是)牵头"
    r"|牵头[^，。；,;]{0,6}(?:排|列|居)(?:在|于)?(?:第一|首位|最前)"
)
COMMA_LEADS = re.compile(r"(?:第一个|首个)(?:逗号|“，”)(?:之?前|以前)的?(?:单位|部门)?(?:为|是)牵头")
BLANKET = re.compile(
    r"以下(?:各项)?(?:任务|措施|工作)?(?:均|都)(?:需|须|涉及|由|要)?(.{1,60}?)(?:落实|负责|参与|实施)?[，,]?\s*"
    r"不再(?:重复)?(?:一一)?列(?:出|明|举)"
)
# Where a convention sentence starts inside a note body (the list of units ends there).
CONVENTION_START = re.compile(
    r"(?:^|[。；;，,])\s*(?=(?:列第一|排在第一|排第一|排名第一|位列第一|第一个逗号|首个逗号|以下(?:各项)?(?:任务|措施|工作)?均"
    r"|以下(?:各项)?(?:任务|措施|工作)?都|下同|多个牵头))"
)


@dataclass
class Conventions:
    """What a plan says about its notes; applies from the note (or paragraph) that says it on."""

    first_leads: bool = False  # 列第一位的为牵头单位
    comma_leads: bool = False  # 第一个逗号前为牵头单位
    blanket_local: list[str] = field(default_factory=list)  # 以下均需……落实，不再列出
    applied: list[str] = field(default_factory=list)  # the sentences, as written

    def read(self, sentence: str) -> bool:
        """Take in the conventions a sentence states; whether it stated any."""
        found = False
        if COMMA_LEADS.search(sentence):
            self.comma_leads, found = True, True
        elif FIRST_LEADS.search(sentence):
            self.first_leads, found = True, True
        if BLANKET.search(sentence):
            found = True
        if found and sentence not in self.applied:
            self.applied.append(sentence)
        return found


def split_convention(body: str) -> tuple[str, str]:
    """(the list of units, the convention sentences after it) of a note body."""
    for m in CONVENTION_START.finditer(body):
        if m.start() == 0 and body[:1] not in "。；;，,":
            return "", body.strip("。；; ")  # a body that is only a convention has no list
        tail = body[m.end() :]
        depth = 0
        for ch in body[: m.start()]:  # the cut must be outside brackets
            if ch in PAIRS:
                depth += 1
            elif ch in CLOSERS and depth:
                depth -= 1
        if depth == 0:
            return body[: m.start()].strip("，,。；; "), tail.strip("。；; ")
    return body, ""


def blanket_names(sentence: str) -> list[str]:
    """The implementers an 以下均需……落实，不再列出 sentence names."""
    m = BLANKET.search(sentence)
    if not m:
        return []
    names = re.sub(r"^(?:各地|由)", "", m.group(1).strip())
    return [n for n in split_top(names, "、，,") if n]
