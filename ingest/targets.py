"""Quantitative targets in a clause: 每年培育高素质农民3000名以上，其中现代农业经营主体带头人600名.

Each number with a counting unit becomes a TargetRecord: the subject counted, the value
normalised (1.2万 -> 12000.0, 1.5万名 -> 15000 名), the qualifier (超过, 以上, 力争 ...), the
deadline (到2025年底) and period (每年) of its sentence. 其中… makes a sub-target of the one
before. Years, document numbers (〔2021〕9号) and numbers in words (五年两次) are not targets, except
after a floor (打造不少于两万平方米的智创空间).
"""

from __future__ import annotations

import re

from graph.records import TargetRecord
from ingest.numerals import chinese_number

UNITS = (
    "个百分点", "人次", "平方米", "小时", "课时", "学时", "公里", "%", "家", "所", "名", "个", "人",
    "场", "次", "项", "座", "处", "支", "篇", "部", "件", "户", "期", "元", "类", "种", "位", "批",
    "门", "本", "册", "台", "套", "亩", "间", "条", "份", "届", "班", "队", "站", "馆", "块", "卡时",
    "EFLOPS", "PFLOPS", "PFlops", "P",  # computing power: 调度算力规模超5000P
)
_MULTIPLIERS = {"千": 1e3, "万": 1e4, "亿": 1e8}
_NUMBER = re.compile(
    r"(?<![0-9.A-Za-z〔\[［第×/])(\d+(?:\.\d+)?)\s*([千万亿])?\s*("
    + "|".join(re.escape(u) for u in UNITS)
    + r")(?![0-9])"  # 100个OPC应用场景: a Latin word may follow the unit
)
# 不少于两万平方米, 超过三千名: a number in words, only after a floor (五年两次 is no target)
_WORDED = re.compile(
    r"(不少于|不低于|超过|突破|至少|达到)([一二两三四五六七八九十]{1,3})\s*([千万亿])?\s*("
    + "|".join(re.escape(u) for u in UNITS if u != "%")
    + r")"
)
_SENTENCE = re.compile(r"[^。！？；;!?]+[。！？；;!?]?")
_CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")
_AFTER_QUALIFIER = re.compile(r"^(及以上|以上|左右|以内|以下|余|多)")
_BEFORE_QUALIFIER = re.compile(r"(力争达到|超过|不少于|不低于|至少|达到|突破|约|近|逾|高于|力争)$")
_DEADLINE = re.compile(r"(?<![—–\-～~至\d])((?:到|至|截至|截止到?)?\s*20\d{2}\s*年(?:年?底|末|前)?|(?:到|至)“?十[一二三四五六七]五”?末)")
_PERIOD = re.compile(r"(每年|每季度|每月|每周|每半年|每学期|每两年|年均|每届|全年)")
_SCOPE = re.compile(r"^(?:全区|全市|全县|全省|全镇|各镇|各街道)")
_VERBS = (
    "培育", "培养", "培训", "组织", "资助", "新增", "新建", "建设", "建成", "建立", "创建", "打造", "开展",
    "举办", "评定", "认定", "发展", "招募", "引进", "扶持", "完成", "覆盖", "实现", "达到", "提高到",
    "提升到", "提高至", "提升至", "增加", "吸引", "服务", "惠及", "带动", "选树", "评选", "推出", "创作",
    "制作", "遴选", "配备", "设立", "开设", "建好", "培树", "认证", "推广", "达",
)
_QUOTES = str.maketrans("", "", "“”‘’「」『』\"'")
_EDGE = "，,、。；;：: 　"


_SUPPORT = re.compile(
    r"补助|补贴|资助|奖励|奖补|扶持资金|支持资金|资金支持|贷款|担保|补偿|优惠|减免|租金|给予|发放|保额|算力券"
)
_CAP = re.compile(r"最高|不超过|不高于|最多|最长|上限|封顶|以下|以内")
_SPANS = ("年", "月", "天", "日", "个月", "周")
_FLOOR = ("不少于", "不低于", "达到", "力争", "力争达到", "突破", "至少", "以上", "及以上", "超过")


def is_provision(t: TargetRecord) -> bool:
    """Whether a number is a support standard, not a target to reach: money or a share the
    government pays or caps (最高补助200万元, 按50%给予补贴, 单个投资金额不超过500万元) or a rate's
    base (每投资1家OPC…). A 量化目标 list leaves these out; the measure's text keeps them."""
    written = t.raw_value + t.unit
    at = t.text.find(written)
    if at > 0 and re.search(r"每(?!年|季|月|周|学期|届|半年|两年)[\u4e00-\u9fff]{0,3}$", t.text[max(0, at - 4) : at]):
        return True
    rest = t.text[at + len(written) :] if at >= 0 else ""
    if (t.unit in _SPANS or (t.unit == "个" and rest.startswith("月"))) and _CAP.search(
        t.text[max(0, at - 8) : at] if at >= 0 else t.text
    ):
        return True  # 优惠期不超过36个月, 最长3年: how long support lasts
    if re.match(r"(对于?|凡|符合)", t.text) and re.match(r"[^，。；]{0,8}的", rest):
        return True  # 对正常经营6、18、36个月以上的…: who qualifies for support, not a target
    if t.unit not in ("元", "%"):
        return False
    window = t.text[max(0, at - 12) : at + len(written) + 4] if at >= 0 else t.text
    if _CAP.search(window):
        return True
    before = t.text[:at] if at >= 0 else ""
    # 最高可按照投融资机构投资金额的50%, 按照上年度研发投入的50%: a rate the support is paid at
    if t.unit == "%" and (_CAP.search(before) or re.search(r"按照?[^，。；]{1,24}的$", before)):
        return True
    return t.qualifier not in _FLOOR and bool(_SUPPORT.search(t.text))


def _ends_with_verb(text: str) -> bool:
    return text.endswith(_VERBS)


def _strip_leading_verbs(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for verb in sorted(_VERBS, key=len, reverse=True):
            if text.startswith(verb) and len(text) > len(verb):
                text, changed = text[len(verb):], True
                break
    return text


def _subject(before: str, after: str, context: str = "") -> str:
    before = _DEADLINE.sub("", before)
    before = _PERIOD.sub("", before)
    before = re.sub(r"^(其中|力争|确保|争取)+", "", before.strip(_EDGE))
    before = _BEFORE_QUALIFIER.sub("", before).strip(_EDGE).translate(_QUOTES)
    before = _SCOPE.sub("", before)
    after = after.strip(_EDGE).translate(_QUOTES)
    if (not before or _ends_with_verb(before)) and after:
        return after
    subject = _strip_leading_verbs(before) or after or before
    if not subject and context:  # 每季度开展一次主题科普活动，全年不少于4场
        return _subject(context, "")
    return subject


def _value(raw: str, multiplier: str | None) -> float:
    return float(raw) * _MULTIPLIERS.get(multiplier or "", 1.0)


class _Worded:
    """A number written in words after a floor (不少于两万平方米) read as `_NUMBER` reads digits."""

    def __init__(self, m: re.Match):
        self._m = m
        self._groups = (str(chinese_number(m.group(2).replace("两", "二"))), m.group(3), m.group(4))

    def group(self, i: int = 0) -> str | None:
        return self._m.group(2, 3, 4)[0] if i == 0 else self._groups[i - 1]

    def start(self) -> int:
        return self._m.start(2)

    def end(self) -> int:
        return self._m.end()


def _numbers(clause: str) -> list:
    found = list(_NUMBER.finditer(clause))
    found += [_Worded(m) for m in _WORDED.finditer(clause) if chinese_number(m.group(2).replace("两", "二"))]
    return sorted(found, key=lambda m: m.start())


def _clauses(sentence: str):
    """(clause, start) of a sentence split at its commas and colons, but not inside brackets:
    人工智能OPC（即依托个人…的新型创业组织，以下简称OPC）数量突破100家 is one clause."""
    masked = re.sub(r"（[^（）]*）|\([^()]*\)", lambda m: "（" + "·" * (len(m.group()) - 2) + "）", sentence)
    for cm in _CLAUSE.finditer(masked):
        yield sentence[cm.start() : cm.end()], cm.start()


def extract_targets(text: str) -> list[TargetRecord]:
    """Every quantitative target of `text`, in reading order; `parent` indexes this list. A sentence
    without a date of its own takes the date the paragraph opened with (到2028年年底，…突破100家；
    建设…，建成OPC社区不少于5个)."""
    targets: list[TargetRecord] = []
    opening = _DEADLINE.match(text.lstrip())
    for sentence in _SENTENCE.findall(text):
        first_in_sentence = len(targets)
        previous = ""
        for clause, clause_start in _clauses(sentence):
            is_sub = clause.lstrip().startswith("其中")
            parent = len(targets) - 1 if is_sub and len(targets) > first_in_sentence else None
            for m in _numbers(clause):
                target = _target(sentence, clause, clause_start, m, parent, previous)
                if target.deadline is None and target.period is None and opening is not None:
                    target.deadline = re.sub(r"\s+", "", opening.group(1))
                targets.append(target)
            previous = clause
    return targets


def _target(sentence: str, clause: str, clause_start: int, m: re.Match, parent: int | None,
            previous: str = "") -> TargetRecord:
    raw, multiplier, unit = m.group(1), m.group(2), m.group(3)
    item_start = clause.rfind("、", 0, m.start()) + 1
    item_end = clause.find("、", m.end())
    item_end = len(clause) if item_end < 0 else item_end
    before = clause[item_start : m.start()]
    after = clause[m.end() : item_end]
    qualifier = None
    if q := _AFTER_QUALIFIER.match(after):
        qualifier, after = q.group(1), after[q.end():]
    elif q := _BEFORE_QUALIFIER.search(before.rstrip()):
        qualifier = q.group(1)
    # Deadline and period belong to the sentence: 到2025年底，… / 每年…，…
    upto = sentence[: clause_start + m.start()]
    deadlines = _DEADLINE.findall(upto)
    periods = _PERIOD.findall(upto) or _PERIOD.findall(sentence)
    if qualifier is None and "力争" in upto:
        qualifier = "力争"
    return TargetRecord(
        text=clause.strip(_EDGE),
        subject=_subject(before, after, previous),
        value=_value(raw, multiplier),
        raw_value=raw + (multiplier or ""),
        unit=unit,
        qualifier=qualifier,
        deadline=re.sub(r"\s+", "", deadlines[-1]) if deadlines else None,
        period=periods[-1] if periods else None,
        parent=parent,
    )
