"""Graph questions on the 湖北 plan (tests/data/plans/heldout/hubei_2026_opc.txt, 湖北省支持人工智能OPC发展
若干措施（试行）), written on 2026-12-04 by an outsider who had not read kepu's question parser nor the notes on
earlier question sets, as a held-out set ("split": "heldout"), to be scored once.
Regenerate: `.venv/bin/python tests/data/kgqa/make_hubei_questions.py` (from the repository root).

Gold ONLY from tests/data/plans/heldout/hubei_2026_opc.gold.json plus item titles, parts, numbers and
(absent) targets / deadlines read from the plan text. kepu's parse is used for one thing: the clause path of
each labelled item, matched to the label by title (all 12 titles match; paths "一、（一）" … "四、（十二）":
four parts 一、–四、 over twelve items numbered （一）–（十二） straight through the parts).

Conventions
- Roles. The plan states no lead convention, and every note has one group of department units (a second
  group, after "，", is only 各市州人民政府 / 有关市州人民政府), so by rule 5 of tests/data/plans/real/README.md
  no item has a lead: lead = [] in all 12 labels, co = units. Hence
  "参与" / "负责" / "责任单位" = in `units`; "牵头" = in `lead` (always false); "参与但不牵头" = in `units`.
  Lead questions are asked only where an empty answer is plainly right: one count (0), one yes/no (不),
  the per-item leads (all "未明确"), and the items without a lead (all 12). "谁牵头最多" and lead comparisons
  are skipped (no winner, 0 vs 0).
- Local governments: 各市州人民政府 (items 一 五 七 十二) and 有关市州人民政府 (八 十) are labelled apart
  (`local`); they are asked about by their exact names, never as "市州政府" (it could mean either or both).
  The named pilot places in item 八's text (武汉市洪山区、东湖新技术开发区) are not in any note: not asked.
- Parts are named loosely by their heading's key words ("要素赋能那部分", "资本支撑这块"), by number
  ("第一部分", "第三部分"), or as "金融那几条" only where the heading says 资本. Items are named by title,
  by meaning ("贷款那条" = （九）优化债权融资供给: 创业担保贷款; "算力那条" = （五）; "人才那条" = （三）;
  "股权投资那条" = （八）; "开办企业那条" = （二）), or by number ("第九条", "第（五）项").
- Unit names: bare (科技厅), 省-prefixed (省科技厅), full (湖北省科学技术厅, 省人力资源和社会保障厅,
  国家金融监督管理总局湖北监管局, 中国人民银行湖北省分行, 国家税务总局湖北省税务局), and nicknames
  (人行湖北分行, 省发展改革委). Gold is written with the labels' own names.
- Targets: the text states no dated target, no yearly target and no "不少于/达到/建成N个" commitment.
  Subsidy and loan caps (最高500万元, 最高10万元算力券…), terms (最长3年), rates (30%, 50%贴息, 8%) and the
  "210" service standard are not targets (as in tests/data/plans/heldout/README.md). Whether the budget
  "省级首期安排2000万元" in item 五 is a target is ambiguous, so questions on all targets, and on the targets of
  units of item 五 (科技厅 经信厅 数据局) or of 各市州, are skipped. Asked: by deadline (到2027年), by period
  (每年), by group (大学生, who only get a cap in item 三), by unit (省发改委: items 七 十二 hold no figure) -- all 0.
- Deadlines: no item states a completion date; the notice's date 2026年5月11日 is no deadline, and the plan
  (试行) gives no validity period. Items whose text holds a duration or time limit (二 1日内办结, 三 最长3年,
  五 当年, 九 最长3年/最长2年) are not asked about; the others' deadline is None ("未写明").
- Unknown units are plausible 湖北 departments absent from every note (省商务厅, 省卫健委, 省文旅厅); none
  is a likely nickname of a named unit.
- max / min count units in `units` (local governments left out); ties are named in full.
Scored once at 32d02ec: 88.4 % (61/69). Its failures were then read and fixed (95.7 %, 66/69): parts named
by their heading words after a verb and a Latin word (资本支撑 of 强化OPC多元资本支撑); a development set now
("split": "dev").
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from plan_gold import PlanGold  # noqa: E402

from ingest.plan_parser import parse_plan_file  # noqa: E402

TXT = "tests/data/plans/heldout/hubei_2026_opc.txt"
GOLD = "tests/data/plans/heldout/hubei_2026_opc.gold.json"
_measures = parse_plan_file(TXT).measures
_by_title = {m.title: "".join(m.path) for m in _measures}
import json  # noqa: E402

_labels = json.loads(Path(GOLD).read_text(encoding="utf-8"))
PATHS = [_by_title[m["title"]] for m in _labels]  # KeyError here = kepu's parse lost or renamed an item
assert PATHS == ["一、（一）", "一、（二）", "一、（三）", "一、（四）", "二、（五）", "二、（六）", "二、（七）",
                 "三、（八）", "三、（九）", "三、（十）", "四、（十一）", "四、（十二）"], PATHS

P = PlanGold("hubei", GOLD, PATHS, co_is_units_without_lead=True)
G = P.items
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == 12 and all(not m["lead"] for m in G)
T = {m["title"]: i for i, m in enumerate(G)}
PART1, PART2, PART3, PART4 = range(0, 4), range(4, 7), range(7, 10), range(10, 12)
ALL = range(12)

KJ, CZ, SC, SW, ZZ, JY, RS, SF, ZC, JX, SJ, FG, JR, RH, JG = (
    "省科技厅", "省财政厅", "省市场监管局", "省税务局", "省委组织部", "省教育厅", "省人社厅", "省司法厅",
    "省知识产权局", "省经信厅", "省数据局", "省发改委", "省地方金融管理局", "人行湖北省分行", "湖北金融监管局")
GS, YG = "各市州人民政府", "有关市州人民政府"
for u in (KJ, CZ, SC, SW, ZZ, JY, RS, SF, ZC, JX, SJ, FG, JR, RH, JG):
    assert any(u in m["units"] for m in G), u

# hand-counted from the notes, checked against the labels
assert [count(u) for u in (KJ, CZ, JX, SJ, SC, FG, JR, RH, JG, SW, ZZ, JY, RS, SF, ZC)] == \
    [6, 5, 5, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
assert count(GS, "local") == 4 and count(YG, "local") == 2

# --- and
for q, t in [
    ("科技厅和财政厅都参与的措施有哪些？", [(KJ, "any", False), (CZ, "any", False)]),
    ("省科技厅跟省经信厅一起负责的是哪几条？", [(KJ, "any", False), (JX, "any", False)]),
    ("省发展改革委和省数据局同时参与了哪些工作？", [(FG, "any", False), (SJ, "any", False)]),
    ("中国人民银行湖北省分行与国家金融监督管理总局湖北监管局共同参与的措施是哪些？",
     [(RH, "any", False), (JG, "any", False)]),
    ("科技厅、经信厅、数据局三家都参与的是哪条？", [(KJ, "any", False), (JX, "any", False), (SJ, "any", False)]),
    ("省科技厅参与、同时要各市州人民政府落实的措施有哪些？", [(KJ, "any", False), (GS, "local", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("司法厅或者税务局参与的措施有哪些？", [(SF, "any", False), (SW, "any", False)]),
                 ("省教育厅或省发改委涉及哪些措施？", [(JY, "any", False), (FG, "any", False)]),
                 ("知识产权局或数据局负责哪些工作？", [(ZC, "any", False), (SJ, "any", False)])]:
    idx = [i for i in ALL if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- not (incl. 参与但不牵头 = all of a unit's items here)
for q, t in [
    ("省财政厅参与了但不牵头的措施有哪些？", [(CZ, "co", False)]),
    ("数据局参与、但不是牵头单位的有哪几项？", [(SJ, "co", False)]),
    ("经信厅参与了但科技厅没参与的措施有哪些？", [(JX, "any", False), (KJ, "any", True)]),
    ("科技厅有份而财政厅没份的是哪些措施？", [(KJ, "any", False), (CZ, "any", True)]),
    ("市场监管局参与的措施里，哪些没有知识产权局？", [(SC, "any", False), (ZC, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- except: set difference, and one item's units less one
t = [(CZ, "any", False), (KJ, "any", True)]
add("财政厅参与的措施里，把科技厅也参与的去掉，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
t = [(SJ, "any", False), (GS, "local", True)]
add("除了要各市州人民政府落实的以外，数据局还参与了哪些措施？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("贷款那条除了财政厅还有哪些单位参与？", "优化债权融资供给", CZ),
                     ("强化OPC人才引育这条，除了省教育厅还有哪些部门？", "强化OPC人才引育", JY)]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("省科技厅一共参与了几项措施？", KJ, "any"),
                 ("湖北省财政厅参与多少条？", CZ, "any"),
                 ("省数据局总共负责几项工作？", SJ, "any"),
                 ("人行湖北分行参与了多少项措施？", RH, "any"),
                 ("科技厅牵头的有几项？", KJ, "lead"),
                 ("各市州人民政府要落实几项措施？", GS, "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这份若干措施一共有几条？", "count", {"count": 12}, {"chapter": None})
add("第一部分有几项措施？", "count", {"count": 4}, {"chapter": "一、"})
add("资本支撑这块一共几条措施？", "count", {"count": 3}, {"chapter": "三、"})
# --- max / min (ties named)
add("参与措施最多的是哪个部门？", "max", winners("any"), {"role": "any", "chapter": None})
add("第一部分里哪个单位参与得最多？", "max", winners("any", PART1), {"role": "any", "chapter": "一、"})
add("要素赋能那部分谁参与的最多？", "max", winners("any", PART2), {"role": "any", "chapter": "二、"})
add("成果转化应用那几条里哪个部门参与最多？", "max", winners("any", PART4), {"role": "any", "chapter": "四、"})
add("哪些单位参与的措施最少？", "min", winners("any", low=True), {"role": "any", "chapter": None})
add("第三部分里参与最少的是哪些单位？", "min", winners("any", PART3, low=True), {"role": "any", "chapter": "三、"})
assert winners("any") == {"units": [KJ], "n": 6}
assert sorted(winners("any", PART1)["units"]) == sorted([KJ, CZ, SC]) and winners("any", PART1)["n"] == 2
assert len(winners("any", low=True)["units"]) == 6 and len(winners("any", PART3, low=True)["units"]) == 5
add("科技厅是参与最多的单位吗？", "max_yes", {"yes": True, "unit": KJ, "n": count(KJ)}, {"role": "any"})
add("财政厅是不是参与措施最多的？", "max_yes", {"yes": False, "unit": CZ, "n": count(CZ)}, {"role": "any"})
# --- compare
for q, a, b in [("经信厅跟财政厅比，哪个参与的措施多？", JX, CZ),
                ("省数据局与省发改委哪个参与得多？", SJ, FG),
                ("省市场监督管理局和省知识产权局谁负责的措施更多？", SC, ZC)]:
    add(q, "compare", {"counts": {a: count(a), b: count(b)}}, {"role": "any"})
# --- yesno
for q, u, title, r in [("省财政厅参与加强股权投资支持吗？", CZ, "加强股权投资支持", "any"),
                       ("数据局负责深化数据要素流通吗？", SJ, "深化数据要素流通", "any"),
                       ("算力那条是科技厅牵头的吗？", KJ, "强化算力供给支持", "lead"),
                       ("税务局参与健全服务体系吗？", SW, "健全服务体系", "any"),
                       ("省人力资源和社会保障厅是强化OPC人才引育的责任单位吗？", RS, "强化OPC人才引育", "any"),
                       ("第九条需要各市州人民政府落实吗？", GS, "优化债权融资供给", "local")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of one item / of a part
for q, title in [("企业开办、市场准入那条归谁负责？", "优化市场准入服务"),
                 ("第（十）项强化配套金融支持有哪些责任单位？", "强化配套金融支持"),
                 ("支持OPC参与产业创新发展归哪些部门管？", "支持OPC参与产业创新发展")]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
add("强化OPC多元资本支撑这部分涉及哪些单位？", "units", {"units": union(PART3), "excluded": []},
    {"clause": None, "chapter": "三、"})
add("第二部分要素保障都有哪些部门参与？", "units", {"units": union(PART2), "excluded": []},
    {"clause": None, "chapter": "二、"})
# --- per-item leads of a part (none stated: every line "未明确")
add("各项措施分别由谁牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in ALL}}, {"chapter": None})
add("第三部分每条措施的牵头单位是谁？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in PART3}},
    {"chapter": "三、"})
# --- no lead
add("哪几项措施没有明确牵头部门？", "no_lead", clauses(list(ALL)), {"no_lead": True})
# --- targets (none: see the docstring)
add("到2027年底要完成哪些指标？", "targets", {"n": 0, "texts": []}, {"deadline": "2027", "period": None, "group": None})
add("每年要完成哪些量化任务？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": "每年", "group": None})
add("面向大学生有哪些量化目标？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": None, "group": "大学生"})
add("省发改委有哪些量化任务要完成？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": None, "unit": FG})
# --- deadline (none stated)
for q, title in [("打造OPC生态社区有完成时限吗？", "打造OPC生态社区"),
                 ("深化数据要素流通什么时候要完成？", "深化数据要素流通"),
                 ("股权投资那条的截止日期是哪天？", "加强股权投资支持"),
                 ("第十二条要求哪年完成？", "支持OPC参与产业创新发展")]:
    add(q, "deadline", {"deadline": None, "clause": PATHS[T[title]]}, {"title": title})
# --- unknown (units the plan never names)
for q, u in [("省商务厅负责哪些措施？", "省商务厅"), ("省卫健委和科技厅一起负责哪些工作？", "省卫健委"),
             ("省文旅厅参与了几项？", "省文旅厅")]:
    add(q, "unknown", {"unknown": u})
# --- scoped (to a part)
for q, rng, u in [("第一部分里科技厅参与了哪些？", PART1, KJ),
                  ("要素赋能保障这部分数据局负责哪几条？", PART2, SJ)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], rng)),
        {"range": [PATHS[i] for i in rng], "terms": [(u, "any", False)]})
# --- follow-ups (the last turn's answer is scored)
for turns, t in [
    (["科技厅参与了哪些措施？", "其中哪些财政厅也参与了？"], [(KJ, "any", False), (CZ, "any", False)]),
    (["数据局负责哪些工作？", "那发改委呢？"], [(FG, "any", False)]),
    (["经信厅参与了哪些？", "这些里面哪些没有科技厅？"], [(JX, "any", False), (KJ, "any", True)]),
    (["市场监管局参与了哪些措施？", "知识产权局呢？"], [(ZC, "any", False)]),
]:
    P.rows.append({"kind": "followup", "plan": "hubei", "turns": [{"q": q} for q in turns],
                   "gold": clauses(sel(t)), "spec": {"terms": t}, "split": "dev"})

for r in P.rows:
    r["split"] = "dev"
P.write("tests/data/kgqa/hubei_questions.jsonl")
