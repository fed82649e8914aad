"""Graph questions on the 郑州 OPC 创业社区 推广方案 (郑政办〔2026〕30号), written by an outsider.
Written on 2026-12-03 as a held-out set by someone who had not read the parser, and scored once
before any change to it: 65.8% (50/76, at cfe0051, after the 太仓 fixes). Its failures were then read
and fixed, so it is a development set now ("split": "dev").
Regenerate: `.venv/bin/python tests/data/kgqa/make_zhengzhou_questions.py`.
Gold ONLY from tests/data/plans/real/zhengzhou_2026_opc_shequ.gold.json (checked by hand against the
plan text: all 16 notes match) plus section names / targets / deadlines read from the plan text.
kepu's path scheme (learnt from one trivial question): 二、（四）16. -- chapter, section, continuous item number.

Role semantics used for gold (README rule 5): the plan has no stated convention; items 9 and 11 have a
first comma group (市委人才办 / 市委智慧办) that leads; in the other 14 items lead = co = [] in gold.json,
so "参与" = in `units`, "参与但不牵头" = in `units` and not in `lead`, "牵头" = in `lead`.
Local governments (各开发区管委会, 各区县（市）政府, named in all 16 notes) are not in `units`; only
one count question asks about them (gold 16, from `local`)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

SEC = ["（一）"] * 3 + ["（二）"] * 3 + ["（三）"] * 5 + ["（四）"] * 5
PATHS = [f"二、{s}{i + 1}." for i, s in enumerate(SEC)]
P = PlanGold("zhengzhou", "tests/data/plans/real/zhengzhou_2026_opc_shequ.gold.json", PATHS, co_is_units_without_lead=True)
G, rows = P.items, P.rows
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == len(PATHS) == 16
SECTIONS = {"优化空间布局": [0, 1, 2], "创新推广模式": [3, 4, 5], "精准要素赋能": [6, 7, 8, 9, 10],
            "提质生态营造": [11, 12, 13, 14, 15]}
TITLE = {m["title"]: i for i, m in enumerate(G)}

K, GX, FG, CZ, RS, GZ, RC, TW, SJG, WL, ZH, SP, SQ = (
    "市科技局", "市工信局", "市发展改革委", "市财政局", "市人社局", "市政府国资委", "市委人才办", "团市委",
    "市市场监管局", "市文化广电旅游局", "市委智慧办", "市行政审批政务信息管理局", "市审计局")

# --- and
for q, t in [
    ("市科技局和市工信局都参与的措施有哪些？", [(K, "any", False), (GX, "any", False)]),
    ("发改委跟财政局一块儿负责哪几项？", [(FG, "any", False), (CZ, "any", False)]),
    ("人社局和团市委共同参与的工作是哪些？", [(RS, "any", False), (TW, "any", False)]),
    ("文旅局和科技局都有份的任务有哪些？", [(WL, "any", False), (K, "any", False)]),
    ("市场监管局和审批局同时参与了哪些措施？", [(SJG, "any", False), (SP, "any", False)]),
    ("人社局与智慧办都参与的措施有哪些？", [(RS, "any", False), (ZH, "any", False)]),
    ("市委人才办牵头、市人社局参与的工作有哪些？", [(RC, "lead", False), (RS, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- not
for q, t in [
    ("市财政局参与但不牵头的措施有哪些？", [(CZ, "co", False)]),
    ("人社局只是配合、不牵头的事情有哪些？", [(RS, "co", False)]),
    ("市工信局参与了、市发展改革委却没参与的措施有哪些？", [(GX, "any", False), (FG, "any", True)]),
    ("科技局参加了但财政局没参加的工作有哪些？", [(K, "any", False), (CZ, "any", True)]),
    ("市场监管局配合但不牵头的工作是哪些？", [(SJG, "co", False)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("市委人才办或市委智慧办牵头的措施有哪些？", [(RC, "lead", False), (ZH, "lead", False)]),
                 ("人社局或者国资委参与的工作有哪些？", [(RS, "any", False), (GZ, "any", False)]),
                 ("审计局或审批局参与了哪些事项？", [(SQ, "any", False), (SP, "any", False)])]:
    idx = [i for i in range(len(G)) if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- except: set difference, and one measure's units less one
t = [(K, "any", False), (GX, "any", True)]
add("除了工信局也参与的，市科技局还参与了哪些工作？", "except", clauses(sel(t)), {"terms": t})
t = [(CZ, "any", False), (K, "any", True)]
add("市财政局参与的措施里，去掉科技局也参与的，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("除了市人社局，还有谁负责完善人才保障体系？", "完善人才保障体系", RS),
                     ("降低算力运营成本除了发改委还有哪些单位？", "降低算力运营成本", FG),
                     ("推行包容审慎监管除了审计局，还有哪些部门参与？", "推行包容审慎监管", SQ),
                     ("整合数据服务支持除了智慧办还有谁管？", "整合数据服务支持", ZH)]:
    i = TITLE[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("市科技局参与了多少项措施？", K, "any"), ("科技局牵头几项工作？", K, "lead"),
                 ("工信局到底管了几件事？", GX, "any"), ("市发改委一共参与几项？", FG, "any"),
                 ("财政局参与了几项工作？", CZ, "any"), ("人才办牵头的有几项？", RC, "lead"),
                 ("市文化广电旅游局总共参与多少项措施？", WL, "any"), ("人设局参与了几项？", RS, "any"),
                 ("各区县（市）政府要参与多少项工作？", "各区县（市）政府", "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("推广举措一共有多少项具体措施？", "count", {"count": 16}, {"chapter": "推广举措"})
add("第二部分有几条措施？", "count", {"count": 16}, {"chapter": "推广举措"})
add("精准要素赋能有几项措施？", "count", {"count": 5}, {"section": "精准要素赋能"})
add("优化空间布局包括几条？", "count", {"count": 3}, {"section": "优化空间布局"})
# --- max / min
add("哪个单位牵头的措施最多？", "max", winners("lead"), {"role": "lead", "section": None})
add("参与工作最多的市直部门是哪个？", "max", winners("any"), {"role": "any", "section": None})
add("精准要素赋能里哪个部门参与得最多？", "max", winners("any", SECTIONS["精准要素赋能"]),
    {"role": "any", "section": "精准要素赋能"})
add("提质生态营造中参与最多的是哪个单位？", "max", winners("any", SECTIONS["提质生态营造"]),
    {"role": "any", "section": "提质生态营造"})
add("参与措施最少的是哪些部门？", "min", winners("any", low=True), {"role": "any", "section": None})
add("在有牵头任务的单位中，谁牵头的最少？", "min", winners("lead", low=True), {"role": "lead", "section": None})
# --- compare
for q, a, b, r in [("市科技局和市工信局谁参与的措施多？", K, GX, "any"),
                    ("财政局跟发改委比，哪个负责的工作多？", CZ, FG, "any"),
                    ("人社局和市场监管局哪个参与的多？", RS, SJG, "any"),
                    ("人才办和智慧办谁牵头的多？", RC, ZH, "lead")]:
    add(q, "compare", {"counts": {a: count(a, r), b: count(b, r)}}, {"role": r})
# --- yesno
for q, u, title, r in [("市财政局参与培育知名品牌赛事吗？", CZ, "培育知名品牌赛事", "any"),
                       ("团市委参与完善人才保障体系吗？", TW, "完善人才保障体系", "any"),
                       ("完善人才保障体系是人才办牵头的吗？", RC, "完善人才保障体系", "lead"),
                       ("科技局牵头降低算力运营成本吗？", K, "降低算力运营成本", "lead"),
                       ("市文化广电旅游局是不是健全场景驱动机制的责任单位？", WL, "健全场景驱动机制", "any"),
                       ("加大舆论宣传力度有财政局参与吗？", CZ, "加大舆论宣传力度", "any"),
                       ("市工信局参与完善创业服务体系吗？", GX, "完善创业服务体系", "any"),
                       ("国资委参不参与强化初创政策扶持？", GZ, "强化初创政策扶持", "any")]:
    i = TITLE[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of a part / of one measure
add("精准要素赋能有哪些单位参与？", "units", {"units": union(SECTIONS["精准要素赋能"]), "excluded": []},
    {"clause": None, "section": "精准要素赋能"})
add("提质生态营造涉及哪些部门？", "units", {"units": union(SECTIONS["提质生态营造"]), "excluded": []},
    {"clause": None, "section": "提质生态营造"})
add("推广举措里都有哪些单位？", "units", {"units": union(range(len(G))), "excluded": []},
    {"clause": None, "chapter": "推广举措"})
add("谁负责健全场景驱动机制？", "units", {"units": G[TITLE["健全场景驱动机制"]]["units"], "excluded": []},
    {"clause": PATHS[TITLE["健全场景驱动机制"]], "title": "健全场景驱动机制"})
add("打造线上开放创业社区归哪些部门管？", "units", {"units": G[TITLE["打造线上开放创业社区"]]["units"], "excluded": []},
    {"clause": PATHS[TITLE["打造线上开放创业社区"]], "title": "打造线上开放创业社区"})
# --- per-measure leads of a section (clause keys are unique in this plan)
for q, sec in [("精准要素赋能中各项措施分别由谁牵头？", "精准要素赋能"),
               ("优化空间布局里每项措施的牵头单位是谁？", "优化空间布局"),
               ("提质生态营造逐项由谁牵头？", "提质生态营造")]:
    add(q, "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in SECTIONS[sec]}}, {"section": sec})
# --- no lead
nl = [i for i in range(len(G)) if not G[i]["lead"]]
add("哪些措施没有明确牵头单位？", "no_lead", clauses(nl), {"no_lead": True})
add("有没有哪项工作没写清楚谁牵头？", "no_lead", clauses(nl), {"no_lead": True})
# --- targets (read from the text: no dated targets at all; two per-year amounts in item 8; one
# quantity in item 2). The 每年 ones are caps (不超过), counted here as the plan's per-year quantities.
add("到2027年要完成哪些目标？", "targets", {"n": 0, "texts": []}, {"deadline": "2027", "period": None, "group": None})
add("2026年底前要实现哪些量化指标？", "targets", {"n": 0, "texts": []}, {"deadline": "2026", "period": None, "group": None})
add("每年有哪些量化指标？", "targets", {"n": 2, "texts": ["每年发放不超过5000万元算力券",
    "同一企业每年申领和兑付算力券金额不超过100万元"]}, {"deadline": None, "period": "每年", "group": None})
add("针对OPC创业社区的量化目标有哪些？", "targets", {"n": 1, "texts": ["重点打造1—2个差异化、特色化OPC创业社区"]},
    {"deadline": None, "period": None, "group": "OPC创业社区"})
# --- deadline (the plan names no year or date for any item; item 8 has 每年)
for q, title, d in [("打造环高校OPC创业带什么时候完成？", "打造环高校OPC创业带", None),
                    ("线上开放创业社区要什么时候建成？", "打造线上开放创业社区", None),
                    ("完善创业服务体系有完成时限吗？", "完善创业服务体系", None),
                    ("降低算力运营成本的时限是怎样的？", "降低算力运营成本", "每年"),
                    ("建立智库支撑体系的截止时间是什么时候？", "建立智库支撑体系", None)]:
    add(q, "deadline", {"deadline": d, "clause": PATHS[TITLE[title]]}, {"title": title})
# --- unknown (units the plan never names)
for q, u in [("市教育局参与了哪些措施？", "市教育局"), ("市数据局和市科技局共同负责哪些工作？", "市数据局"),
             ("市税务局参与但不牵头的措施有哪些？", "市税务局")]:
    add(q, "unknown", {"unknown": u})
# --- scoped
for q, sec, u in [("科技局在创新推广模式中参与哪些工作？", "创新推广模式", K),
                  ("提质生态营造里发该委负责哪些措施？", "提质生态营造", FG)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], SECTIONS[sec])), {"section": sec, "terms": [(u, "any", False)]})

P.write("tests/data/kgqa/zhengzhou_questions.jsonl")
