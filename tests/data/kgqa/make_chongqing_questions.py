"""Graph questions on the 重庆 plan (tests/data/plans/heldout/chongqing_2026_opc.txt, 重庆市迭代推进“满天星”
行动计划打造“未来星”OPC创业生态工作方案), written on 2026-12-04 by an outsider who had not read kepu's question
parser nor the earlier sets' failure notes, as a held-out set ("split": "heldout"), scored once.
Regenerate: `.venv/bin/python tests/data/kgqa/make_chongqing_questions.py`.

Gold ONLY from tests/data/plans/heldout/chongqing_2026_opc.gold.json plus item names / targets / deadlines read
from the plan text, never from kepu's answers. Clauses are named by kepu's measure paths
("".join(parse_plan_file(path).measures[i].path)), mapped to the labelled items by title: the parse gives ten
measures 二、（一）… 五、（十）, in the labels' order, each title equal to its label's title (asserted below
against the hard-coded paths; no item is missed or mangled).

Structure of the plan: 一、总体目标 (no measures), 二、优化载体服务 (（一）–（三）), 三、强化人才保障 (（四）–（六）),
四、培育创业主体 (（七）–（九）), 五、持续营造氛围 (（十）). Items are numbered （一）–（十） through the chapters,
so "第八条" is （八）. "第二部分" … "第五部分" are the chapters 二、… 五、 (一、总体目标 being the first part).

Conventions
- Roles. Notes read `（责任单位：A、B，有关区县）`; the plan states no lead convention and no note has two
  groups of department units (the group after `，` is 有关区县 or the catch-all 有关市级部门), so by the
  README's rule 5 lead = [] in every item, and the labels list every unit as co. "参与/负责/有份" = in `units`;
  "牵头" = in `lead` (always false here: a lead count is 0, "是X牵头的吗" is 不); "参与但不牵头" = in `co`.
  Only two lead questions are asked about a unit (one count, one yesno), since a reader could also take the
  first-listed unit as lead by custom; the per-measure leads questions want "未明确" for each measure.
- Local governments: 有关区县 is labelled per note (`local`, 8 items: all but （七）（九）), asked with role
  "local". The catch-all 有关市级部门 (（七）（八）（十）) is not a unit and is not asked about; （十）'s note names
  no department unit at all, so no "units of （十）" question is asked. Districts named in （一）'s text (两江新区,
  渝中区, …) are places of construction, not note units: not asked about.
- Unit names: the labels' short forms (市经济信息委, 市人力社保局, 市住房城乡建委, 市大数据发展局, …) are the gold;
  questions also use full names (重庆市经济和信息化委员会, 市人力资源和社会保障局, 市教育委员会) and nicknames
  (经信委, 人社局, 大数据局, 住建委, 发改委).
- Targets: the plan holds no quantified target. Its dated goals (2026年底前 OPC社区生态初见雏形; 到2027年底
  建成一批…OPC社区, 培育出一批…OPC) sit in 一、总体目标 and give no figure ("一批"), so every 量化 target question
  has n = 0; questions say 量化 to keep the qualitative goals out.
- Deadlines: no measure states a completion date (定期/常态化 are not dates; the 总体目标 dates are the plan's,
  not a measure's), so a measure's deadline is None ("未写明"). （一） (OPC社区, which the 2027 goal could be read
  as dating) is not asked about.
- Unknown units are plausible 重庆 bureaus absent from every note: 市商务委, 市国资委, 市文化旅游委.
- Ties: max/min name every tied unit (PlanGold.winners).
Scored once at 32d02ec: 95.6 % (65/68). Its failures were then read and fixed (100 %): 科技局和大数据局都不
参与 negates both, 第（三）条, a targets question with no filter; a development set now ("split": "dev").
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

PATHS = ["二、（一）", "二、（二）", "二、（三）", "三、（四）", "三、（五）", "三、（六）",
         "四、（七）", "四、（八）", "四、（九）", "五、（十）"]
P = PlanGold("chongqing", "tests/data/plans/heldout/chongqing_2026_opc.gold.json", PATHS)
G = P.items
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == 10
sys.path.insert(0, str(Path(__file__).parents[3]))
from ingest.plan_parser import parse_plan_file  # noqa: E402

_parsed = parse_plan_file("tests/data/plans/heldout/chongqing_2026_opc.txt").measures
assert ["".join(m.path) for m in _parsed] == PATHS and [m.title for m in _parsed] == [m["title"] for m in G]
T = {m["title"]: i for i, m in enumerate(G)}
CH2, CH3, CH4 = range(0, 3), range(3, 6), range(6, 9)

JX, KJ, FG, SC, ZS, DSJ, RS, JW, MZ, ZJ, CZ, QX = (
    "市经济信息委", "市科技局", "市发展改革委", "市市场监管局", "市知识产权局", "市大数据发展局", "市人力社保局",
    "市教委", "市民政局", "市住房城乡建委", "市财政局", "有关区县")
ALL = range(10)

# --- and
for q, t in [
    ("经信委和科技局都参与的措施有哪些？", [(JX, "any", False), (KJ, "any", False)]),
    ("重庆市经济和信息化委员会跟大数据局一起负责哪几条？", [(JX, "any", False), (DSJ, "any", False)]),
    ("人社局、教委两家都有份的是哪些工作？", [(RS, "any", False), (JW, "any", False)]),
    ("市教育委员会与市民政局同时参与的措施是哪些？", [(JW, "any", False), (MZ, "any", False)]),
    ("大数据局和科技局都参与的有哪些？", [(DSJ, "any", False), (KJ, "any", False)]),
    ("经信委、人社局和教委三家都参与的是哪条？", [(JX, "any", False), (RS, "any", False), (JW, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("科技局或者财政局参与的措施有哪些？", [(KJ, "any", False), (CZ, "any", False)]),
                 ("民政局或住建委涉及哪些措施？", [(MZ, "any", False), (ZJ, "any", False)]),
                 ("教委或者发改委负责的有哪几条？", [(JW, "any", False), (FG, "any", False)])]:
    idx = [i for i in ALL if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- not
for q, t in [
    ("经信委参与了但大数据局没参与的措施有哪些？", [(JX, "any", False), (DSJ, "any", True)]),
    ("人社局有份、教委没份的是哪些？", [(RS, "any", False), (JW, "any", True)]),
    ("经信委参与、科技局和大数据局都不参与的有哪些？", [(JX, "any", False), (KJ, "any", True), (DSJ, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- except: set difference, and one measure's units less one
t = [(JX, "any", False), (KJ, "any", True)]
add("经信委参与的措施里，去掉科技局也参与的，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
t = [(RS, "any", False), (JX, "any", True)]
add("除了经信委也在的那些，人社局还参与了哪些？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("一站式创业服务那条，除了经信委还有哪些单位？", "提供一站式OPC创业服务", JX),
                     ("做好人才保障服务除了人社局还有谁参与？", "做好人才保障服务", RS),
                     ("支持人才能力提升这条除了市教委，还有哪些部门？", "支持人才能力提升", JW)]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- 参与但不牵头
for q, u in [("经信委参与了但不是牵头的措施有哪些？", JX), ("市人力社保局参与却不牵头的有哪几项？", RS),
             ("财政局有参与但不牵头的工作是哪些？", CZ)]:
    add(q, "co_not_lead", clauses(sel([(u, "co", False)])), {"terms": [(u, "co", False)]})
# --- count
for q, u, r in [("经信委一共参与了几项措施？", JX, "any"), ("市人力资源和社会保障局参与多少条？", RS, "any"),
                 ("大数据局管着几件事？", DSJ, "any"),
                 ("市经信委牵头几项？", JX, "lead"), ("有关区县要落实几项措施？", QX, "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这个工作方案一共有几条措施？", "count", {"count": 10}, {"chapter": None})
add("人才保障那块有几条措施？", "count", {"count": 3}, {"chapter": "三、"})
add("第四部分有几项？", "count", {"count": 3}, {"chapter": "四、"})
# --- max / min (ties named)
add("哪个部门参与的措施最多？", "max", winners("any"), {"role": "any", "chapter": None})
add("人才保障这一部分里谁参与得最多？", "max", winners("any", CH3), {"role": "any", "chapter": "三、"})
add("优化载体服务那块哪个单位出现得最多", "max", winners("any", CH2), {"role": "any", "chapter": "二、"})
add("哪些单位参与的措施最少？", "min", winners("any", low=True), {"role": "any", "chapter": None})
add("培育创业主体部分哪些部门参与最少？", "min", winners("any", CH4, low=True), {"role": "any", "chapter": "四、"})
add("第二部分里参与最少的是哪些单位？", "min", winners("any", CH2, low=True), {"role": "any", "chapter": "二、"})
# --- compare
for q, a, b in [("经信委和人社局谁参与的多？", JX, RS), ("科技局跟大数据局比，哪个参与的措施多？", KJ, DSJ),
                ("教委与民政局哪个参与得多？", JW, MZ)]:
    add(q, "compare", {"counts": {a: count(a), b: count(b)}}, {"role": "any"})
# --- units of one measure / of a part
for q, title in [("提供一站式OPC创业服务有哪些单位参与？", "提供一站式OPC创业服务"),
                 ("谁负责做好人才保障服务？", "做好人才保障服务"),
                 ("第（三）条工具链那条归哪些部门管？", "布局轻量化数字工具链")]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
add("人才保障部分涉及哪些部门？", "units", {"units": union(CH3), "excluded": []}, {"clause": None, "chapter": "三、"})
add("优化载体服务这部分都有哪些责任单位？", "units", {"units": union(CH2), "excluded": []},
    {"clause": None, "chapter": "二、"})
# --- per-measure leads of a part (none stated: "未明确")
add("各项措施分别由谁牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in ALL}}, {"chapter": None})
add("人才保障部分每条措施的牵头单位是谁？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in CH3}}, {"chapter": "三、"})
add("第四部分逐条是哪个部门牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in CH4}}, {"chapter": "四、"})
# --- targets (none quantified)
for q, spec in [("这个方案里有哪些量化指标？", {"deadline": None, "period": None, "group": None}),
                ("到2027年底要完成哪些量化目标？", {"deadline": "2027", "period": None, "group": None}),
                ("每年要完成哪些量化指标？", {"deadline": None, "period": "每年", "group": None}),
                ("经信委负责的措施里有哪些量化目标？", {"deadline": None, "unit": JX}),
                ("面向创业人才的量化目标有哪些？", {"deadline": None, "group": "创业人才"})]:
    add(q, "targets", {"n": 0, "texts": []}, spec)
# --- deadline (none stated)
for q, title in [("鼓励人才来渝创业有完成时限吗？", "鼓励人才来渝创业"),
                 ("加强场景对接什么时候要完成？", "加强场景对接"),
                 ("举办生态活动的截止时间是哪天？", "举办生态活动")]:
    add(q, "deadline", {"deadline": None, "clause": PATHS[T[title]]}, {"title": title})
# --- yesno
for q, u, title, r in [("市财政局参与加大政策支持力度吗？", CZ, "加大政策支持力度", "any"),
                       ("大数据局是不是加强场景对接的责任单位？", DSJ, "加强场景对接", "any"),
                       ("民政局参与鼓励人才来渝创业吗？", MZ, "鼓励人才来渝创业", "any"),
                       ("加强场景对接需要有关区县落实吗？", QX, "加强场景对接", "local"),
                       ("提供一站式OPC创业服务是经信委牵头的吗？", JX, "提供一站式OPC创业服务", "lead"),
                       ("强化投融资支持有科技局参与吗？", KJ, "强化投融资支持", "any")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- unknown (units no note names)
for q, u in [("市商务委负责哪些措施？", "市商务委"), ("市国资委和经信委一起参与了哪些工作？", "市国资委"),
             ("市文化旅游委牵头了几项？", "市文化旅游委")]:
    add(q, "unknown", {"unknown": u})
# --- scoped (to a part)
for q, rng, u in [("第四部分里经信委参与了哪些？", CH4, JX), ("人才保障那块人社局负责哪些措施？", CH3, RS)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], rng)), {"range": [PATHS[i] for i in rng], "terms": [(u, "any", False)]})
# --- follow-ups (the last turn is scored)
for turns, t, keep in [
    (["经信委参与了哪些措施？", "其中哪些大数据局也参与？"], [(JX, "any", False), (DSJ, "any", False)], None),
    (["人社局负责哪些工作？", "那教委呢？"], [(JW, "any", False)], None),
    (["科技局参与了哪些？", "这些里面哪些有市场监管局？"], [(KJ, "any", False), (SC, "any", False)], None),
    (["哪几条没有明确牵头单位？", "其中哪些有财政局参与？"], [(CZ, "any", False)], [i for i in ALL if not G[i]["lead"]]),
]:
    P.rows.append({"kind": "followup", "plan": "chongqing", "turns": [{"q": x} for x in turns],
                   "gold": clauses(sel(t, keep)), "spec": {"terms": t}, "split": "dev"})

for r in P.rows:
    r["split"] = "dev"
P.write("tests/data/kgqa/chongqing_questions.jsonl")
