"""Held-out graph questions on the shipped 淮阴 plan (淮阴区全民科学素质行动规划实施方案), written by an
outsider who had not read kepu's question parser (qa_service/policy/query/, intent.py, graph/unit_*.py)
nor the earlier 淮阴 sets (graph_questions.jsonl, make_questions.py), to be scored once ("split": "heldout").
Scored once at 33b5ba1: 75.5 % (74/98). Its failures were then read and fixed (91.8 %, 90/98,
2026-12-04), so it is a development set now ("split": "dev"). Regenerate: `.venv/bin/python tests/data/kgqa/make_huaiyin_outsider_questions.py`.

Gold ONLY from tests/data/kgqa/huaiyin_table.json (40 items; its "how": a note with two department
groups split by "，" -> the first group leads, otherwise all listed units are jointly responsible and
lead is empty; short names take the 区 prefix) plus what the outsider read in the plan text. Never from
kepu's output. Clause paths are the table's "clause" values.

Conventions
- Roles. "参与 / 负责 / 有份 / 涉及 / 管" = the unit is in lead + co (its `units` here). "牵头" = in `lead`.
  "参与但不牵头" = in `co` (so in an item without a lead every listed unit takes part without leading).
  "配合" is only used together with a named lead ("科协牵头、农业农村局配合"), where it means `co`.
  各镇 / 各街道 (`local`) and 高新区 / 农科园 (`zones`) are not counted as units; one question asks which
  measures name 高新区 (the three items whose note lists it).
- Skipped as ambiguous: the two 四、（一） paragraphs (they share one clause path; the first one's note
  is "区全民科学素质工作领导小组各成员单位", the body text has 区科协 "牵头沟通联络" outside the note), so no
  question counts all measures or the chapter 组织实施 / section 组织保障; 区委组织部 in 三、（五）3.
  (sole unit "区委组织部等": lead or not is a matter of reading) is not asked about by role in that item,
  and the no-lead and per-measure-lead questions avoid section 三、（五）; unit counts follow the notes only
  (区科协 is not counted in 四、（一）, whose note names no department); 区文明办 (only inside 〈〉 in 三、（四）3.) is not asked
  about; "X参与但Y没参与" pairs with an empty answer are avoided (区科协 is in most notes).
- Parts named by meaning ("农民那块", "科普基础设施那几条", "重点工程那一章"): sections are the table's
  `section`, chapters its `chapter` (二 科学普及重点工程: 16 items, 三 素质提升重点行动: 17 items).
- Targets are the table's item targets (8 texts). The plan's main goal (一、（三） 2025年 17.5%) is not a
  measure's target, so deadline questions say "措施里/各项工作" to exclude it. 每年 = the table's period
  (6 texts, including the two second clauses "其中…600名" and "培育1200个农业科技示范户" that the table
  labels 每年). A target group is the item's table `group` (so 农民工 in 产业工人 item 三、（三）2. is not a
  农民 target). A unit's targets are the targets of the items whose units hold it (with 牵头: whose lead).
  老年人 has no targets (n 0).
- Deadlines: the table's deadline text ("到2025年底"); items without one are None ("未写明"), including
  items with only a 每年 period and 四、（三）1.'s "五年两次" frequency.
- Unknown units: plausible 淮阴 bodies that the plan never names (区司法局, 区统计局, 区退役军人事务局, 区残联).
- Follow-ups ("turns", gold on the last turn) have kind "followup", but the superlative one keeps "max"
  (check() tells max/min by kind).
- Wordings vary: nicknames (科协, 教体局, 团区委, 妇联, 宣传部), full names (淮阴区科学技术协会,
  淮阴区教育体育局, 淮阴区人力资源和社会保障局), colloquial forms; follow-ups use "turns" (gold on the last).
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

TABLE = json.loads(Path("tests/data/kgqa/huaiyin_table.json").read_text(encoding="utf-8"))
ITEMS = []
for m in TABLE["items"]:
    m = dict(m)
    m["units"] = m["lead"] + [u for u in m["co"] if u not in m["lead"]]
    ITEMS.append(m)
PATHS = [m["clause"] for m in ITEMS]
assert len(ITEMS) == 40

P = PlanGold.__new__(PlanGold)
P.plan, P.items, P.paths, P.co_is_units_without_lead, P.rows = "huaiyin", ITEMS, PATHS, False, []
G = P.items
has, sel, clauses, count, winners, union = P.has, P.sel, P.clauses, P.count, P.winners, P.union


def add(q, kind, gold, spec=None, turns=None):
    row = {"q": q, "kind": kind, "plan": "huaiyin", "gold": gold, "spec": spec or {}, "split": "dev"}
    if turns:
        row["turns"] = [{"q": t} for t in turns] + [{"q": q}]
    P.rows.append(row)


T = {m["title"]: i for i, m in enumerate(G)}
SEC = {}
for i, m in enumerate(G):
    SEC.setdefault(m["section"], []).append(i)
CH = {}
for i, m in enumerate(G):
    CH.setdefault(m["chapter"], []).append(i)

KX, KJ, JT, WGL, ZR, ST, ZJ, SL, NY, SG = ("区科协", "区科技局", "区教体局", "区文广旅局", "市自然资源和规划局淮阴分局",
                                           "淮阴生态环境局", "区住建局", "区水利局", "区农业农村局", "区市管局")
XC, RM, TQ, WJ, YJ, QX, FG, GX, MZ, JTJ = ("区委宣传部", "区融媒体中心", "团区委", "区卫健委", "区应急管理局", "区气象局",
                                          "区发改委", "区工信局", "区民政局", "区交通局")
CZ, FL, ZGH, RS, SW, ZZ, DX = "区财政局", "区妇联", "区总工会", "区人社局", "区商务局", "区委组织部", "区委党校"
ALL_UNITS = {u for m in G for u in m["units"]}

S_ZY, S_XX, S_JC, S_JCN, S_KF = (SEC["科技资源科普化工程"], SEC["科普信息化提升工程"], SEC["科普基础设施建设工程"],
                                 SEC["基层科普能力提升工程"], SEC["科学素质开放合作工程"])
S_QSN, S_NM, S_GR, S_LN, S_GB = (SEC["青少年科学素质提升行动"], SEC["农民科学素质提升行动"], SEC["产业工人科学素质提升行动"],
                                 SEC["老年人科学素质提升行动"], SEC["领导干部和公务员科学素质提升行动"])
S_TJ, S_JZ = SEC["条件保障"], SEC["机制保障"]
C2, C3 = CH["科学普及重点工程"], CH["素质提升重点行动"]
assert (len(C2), len(C3)) == (16, 17)

A = lambda u: (u, "any", False)  # noqa: E731
L = lambda u: (u, "lead", False)  # noqa: E731
C = lambda u: (u, "co", False)  # noqa: E731
N = lambda u: (u, "any", True)  # noqa: E731

# --- and
for q, t in [
    ("科协和妇联都参与的措施有哪些？", [A(KX), A(FL)]),
    ("教体局跟团区委一块儿干的有哪些事？", [A(JT), A(TQ)]),
    ("区卫健委和区应急管理局同时负责的是哪几项？", [A(WJ), A(YJ)]),
    ("淮阴区科学技术协会和淮阴区教育体育局共同参与的工作有哪些", [A(KX), A(JT)]),
    ("宣传部牵头、科协也参与的有哪些？", [L(XC), A(KX)]),
    ("科协牵头，农业农村局配合的是哪几条？", [L(KX), C(NY)]),
    ("人社局和总工会都有份的工作", [A(RS), A(ZGH)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})

# --- not
for q, t in [
    ("区委宣传部参与但不牵头的有哪些？", [C(XC)]),
    ("应急管理局参与了但不是牵头单位的措施", [C(YJ)]),
    ("卫健委参与了、科协没参与的是哪些？", [A(WJ), N(KX)]),
    ("教体局参与而科技局没参与的工作有哪些？", [A(JT), N(KJ)]),
    ("住建局参加了但水利局没参加的措施有哪些", [A(ZJ), N(SL)]),
    ("团区委有份、妇联没份的是哪几条？", [A(TQ), N(FL)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})

# --- or
for q, terms in [
    ("商务局或者妇联参与的措施有哪些？", [A(SW), A(FL)]),
    ("区委组织部或区委党校参与了哪些？", [A(ZZ), A(DX)]),
    ("应急管理局或者科协牵头的工作有哪些？", [L(YJ), L(KX)]),
    ("交通局或工信局负责的有哪些？", [A(JTJ), A(GX)]),
]:
    idx = [i for i in range(len(G)) if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})

# --- except: set difference, and one measure's units less one
for q, t in [
    ("科技局参与的措施里，把教体局也参与的去掉，还剩哪些？", [A(KJ), N(JT)]),
    ("除去科协也在的那些，总工会还参与了哪些工作？", [A(ZGH), N(KX)]),
]:
    add(q, "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [
    ("健全基层科普服务体系除了科协还有谁？", "健全基层科普服务体系", KX),
    ("除了区委组织部，完善表彰奖励机制还有哪些单位参与？", "完善表彰奖励机制", ZZ),
    ("智慧助老行动除了民政局还有哪些部门？", "实施智慧助老行动", MZ),
    ("科普教育基地建设那条，除了宣传部还有哪些单位要参与？", "强化科普教育基地建设", XC),
]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})

# --- count (unit, role; parts)
for q, u, r in [
    ("区科协一共参与了几项措施？", KX, "any"), ("科协牵头的有几项？", KX, "lead"),
    ("淮阴区教育体育局参与了多少项工作？", JT, "any"),
    ("区委宣传部牵了几次头？", XC, "lead"),
    ("应急管理局牵头的有几项？", YJ, "lead"),
    ("淮阴区人力资源和社会保障局总共参与几项？", RS, "any"),
]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
for q, part in [
    ("科普基础设施那块有几项措施？", S_JC), ("老年人科学素质提升有几条措施？", S_LN),
    ("第二部分重点工程一共多少条？", C2), ("五大重点人群的提升行动一共有多少项措施？", C3),
    ("针对农民的有几条措施", S_NM),
]:
    add(q, "count", {"count": len(part)}, {"part": [PATHS[i] for i in part]})
add("科技局在青少年那部分参与了几项？", "count", {"count": count(KJ, "any", S_QSN)},
    {"part": "三、（一）", "terms": [A(KJ)]})

# --- max / min (ties named)
add("哪个单位参与的措施最多？", "max", winners("any"), {"role": "any"})
add("谁牵头的最多？", "max", winners("lead"), {"role": "lead"})
add("农民科学素质提升行动里哪个部门参与得最多？", "max", winners("any", S_NM), {"role": "any", "part": "三、（二）"})
add("产业工人那块谁参与最多？", "max", winners("any", S_GR), {"role": "any", "part": "三、（三）"})
add("开放合作工程里参与最多的是哪家？", "max", winners("any", S_KF), {"role": "any", "part": "二、（五）"})
add("科普信息化那几条里谁牵头最多？", "max", winners("lead", S_XX), {"role": "lead", "part": "二、（二）"})
add("有牵头任务的单位里，谁牵头得最少？", "min", winners("lead", low=True), {"role": "lead"})

# --- compare
for q, a, b, r in [
    ("科协和教体局谁参与的多？", KX, JT, "any"),
    ("人社局跟总工会比，哪个参与的措施多？", RS, ZGH, "any"),
    ("宣传部和科协谁牵头更多？", XC, KX, "lead"),
    ("妇联和团区委哪家参与的多？", FL, TQ, "any"),
]:
    add(q, "compare", {"counts": {a: count(a, r), b: count(b, r)}}, {"role": r})

# --- yesno
for q, u, title, r in [
    ("区妇联参与科普教育基地建设吗？", FL, "强化科普教育基地建设", "any"),
    ("妇联参与科普设施普惠开放吗？", FL, "推进科普基础设施普惠开放", "any"),
    ("健全基层科普服务体系是区科协牵头的吗？", KX, "健全基层科普服务体系", "lead"),
    ("应急科普宣教协同机制是不是科协牵头？", KX, "建立应急科普宣教协同机制", "lead"),
    ("商务局参与高素质农民培育吗？", SW, "实施高素质农民培育工程", "any"),
    ("团区委负责智慧助老吗？", TQ, "实施智慧助老行动", "any"),
    ("现代科技馆体系建设是宣传部牵头吗？", XC, "推进现代科技馆体系建设", "lead"),
    ("气象局参不参与老年人健康科普？", QX, "加强老年人健康科普服务", "any"),
    ("完善表彰奖励机制由组织部牵头吗", ZZ, "完善表彰奖励机制", "lead"),
]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})

# --- units of one measure / of a part
for q, title in [
    ("谁负责推进科普数字化？", "推进科普数字化发展"),
    ("营造创新创造浓厚氛围归谁管？", "营造创新创造浓厚氛围"),
    ("科普创作支持这条有哪些责任单位", "加大科普创作支持力度"),
]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
for q, part, name in [
    ("农民科学素质提升这块都有哪些单位参与？", S_NM, "三、（二）"),
    ("领导干部和公务员那部分涉及哪些部门？", S_GB, "三、（五）"),
    ("条件保障这一部分涉及哪些单位", S_TJ, "四、（二）"),
    ("老年人科学素质那几条都有谁参与？", S_LN, "三、（四）"),
    ("科学普及重点工程这一章总共有哪些单位参与？", C2, "二、"),
]:
    add(q, "units", {"units": union(part), "excluded": []}, {"clause": None, "part": name})

# --- per-measure leads of a part
for q, part, name in [
    ("基层科普能力提升工程每项措施分别是谁牵头？", S_JCN, "二、（四）"),
    ("科普基础设施建设那几条的牵头单位各是谁？", S_JC, "二、（三）"),
    ("农民科学素质提升行动里，每条由哪个部门牵头？", S_NM, "三、（二）"),
]:
    add(q, "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in part}}, {"part": name})

# --- no lead within a part
for q, part, name in [
    ("科普信息化提升工程里哪些措施没有牵头单位？", S_XX, "二、（二）"),
    ("科普基础设施建设工程中没写牵头部门的是哪几条？", S_JC, "二、（三）"),
    ("农民那部分哪几项没有牵头单位？", S_NM, "三、（二）"),
]:
    add(q, "no_lead", clauses([i for i in part if not G[i]["lead"]]), {"no_lead": True, "part": name})

# --- targets
def tg(idx):
    return [t["text"] for i in idx for t in G[i]["targets"]]


def tgt(q, idx, spec):
    texts = tg(idx)
    add(q, "targets", {"n": len(texts), "texts": texts}, spec)


EVERY = [i for i, m in enumerate(G) if any(t["period"] == "每年" for t in m["targets"])]
assert all(t["period"] == "每年" for i in EVERY for t in G[i]["targets"])
DATED = [i for i, m in enumerate(G) if any(t["deadline"] for t in m["targets"])]
assert all(t["deadline"] == "到2025年底" for i in DATED for t in G[i]["targets"])
tgt("每年要完成的量化指标有哪些？", EVERY, {"period": "每年"})
tgt("各项措施里到2025年底要完成哪些指标？", DATED, {"deadline": "2025"})
tgt("面向农民的目标有哪些？", [i for i in range(40) if G[i]["group"] == "农民"], {"group": "农民"})
tgt("青少年方面要实现什么指标？", [i for i in range(40) if G[i]["group"] == "青少年"], {"group": "青少年"})
tgt("产业工人每年有哪些任务指标", [i for i in EVERY if G[i]["group"] == "产业工人"],
    {"group": "产业工人", "period": "每年"})
tgt("老年人有哪些量化目标？", [i for i in range(40) if G[i]["group"] == "老年人"], {"group": "老年人"})
tgt("人社局要完成哪些量化任务？", sel([A(RS)]), {"unit": RS})
tgt("区委宣传部牵头的工作里有哪些量化指标？", sel([L(XC)]), {"unit": XC, "role": "lead"})

# --- deadline of one measure named by its meaning
for q, title in [
    ("新评定科普教育基地那项工作什么时候要完成？", "强化科普教育基地建设"),
    ("校内青少年科学教育这条有没有完成时间？", "加强校内青少年科学教育"),
    ("智慧助老行动有时限吗？", "实施智慧助老行动"),
    ("高素质农民培育要哪年完成？", "实施高素质农民培育工程"),
    ("监测评估体系的截止时间是什么时候", "完善监测评估体系"),
]:
    i = T[title]
    dl = {t["deadline"] for t in G[i]["targets"] if t["deadline"]}
    assert len(dl) <= 1
    add(q, "deadline", {"deadline": dl.pop() if dl else None, "clause": PATHS[i]}, {"title": title})

# --- unknown units
for q, u in [("区司法局负责哪些措施？", "区司法局"), ("区统计局和科协一起参与了哪些？", "区统计局"),
             ("退役军人事务局牵头几项？", "退役军人事务局"), ("残联参与科普基础设施普惠开放吗？", "残联")]:
    assert not any(u in x for x in ALL_UNITS)
    add(q, "unknown", {"unknown": u})

# --- scoped to a part
for q, part, name, t in [
    ("青少年那部分里科协参与了哪些？", S_QSN, "三、（一）", [A(KX)]),
    ("科普基础设施建设工程中妇联负责哪些？", S_JC, "二、（三）", [A(FL)]),
    ("基层科普能力提升里，卫健委参与哪几项？", S_JCN, "二、（四）", [A(WJ)]),
    ("素质提升重点行动中，宣传部参与了哪些？", C3, "三、", [A(XC)]),
]:
    add(q, "scoped", clauses(sel(t, part)), {"part": name, "terms": t})
zones = [i for i in range(40) if "高新区" in G[i]["zones"]]
add("高新区要负责哪些工作？", "scoped", clauses(zones), {"zone": "高新区"})

# --- follow-ups (gold on the last turn; kind "followup" except the superlative, which check() reads by kind)
add("那其中哪些是区委宣传部牵头的？", "followup", clauses(sel([A(KX), L(XC)])), {"terms": [A(KX), L(XC)]},
    turns=["区科协参与了哪些措施？"])
add("其中哪些是科协牵头的？", "followup", clauses(sel([L(KX)], S_NM)), {"part": "三、（二）", "terms": [L(KX)]},
    turns=["农民科学素质提升行动有哪些措施？"])
add("那总工会呢？", "followup", clauses(sel([A(ZGH)])), {"terms": [A(ZGH)]}, turns=["人社局参与哪些工作？"])
add("其中牵头的有几项？", "followup", {"count": count(KJ, "lead")}, {"terms": [L(KJ)]}, turns=["科技局参与了几项？"])
add("哪个参与得最多？", "max", winners("any", S_LN), {"role": "any", "part": "三、（四）"},
    turns=["老年人那部分都有谁参与？"])
add("那里面哪些没有牵头单位？", "followup", clauses([i for i in S_XX if not G[i]["lead"]]),
    {"no_lead": True, "part": "二、（二）"}, turns=["科普信息化提升工程有几项措施？"])
add("这里面哪些也有团区委？", "followup", clauses(sel([A(FL), A(TQ)])), {"terms": [A(FL), A(TQ)]},
    turns=["区妇联参与了哪些措施？"])

if __name__ == "__main__":
    P.write("tests/data/kgqa/huaiyin_outsider_questions.jsonl")
