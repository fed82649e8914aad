"""What kind of policy question this is, which units it names, and whether it leans on the previous
turn ("那牵头的是哪个单位？", "它还负责什么？", "那区委组织部呢？")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.unit_resolver import UnitMention
from qa_service.policy.state import TurnState

# Intents answered from the graph; "oos" is a question the plan cannot answer by its nature.
RESP, LEAD, REVERSE, REVERSE_LEAD = "resp", "lead", "reverse", "reverse_lead"
TARGET, STRUCTURE, BASIS, PLAN_INFO, TOPIC, OOS = "target", "structure", "basis", "plan_info", "topic", "oos"
UNIT_INFO = "unit_info"  # "区科协的全称是什么？", "区市管局是什么单位？"

_LEAD = re.compile(r"牵头|挑头|领头(?!人|羊)|带头(?!人)|主抓|抓总|牵总|主导")
_WHO = re.compile(
    r"谁|哪(个|些|几个|几|家|几家)(部门|单位|机构|科室|口子|家)|什么(部门|单位|机构)|归口|主管部门|"
    r"责任单位|负责单位|配合单位|参与单位|协办|由哪|哪些(人|方面)负责"
)
_CO = re.compile(r"配合|参与单位|协助|协办|责任单位|哪些单位|哪些部门|都有谁")
_DO = re.compile(
    r"(负责|承担|参与|牵头|挑头|领头|带头|主抓|管|干|做|抓|落实)(了|的|着)?(些|一些|点儿?)?(哪些|什么|啥|哪几|几项|多少项|多少)|"
    r"(任务|工作|职责|措施|事情|事儿|事|活儿)(有|是|都有)?(哪些|什么|啥|几项|多少)|"
    r"(有|都有|还有)(哪些|什么|啥)(任务|工作|职责|措施|事)|还(负责|管|干|做|参与|牵头)"
)
_TARGET = re.compile(r"多少|几(所|家|个|名|人|万|成)|比例|百分之|占比|达标率|目标|指标|达到(什么|多少|几)|量化|数量")
_STRUCT = re.compile(
    r"包括|包含|分为|分(哪|几)|有哪(几|些)(项|条|个|方面|块|类|部分|措施|内容|举措|行动|工程|工作|任务|事)|"
    r"具体(有|内容|措施|是)|主要内容|组成|涵盖|哪几项|几项(措施|工程|行动|内容)|(那|这)(一)?(部分|块)"
)
_BASIS = re.compile(r"依据|根据(哪|什么)|参照|上位|上级文件|依照|文件精神|按照(哪|什么)")
_PLAN = re.compile(
    r"期限|周期|时间范围|起止|哪几年|到哪(一)?年|管到|什么时候(结束|到期|截止)|哪年(结束|到期)|"
    r"状态|正式(发布|印发|出台|稿|文件)|(哪一?年|什么时候|何时|是否)(正式)?(印发|发布|出台)|"
    r"(印发|发布|出台)(了吗|了没|时间|日期|没有)|征求意见|草案|定稿|全称|名称|标题|叫什么|"
    r"适用|哪个区|哪个地方|(一共|总共|共)有?(多少|几)(项|条|章|个)?(措施|任务|工程|行动|章)"
)
_PLAN_WORD = re.compile(r"方案|规划|这个文件|本文件|这份|一共|总共")
# What a named unit is: its full name, or what its short name stands for.
_UNIT_INFO = re.compile(
    r"全称|全名|简称|正式名称|完整(名称|名字)|(是|指|属于)(的是)?(什么|啥|哪个|哪一个|哪家)(单位|部门|机构)|"
    r"(是|指)(的是)?(什么|啥)(意思)?[?？]?$|代表(什么|哪个)|是干什么的|是做什么的"
)
# Things the plan never says: opening hours, addresses, phone numbers, fees and procedures,
# who holds an office, weather, chit-chat ("admin": not for the rumour side either) ...
_OOS_ADMIN = re.compile(
    r"几点|开门|关门|营业时间|开放时间|上班时间|办公时间|在哪(里|儿)|什么地方|地址|怎么走|路线|电话|"
    r"联系方式|热线|网址|官网|多少钱|价格|门票|收费|罚款|报销|工资|薪水|退休金|"
    r"(怎么|如何|去哪|在哪|哪里)(能|可以|才能)?(申请|申报|报名|办理|补办|缴|交|领取|提取|预约|挂号|投诉|举报|购买|买|换证)|"
    r"(申请|报名)(条件|流程|入口|时间)|(主席|局长|书记|区长|部长|馆长|校长|主任|领导)(是谁|叫什么|姓什么|是哪位)|"
    r"名单|天气|下雨|下雪|气温|笑话|你是谁|哪一天|几月几(号|日)|什么时候(来|到|开|举办|报名|开始|涨)"
)
# ... and definitions, which vetted 科普 material may well answer.
_OOS = re.compile(_OOS_ADMIN.pattern + r"|^什么是|是什么意思|什么叫")
_FOLLOW_START = re.compile(r"^(那么|那|它们|它|他们|他|其|这个|该|这些|那个|还有|另外)")
_ENDS_NE = re.compile(r"呢[?？!！。\s]*$")


@dataclass
class Intent:
    kind: str
    units: list[UnitMention] = field(default_factory=list)
    content: list[str] = field(default_factory=list)  # words the question is about
    followup: bool = False  # resolved against the previous turn
    measure_ids: list[str] = field(default_factory=list)  # from the previous turn
    unit: str | None = None  # the unit a reverse question is about
    note: str = ""

    @property
    def unit_names(self) -> list[str]:
        return list(dict.fromkeys(m.canonical for m in self.units))


def classify(text: str, units: list[UnitMention], content: list[str], previous: TurnState | None = None,
             foreign: list[str] | None = None) -> Intent:
    """`content` are the question's content words with unit mentions already removed; `foreign`
    names units of another level (市科协) the question asks about."""
    kind = _kind(text, units)
    if foreign and not units and kind in (RESP, TOPIC) and _DO.search(text):
        return Intent(REVERSE, units, content, unit=None, note=foreign[0])
    intent = Intent(kind, units, content)
    if kind in (REVERSE, REVERSE_LEAD):
        intent.unit = units[0].canonical
    if previous:
        _resolve_followup(intent, text, previous)
    return intent


def not_for_rumours(text: str) -> bool:
    """Administrative or "who is responsible" questions: no vetted material answers those."""
    return bool(_OOS_ADMIN.search(text) or _WHO.search(text) or _LEAD.search(text)
                or re.search(r"负责|主管|归.{0,3}管", text))


def has_cue(text: str) -> bool:
    """Whether the question is phrased like a policy question at all (who / lead / how many / what)."""
    return any(p.search(text) for p in (_WHO, _LEAD, _TARGET, _STRUCT)) or bool(re.search(r"负责|管理|主管", text))


def _kind(text: str, units: list[UnitMention]) -> str:
    if len(units) == 1 and _UNIT_INFO.search(_without_units(text, units)) and not _DO.search(text):
        return UNIT_INFO
    if _OOS.search(text) and not _PLAN.search(text):
        return OOS
    if _BASIS.search(text):
        return BASIS
    if _PLAN.search(text) and _PLAN_WORD.search(text):
        return PLAN_INFO
    asks_who = bool(_WHO.search(_without_units(text, units)))
    if units and _DO.search(text) and not asks_who:
        return REVERSE_LEAD if _LEAD.search(text) else REVERSE
    if _LEAD.search(text):
        return RESP if _CO.search(text) else LEAD
    if _STRUCT.search(text):
        return STRUCTURE
    if _TARGET.search(text) and not asks_who:
        return TARGET
    if asks_who or re.search(r"负责|管理|主管|归", text):
        return RESP
    return TOPIC


def _without_units(text: str, units: list[UnitMention]) -> str:
    for mention in sorted(units, key=lambda m: m.start, reverse=True):
        text = text[: mention.start] + " " + text[mention.end :]
    return text


def _resolve_followup(intent: Intent, text: str, previous: TurnState) -> None:
    """Fill in what the question leaves out from the previous turn's state."""
    leans = bool(_FOLLOW_START.match(text)) or bool(_ENDS_NE.search(text))
    prev_kind = previous.intent
    prev_measures = list(previous.measure_ids)
    prev_unit = previous.focus_unit
    bare = not intent.content
    # "那区委组织部呢？": same question about another unit.
    if intent.units and bare and intent.kind == TOPIC and leans:
        intent.kind = prev_kind if prev_kind in (REVERSE, REVERSE_LEAD) else REVERSE
        intent.unit = intent.units[0].canonical
        intent.followup = True
        return
    # "它还负责什么？": the unit of the previous answer.
    # "那它牵头哪些工作？" asks what that unit leads, not who leads the previous measures.
    pronoun = bool(re.search(r"它|其|该单位|这个单位|这家单位|这个部门", text))
    if not intent.units and prev_unit and _DO.search(text) and bare and (
        intent.kind in (TOPIC, RESP, TARGET) or (intent.kind == LEAD and pronoun)
    ):
        intent.kind = REVERSE_LEAD if _LEAD.search(text) else REVERSE
        intent.unit = prev_unit
        intent.followup = True
        return
    if not prev_measures or intent.units:
        return
    # "那牵头的是哪个单位？", "有什么量化目标？", "那谁负责？": the previous measures.
    if bare and intent.kind in (LEAD, RESP, TARGET, TOPIC, STRUCTURE):
        if intent.kind == TOPIC and not leans:
            return
        intent.kind = RESP if intent.kind in (TOPIC, STRUCTURE) else intent.kind
        intent.measure_ids = prev_measures
        intent.followup = True
        return
    # "那科普教育基地建设呢？": the previous kind of question about a new topic.
    if leans and intent.kind == TOPIC and prev_kind in (RESP, LEAD, TARGET):
        intent.kind = prev_kind
        intent.followup = True
