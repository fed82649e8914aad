"""Graph questions on 宁波 甬政办发〔2026〕7号 (支持人工智能OPC创新创业发展的若干意见), written by an outsider.
Written on 2026-12-03 as a held-out set after the 太仓 and 郑州 fixes, by someone who had not read the
parser, and scored once before any change: 92.1% (70/76, at 6f54ba2). Its six failures were then
read and fixed, so it is a development set now ("split": "dev").
Regenerate: `.venv/bin/python tests/data/kgqa/make_ningbo_questions.py`.
Gold ONLY from tests/data/plans/real/ningbo_2026_opc.gold.json plus chapter names / targets / deadlines read
from the plan text. kepu's path scheme (learnt from one trivial question): 二、（三） -- chapter, item number
(items （一）–（十八） numbered straight through the nine chapters).

Roles (the plan states 列第一位的为牵头单位, so every item has a lead): "参与" = in `units`; "牵头" = in `lead`
(union over the item's notes: item （三） has two leads, 市发改委 and 市经信局; item （十三） 市委金融办 and
市科技局); "配合/参与但不牵头" = in `co` (= units - lead in every item of this gold file).
Local governments (各区〔县、市〕政府, 开发园区管委会, named only in item （一）'s note, then by a blanket
"以下均需…落实，不再列出") are not asked about: the per-item answer is ambiguous."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八"]
CH = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8]  # chapter index of each item
PATHS = [f"{NUM[CH[i]]}、（{NUM[i]}）" for i in range(18)]
P = PlanGold("ningbo", "tests/data/plans/real/ningbo_2026_opc.gold.json", PATHS)
G, rows = P.items, P.rows
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == len(PATHS) == 18
CHAPTERS = ["加快OPC社区矩阵建设", "加大普惠算力支持", "加强模型工具供给", "扩大场景资源开放", "强化数据要素流通",
            "优化人才科技支撑", "完善金融综合服务", "实施包容审慎监管", "营造创新创业氛围"]
SEC = {name: [i for i in range(18) if CH[i] == c] for c, name in enumerate(CHAPTERS)}
TITLE = {m["title"]: i for i, m in enumerate(G)}

JX, FG, SJ, KJ, GZ, SC, RS, JR, GG, TS, CZ, JT, WL, WJ, RC, JY, WX, BQ = (
    "市经信局", "市发改委", "市数据局", "市科技局", "市国资委", "市市场监管局", "市人力社保局", "市委金融办",
    "市委改革办〔市营商环境建设局〕", "通商控股集团", "市财政局", "市交通局", "市文广旅游局", "市卫生健康委",
    "市委人才办", "市教育局", "市委网信办", "市版权局")

# --- and
for q, t in [
    ("经信局和发改委都参与的措施有哪些？", [(JX, "any", False), (FG, "any", False)]),
    ("市科技局跟市国资委一起负责哪几项工作？", [(KJ, "any", False), (GZ, "any", False)]),
    ("市场监管局和数据局同时参与了哪些措施？", [(SC, "any", False), (SJ, "any", False)]),
    ("人社局和金融办都有份的任务是哪些？", [(RS, "any", False), (JR, "any", False)]),
    ("市经济和信息化局与市科学技术局共同参与的措施有哪些？", [(JX, "any", False), (KJ, "any", False)]),
    ("经信局牵头、科技局参与的工作有哪些？", [(JX, "lead", False), (KJ, "any", False)]),
    ("市人力社保局和市市场监管局都参与的是哪些措施？", [(RS, "any", False), (SC, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- not
for q, t in [
    ("市科技局参与但不牵头的措施有哪些？", [(KJ, "co", False)]),
    ("经信局只是配合、不牵头的事情有哪些？", [(JX, "co", False)]),
    ("数据局参与了、发改委却没参与的措施有哪些？", [(SJ, "any", False), (FG, "any", True)]),
    ("经信局参加了但科技局没参加的工作有哪些？", [(JX, "any", False), (KJ, "any", True)]),
    ("发改委配合但不牵头的工作是哪些？", [(FG, "co", False)]),
    ("市委金融办参与但不是牵头单位的措施有哪些？", [(JR, "co", False)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("市财政局或市数据局牵头的措施有哪些？", [(CZ, "lead", False), (SJ, "lead", False)]),
                 ("人才办或者教育局参与的工作有哪些？", [(RC, "any", False), (JY, "any", False)]),
                 ("网信办或版权局参与了哪些事项？", [(WX, "any", False), (BQ, "any", False)]),
                 ("通商控股集团或国资委参与的措施有哪些？", [(TS, "any", False), (GZ, "any", False)])]:
    idx = [i for i in range(len(G)) if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- except: set difference, and one measure's units less one
t = [(FG, "any", False), (JX, "any", True)]
add("除了经信局也参与的，发改委还参与了哪些工作？", "except", clauses(sel(t)), {"terms": t})
t = [(SC, "any", False), (SJ, "any", True)]
add("市场监管局参与的措施里，去掉数据局也参与的，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("开放公共数据资源除了数据局还有哪些单位？", "开放公共数据资源", SJ),
                     ("除了市委人才办，还有谁负责健全人才引育体系？", "健全人才引育体系", RC),
                     ("提供OPC线上服务除了市委改革办〔市营商环境建设局〕，还有哪些部门参与？", "提供OPC线上服务", GG),
                     ("打造OPC创业城市品牌除了人社局还有谁管？", "打造OPC创业城市品牌", RS)]:
    i = TITLE[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("市经信局参与了多少项措施？", JX, "any"), ("市经济和信息化局牵头几项工作？", JX, "lead"),
                 ("数据局一共参与几项？", SJ, "any"), ("市场监管局牵头了几条措施？", SC, "lead"),
                 ("人社局参与了几项工作？", RS, "any"), ("金融办总共参与多少项措施？", JR, "any"),
                 ("国资委牵头几项？", GZ, "lead"), ("发改委到底管了几件事？", FG, "any")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这份意见一共有多少条具体措施？", "count", {"count": 18}, {"chapter": None})
add("完善金融综合服务有几项措施？", "count", {"count": 2}, {"chapter": "完善金融综合服务"})
add("第六部分包括几条？", "count", {"count": 2}, {"chapter": "优化人才科技支撑"})
# --- max / min
add("哪个单位牵头的措施最多？", "max", winners("lead"), {"role": "lead", "chapter": None})
add("参与工作最多的部门是哪个？", "max", winners("any"), {"role": "any", "chapter": None})
add("加大普惠算力支持里哪个部门参与得最多？", "max", winners("any", SEC["加大普惠算力支持"]),
    {"role": "any", "chapter": "加大普惠算力支持"})
add("加强模型工具供给中参与最多的是哪个单位？", "max", winners("any", SEC["加强模型工具供给"]),
    {"role": "any", "chapter": "加强模型工具供给"})
add("完善金融综合服务这块谁参与得最多？", "max", winners("any", SEC["完善金融综合服务"]),
    {"role": "any", "chapter": "完善金融综合服务"})
add("参与措施最少的是哪些单位？", "min", winners("any", low=True), {"role": "any", "chapter": None})
add("在有牵头任务的部门里，谁牵头的最少？", "min", winners("lead", low=True), {"role": "lead", "chapter": None})
# --- compare
for q, a, b, r in [("市经信局和市科技局谁参与的措施多？", JX, KJ, "any"),
                    ("数据局跟发改委比，哪个负责的工作多？", SJ, FG, "any"),
                    ("市场监管局和人社局谁牵头的多？", SC, RS, "lead"),
                    ("科技局和国资委哪个参与的多？", KJ, GZ, "any")]:
    add(q, "compare", {"counts": {a: count(a, r), b: count(b, r)}}, {"role": r})
# --- yesno
for q, u, title, r in [("市财政局参与开放特色场景吗？", CZ, "开放特色场景", "any"),
                       ("数据局参与提供OPC线上服务吗？", SJ, "提供OPC线上服务", "any"),
                       ("加强算力服务供给是经信局牵头的吗？", JX, "加强算力服务供给", "lead"),
                       ("创新金融服务产品是科技局牵头的吗？", KJ, "创新金融服务产品", "lead"),
                       ("国资委牵头培育AI工具服务生态吗？", GZ, "培育AI工具服务生态", "lead"),
                       ("市版权局是不是加强知识产权保护的责任单位？", BQ, "加强知识产权保护", "any"),
                       ("教育局参不参与强化金融保险支持？", JY, "强化金融保险支持", "any"),
                       ("通商控股集团参与完善算力保障机制吗？", TS, "完善算力保障机制", "any")]:
    i = TITLE[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of a part / of one measure
for q, ch in [("强化数据要素流通有哪些单位参与？", "强化数据要素流通"), ("实施包容审慎监管涉及哪些部门？", "实施包容审慎监管"),
              ("优化人才科技支撑都有哪些单位？", "优化人才科技支撑")]:
    add(q, "units", {"units": union(SEC[ch]), "excluded": []}, {"clause": None, "chapter": ch})
for q, title in [("谁负责加强算力服务供给？", "加强算力服务供给"), ("创新金融服务产品归哪些部门管？", "创新金融服务产品")]:
    add(q, "units", {"units": G[TITLE[title]]["units"], "excluded": []}, {"clause": PATHS[TITLE[title]], "title": title})
# --- per-measure leads of a chapter
for q, ch in [("加大普惠算力支持中各项措施分别由谁牵头？", "加大普惠算力支持"),
              ("完善金融综合服务逐项由谁牵头？", "完善金融综合服务"),
              ("营造创新创业氛围里每项措施的牵头单位是谁？", "营造创新创业氛围")]:
    add(q, "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in SEC[ch]}}, {"chapter": ch})
# --- no lead: the plan's convention gives every item a lead, so the honest answer is none (0)
nl = [i for i in range(len(G)) if not G[i]["lead"]]
assert nl == []
add("哪些措施没有明确牵头单位？", "no_lead", clauses(nl), {"no_lead": True})
add("有没有哪条措施没写清楚谁来牵头？", "no_lead", clauses(nl), {"no_lead": True})
# --- targets (from the text: the only dated targets are item （一）'s two 到2028年底 quantities)
T2028 = ["打造市级OPC社区10个以上", "全市集聚OPC创业者超过10000人"]
add("到2028年要完成哪些目标？", "targets", {"n": 2, "texts": T2028}, {"deadline": "2028", "period": None, "group": None})
add("2028年底前要实现哪些量化指标？", "targets", {"n": 2, "texts": T2028}, {"deadline": "2028", "period": None, "group": None})
add("到2027年有哪些目标要完成？", "targets", {"n": 0, "texts": []}, {"deadline": "2027", "period": None, "group": None})
# --- deadline
for q, title, d in [("建设OPC实体社区什么时候完成？", "建设OPC实体社区", "到2028年底"),
                    ("市级OPC社区要在什么时候建成？", "建设OPC实体社区", "到2028年底"),
                    ("开放公共数据资源有完成时限吗？", "开放公共数据资源", None),
                    ("加强知识产权保护的截止时间是什么时候？", "加强知识产权保护", None),
                    ("支持数据产品研发的时限是怎样的？", "支持数据产品研发", None)]:
    add(q, "deadline", {"deadline": d, "clause": PATHS[TITLE[title]]}, {"title": title})
# --- unknown (units the plan never names)
for q, u in [("市商务局参与了哪些措施？", "市商务局"), ("市税务局和市科技局共同负责哪些工作？", "市税务局"),
             ("市住建局牵头几项工作？", "市住建局")]:
    add(q, "unknown", {"unknown": u})
# --- scoped
for q, ch, u in [("科技局在优化人才科技支撑中参与哪些工作？", "优化人才科技支撑", KJ),
                 ("完善金融综合服务里人社局负责哪些措施？", "完善金融综合服务", RS)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], SEC[ch])), {"chapter": ch, "terms": [(u, "any", False)]})

P.write("tests/data/kgqa/ningbo_questions.jsonl")
