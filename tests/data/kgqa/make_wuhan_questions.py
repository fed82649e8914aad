"""Graph questions on the 武汉 plan, written on 2026-12-03 by an outsider who had not read kepu's
question parser, as a held-out set, and scored once before any change: 75.6% (59/78, at ca25064).
Its failures were then read and fixed (78/78 after), so it is a development set now ("split": "dev").
Regenerate: `.venv/bin/python tests/data/kgqa/make_wuhan_questions.py`.
Gold ONLY from tests/data/plans/real/wuhan_2026_opc.gold.json plus item names / targets / deadlines read from
the plan text. kepu's path scheme (learnt from one trivial question, probe.py): "一、" … "十、" -- the plan
has ten numbered items and no sections above them, so each item is at once a "chapter" and a measure.

Conventions
- Roles. The plan states no lead convention; the labels apply the README's comma-group rule (rule 5), which
  gives a lead in 5 items only (四 住房和城市更新局; 七 科创局; 八 经信局/发改委/国资委; 九 财政局/科创局/人社局;
  十 科创局). Items 一 二 三 五 六 have no lead (a local government after the comma is not a department group).
  "参与" = in `units`; "牵头" = in `lead`; "参与但不牵头" = in `units` and not in `lead`
  (PlanGold co_is_units_without_lead=True: the labels leave co empty where no lead can be told apart).
  The word "配合" is not used in questions: for the no-lead items it is ambiguous.
- Local governments: 各区人民政府 is labelled per note (`local`, 7 items), so it is asked about with role
  "local" (one count, one yesno). Named zones inside its 〈含开发区、长江新区、风景区管委会〉 annotation are not
  asked about.
- Parts: since every item is its own chapter, "count of a chapter" (always 1, yet a reader could count the
  4 notes or sub-paragraphs instead) and "max within a chapter" (all tie at 1) are ambiguous and skipped.
  Parts above one item are asked as ranges "前五条/前三条/后五条" (items 一–五, 一–三, 六–十).
- Targets: the text has no dated targets. The quantitative commitments (不少于…) are four: 2000卡时 per OPC
  per year (一, 各区), 引才活动不少于50场 (四, 市人社局, no period), 全市每年不少于100个场景 (八, 各区),
  每年不少于50个标杆项目 (十). Subsidy caps (最高…万元) and support terms (最长…年) are not targets.
  "到2027年底" therefore has 0 dated targets (as in the 宁波 set). A target filter by 各区 is skipped
  (item 十's note names 各区 among five groups: ambiguous whether it is theirs).
- Deadlines: no item states a completion date; the plan's validity (有效期至2028年12月31日) is not a
  measure deadline, so a measure's deadline is None ("未写明"). Items whose text holds a duration
  (补助期限不超过3年, 最长2年…: 一 四 六 九) are not asked about.
- Unknown units are plausible 武汉 bureaus absent from the notes (市商务局, 市卫健委, 市市场监管局); 市科技局 is
  avoided (a likely nickname for 市科创局, so not unambiguously unknown).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
PATHS = [f"{n}、" for n in NUM]
P = PlanGold("wuhan", "tests/data/plans/real/wuhan_2026_opc.gold.json", PATHS,
             co_is_units_without_lead=True)
G = P.items
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == 10
T = {m["title"]: i for i, m in enumerate(G)}
FIRST5, FIRST3, LAST5 = range(0, 5), range(0, 3), range(5, 10)

SJ, JX, WX, KC, RS, RC, JY, ZF, CZ, TW, TK, JK, FG, GZ, JR, QU = (
    "市数据局", "市经信局", "市委网信办", "市科创局", "市人社局", "市人才工作局", "市教育局", "市住房和城市更新局",
    "市财政局", "团市委", "武汉投控集团", "武汉金控集团", "市发改委", "市政府国资委", "市委金融办", "各区人民政府")

# --- and
for q, t in [
    ("科创局和经信局都参与的有哪些措施？", [(KC, "any", False), (JX, "any", False)]),
    ("市人社局跟市财政局共同负责的是哪几条？", [(RS, "any", False), (CZ, "any", False)]),
    ("投控集团和金控集团一起参与了哪些工作？", [(TK, "any", False), (JK, "any", False)]),
    ("市人才工作局和团市委都参加的措施有哪些？", [(RC, "any", False), (TW, "any", False)]),
    ("数据局、经信局两家都有份的是哪些事？", [(SJ, "any", False), (JX, "any", False)]),
    ("科创局牵头、投控集团也参与的有哪些？", [(KC, "lead", False), (TK, "any", False)]),
    ("市科技创新局与市委金融办同时参与的措施是哪些？", [(KC, "any", False), (JR, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- not
for q, t in [
    ("科创局参与了但不牵头的措施有哪些？", [(KC, "co", False)]),
    ("人才工作局参与、但不是牵头的有哪几项？", [(RC, "co", False)]),
    ("市财政局有参与却不牵头的工作是哪些？", [(CZ, "co", False)]),
    ("经信局参与了但科创局没参与的措施有哪些？", [(JX, "any", False), (KC, "any", True)]),
    ("投控集团参加了、金控集团没参加的工作有哪些？", [(TK, "any", False), (JK, "any", True)]),
    ("人社局有份而人才工作局没份的是哪些措施？", [(RS, "any", False), (RC, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("住房和城市更新局或者教育局参与的措施有哪些？", [(ZF, "any", False), (JY, "any", False)]),
                 ("网信办或数据局参与了哪些措施？", [(WX, "any", False), (SJ, "any", False)]),
                 ("发改委或者国资委牵头的工作有哪些？", [(FG, "lead", False), (GZ, "lead", False)]),
                 ("团市委或市委金融办涉及哪些措施？", [(TW, "any", False), (JR, "any", False)])]:
    idx = [i for i in range(len(G)) if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- except: set difference, and one measure's units less one
t = [(JX, "any", False), (SJ, "any", True)]
add("经信局参与的措施里，把数据局也参与的去掉，还有哪些？", "except", clauses(sel(t)), {"terms": t})
t = [(RC, "any", False), (KC, "any", True)]
add("除了科创局也在的那些，人才工作局还参与了哪些工作？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("强化科技金融支撑除了财政局还有哪些单位参与？", "强化科技金融支撑", CZ),
                     ("除了市科创局，还有谁负责加大场景资源开放？", "加大场景资源开放", KC),
                     ("人才“引育用留”体系这条，除了人社局还有哪些部门？", "构建人才\"引育用留\"体系", RS),
                     ("营造浓厚创新创业氛围除了武汉投控集团，还有哪些单位要参与？", "营造浓厚创新创业氛围", TK)]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("科创局一共参与了几项措施？", KC, "any"), ("市经济和信息化局参与多少条？", JX, "any"),
                 ("科创局牵头的有几项？", KC, "lead"), ("人才局总共参与几项工作？", RC, "any"),
                 ("投控集团参与了多少项措施？", TK, "any"), ("市人力资源和社会保障局牵头几项？", RS, "lead"),
                 ("经信局牵了几条头？", JX, "lead"), ("数据局管着几件事？", SJ, "any"),
                 ("各区人民政府要落实几项措施？", QU, "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这份若干措施总共有几条？", "count", {"count": 10}, {"chapter": None})
add("武汉支持OPC的文件里一共多少项措施？", "count", {"count": 10}, {"chapter": None})
# --- max / min (ties named)
add("哪个部门牵头的措施最多？", "max", winners("lead"), {"role": "lead", "chapter": None})
add("谁牵头的事情最多？", "max", winners("lead"), {"role": "lead", "chapter": None})
add("参与措施最多的单位是哪个？", "max", winners("any"), {"role": "any", "chapter": None})
add("前五条措施里哪个单位参与得最多？", "max", winners("any", FIRST5), {"role": "any", "range": "一–五"})
add("后五条里参与最多的是哪家单位？", "max", winners("any", LAST5), {"role": "any", "range": "六–十"})
add("哪些单位参与的措施最少？", "min", winners("any", low=True), {"role": "any", "chapter": None})
add("有牵头任务的单位中，谁牵头得最少？", "min", winners("lead", low=True), {"role": "lead", "chapter": None})
# --- compare
for q, a, b, r in [("科创局和经信局谁参与的多？", KC, JX, "any"),
                    ("人社局跟财政局比，哪个参与的措施多？", RS, CZ, "any"),
                    ("投控集团与金控集团哪个参与得多？", TK, JK, "any"),
                    ("市科创局和市人社局谁牵头的更多？", KC, RS, "lead")]:
    add(q, "compare", {"counts": {a: count(a, r), b: count(b, r)}}, {"role": r})
# --- yesno
for q, u, title, r in [("市财政局参与强化科技金融支撑吗？", CZ, "强化科技金融支撑", "any"),
                       ("数据局参与支持模型工具研发应用吗？", SJ, "支持模型工具研发应用", "any"),
                       ("搭建OPC线上开放社区是科创局牵头的吗？", KC, "搭建OPC线上开放社区", "lead"),
                       ("加大场景资源开放是不是科创局牵头？", KC, "加大场景资源开放", "lead"),
                       ("强化科技金融支撑是金控集团牵头的吗？", JK, "强化科技金融支撑", "lead"),
                       ("团市委参与强化算力服务支撑吗？", TW, "强化算力服务支撑", "any"),
                       ("市人才工作局是营造浓厚创新创业氛围的责任单位吗？", RC, "营造浓厚创新创业氛围", "any"),
                       ("提供创业启动支持需要各区政府落实吗？", QU, "提供创业启动支持", "local")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of one measure / of a range
for q, title in [("强化科技金融支撑有哪些单位参与？", "强化科技金融支撑"), ("加大场景资源开放涉及哪些部门？", "加大场景资源开放"),
                 ("谁负责搭建OPC线上开放社区？", "搭建OPC线上开放社区"),
                 ("人才“引育用留”体系都有哪些责任单位？", "构建人才\"引育用留\"体系"),
                 ("强化算力服务支撑归哪些部门管？", "强化算力服务支撑")]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
add("前三条措施涉及哪些单位？", "units", {"units": union(FIRST3), "excluded": []}, {"clause": None, "range": "一–三"})
# --- per-measure leads of a part
add("各项措施分别由谁牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in range(10)}}, {"chapter": None})
add("前五条措施的牵头单位各是谁？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in FIRST5}}, {"range": "一–五"})
add("后五项措施逐条是哪个部门牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in LAST5}}, {"range": "六–十"})
# --- no lead (items 一 二 三 五 六)
nl = [i for i in range(len(G)) if not G[i]["lead"]]
assert nl == [0, 1, 2, 4, 5]
add("哪几项措施没有牵头部门？", "no_lead", clauses(nl), {"no_lead": True})
add("有没有没写牵头单位的措施？是哪些？", "no_lead", clauses(nl), {"no_lead": True})
# --- targets
TA = "不少于2000卡时的免费算力支持"
TB = "引才活动不少于50场"
TC = "不少于100个OPC典型应用场景"
TD = "不少于50个技术前沿、模式新颖、潜力巨大的标杆项目"
add("每年要完成哪些量化指标？", "targets", {"n": 3, "texts": [TA, TC, TD]}, {"deadline": None, "period": "每年", "group": None})
add("这份措施里一共有哪些量化目标？", "targets", {"n": 4, "texts": [TA, TB, TC, TD]}, {"deadline": None, "period": None, "group": None})
add("人社局有哪些量化任务要完成？", "targets", {"n": 1, "texts": [TB]}, {"deadline": None, "period": None, "unit": RS})
add("到2027年底要完成哪些指标？", "targets", {"n": 0, "texts": []}, {"deadline": "2027", "period": None, "group": None})
# --- deadline (none stated)
for q, title in [("畅通高质量数据要素供给有完成时限吗？", "畅通高质量数据要素供给"),
                 ("大力发展OPC生态社区什么时候要完成？", "大力发展OPC生态社区"),
                 ("搭建OPC线上开放社区的截止日期是哪天？", "搭建OPC线上开放社区"),
                 ("支持模型工具研发应用要求哪年完成？", "支持模型工具研发应用")]:
    add(q, "deadline", {"deadline": None, "clause": PATHS[T[title]]}, {"title": title})
# --- unknown (units the plan never names)
for q, u in [("市商务局负责哪些措施？", "市商务局"), ("市卫健委和科创局一起负责哪些工作？", "市卫健委"),
             ("市市场监管局牵头了几项？", "市市场监管局")]:
    add(q, "unknown", {"unknown": u})
# --- scoped (to a range, or to one item)
for q, rng, u in [("前五条里科创局参与了哪些？", FIRST5, KC), ("后五条措施中人才工作局负责哪些？", LAST5, RC),
                  ("强化科技金融支撑中财政局负责哪些措施？", [T["强化科技金融支撑"]], CZ)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], rng)), {"range": [PATHS[i] for i in rng], "terms": [(u, "any", False)]})

P.write("tests/data/kgqa/wuhan_questions.jsonl")
