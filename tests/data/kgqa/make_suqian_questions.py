"""Graph questions on the 宿迁 plan (宿迁市加快推进OPC创新发展十条政策措施, 宿政办规〔2026〕1号), written by an
outsider who had not read kepu's question parser, as a held-out set ("split": "heldout"), to be scored once.
Regenerate: `.venv/bin/python tests/data/kgqa/make_suqian_questions.py` (from the repository root).

Gold ONLY from tests/data/plans/heldout/suqian_2026_opc.gold.json plus item names / targets / deadlines read
from the plan text, never from kepu's output. Clauses are named by kepu's measure paths: each labelled item is
mapped by its title to the measure of kepu's parse whose title it is (asserted below); the plan has ten
items "1." … "10." and no chapters or sections, so the paths are "1." … "10.".

Conventions
- Roles. Every note is `（责任单位：A、B、C）` with a single group of department units (item 1 adds a local
  group after `，`). The plan states no lead convention, so by the labelling rules (rule 5) no item has a
  lead: lead = [] everywhere, co = units. Hence "参与/负责/有份/责任单位" = in `units`; "牵头" = in `lead` (never);
  "参与但不牵头" = in `units` and not in `lead` (= in `units`). A "牵头" question therefore has the answer "no
  lead stated" (未明确 / 0 / 不是). Being listed first (市数据局 is first in items 1, 2, 4, 6) is not read as
  leading. "哪个部门牵头最多" has no winner and is not asked.
- Local governments. Only item 1's note names 各县区人民政府 and 市各功能区管委会 (`local`). The same note says
  `以下均涉及各县区、功能区，不再重复列出`; the labels do not carry this to items 2–10 (rule 3), while a reader of
  the text could. So local questions are asked about item 1 only (a yes/no and its units), never counts or
  items 2–10. 宿城区/宿豫区/沭阳县… are parts of 各县区 and are not asked as unknown; the unknown local
  governments are 各乡镇人民政府 and 各街道办事处, named nowhere.
- Unknown units: plausible 宿迁 bureaus absent from the notes (市商务局, 市人社局, 市发改委, 市教育局).
  市开发区管委会 is avoided (the notice's addressees list 市各开发区、新区、园区管委会, a possible nickname
  for 市各功能区管委会).
- Counts per unit (labels): 市数据局 10 (all), 市市场监管局 2 (9, 10), every other unit 1
  (市工业和信息化局 3, 市委网信办 3, 市政府办 5, 市人行 5, 市产发集团 5, 市财政局 5, 市委人才办 7, 市科技局 8).
  max/min name every unit tied. "只有市数据局一家责任单位" = notes listing 市数据局 alone: items 2, 4, 6
  (item 1's note also names the local governments).
- Parts: the plan has no chapters; parts are ranges "前五条/后五条/最后两条" (1–5, 6–10, 9–10) or
  one item named by number, by title, or loosely by meaning (金融那条 = 5, 人才那条 = 7, 算力券 = 2,
  科创飞地 = 8, 一站式服务 = 9, 政企沟通 = 10, 工具栈 = 4, 标杆社区 = 6, 数据券 = 1).
- Targets: the only quantitative commitment is item 6's 全市建成20个以上、总面积不低于10万平方米 标杆OPC社区,
  with no date and no period. Whether it is one target or two (count, area) is ambiguous, so no question asks
  for all targets or for 市数据局's (item 6's unit). Subsidy caps and rates (最高…万元, 不超过…%, 每年最高…) are
  not targets. Target questions asked: by deadline 2027 (0), per year (0), for a group (高校毕业生/大学生: 0),
  for a unit other than 市数据局 (市委人才办: 0).
- Deadlines: no item states a completion date. The plan's validity (自2026年3月8日起实施…有效期截至2028年12月31日)
  is not a measure deadline, so a measure's deadline is None ("未写明"). Questions ask for a completion time
  (完成时限 / 什么时候完成), never for expiry. Items with durations (2: 首年免费; 4: 分年度) are not asked.
- Follow-ups ("turns"): the second turn refines or replaces the first; gold is the last turn's answer.
Scored once at 32d02ec: 91.3 % (63/69; 62/69 by hand). Its failures were then read and fixed (97.1 %, 67/69):
有X、没有Y, 6到10条 without 第, 各是哪个, local governments no note names (各乡镇人民政府) reported as not
found; a development set now ("split": "dev").
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
from plan_gold import PlanGold  # noqa: E402

PLAN_FILE = ROOT / "tests/data/plans/heldout/suqian_2026_opc.txt"
GOLD_FILE = ROOT / "tests/data/plans/heldout/suqian_2026_opc.gold.json"


def measure_paths() -> list[str]:
    """kepu's path of each labelled item, matched by title."""
    from ingest.plan_parser import parse_plan_file

    measures = parse_plan_file(PLAN_FILE).measures
    out = []
    for item in json.loads(GOLD_FILE.read_text(encoding="utf-8")):
        hits = [m for m in measures if m.title.rstrip("。") == item["title"]]
        assert len(hits) == 1, item["title"]
        out.append("".join(hits[0].path))
    return out


PATHS = measure_paths()
assert [f"{n}." for n in range(1, 11)] == PATHS, PATHS
P = PlanGold("suqian", str(GOLD_FILE), PATHS)
G = P.items
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
assert len(G) == 10 and all(not m["lead"] for m in G)
T = {m["title"]: i for i, m in enumerate(G)}
ALL = range(10)
FIRST5, LAST5, LAST2 = range(0, 5), range(5, 10), range(8, 10)

SJ, GX, WX, ZB, RH, CF, CZ, RC, KJ, SC = (
    "市数据局", "市工业和信息化局", "市委网信办", "市政府办", "市人行", "市产发集团", "市财政局", "市委人才办",
    "市科技局", "市市场监管局")
XQ, GNQ = "各县区人民政府", "市各功能区管委会"
assert set(union(ALL)) == {SJ, GX, WX, ZB, RH, CF, CZ, RC, KJ, SC}
assert G[0]["local"] == [XQ, GNQ] and not any(m["local"] for m in G[1:])

# --- and
for q, t in [
    ("数据局和市场监管局都参与的是哪几条？", [(SJ, "any", False), (SC, "any", False)]),
    ("工信局跟网信办一起负责哪些措施？", [(GX, "any", False), (WX, "any", False)]),
    ("市人行和市财政局同时有份的政策有哪些", [(RH, "any", False), (CZ, "any", False)]),
    ("人才办和科技局共同参与的措施有吗？有哪些？", [(RC, "any", False), (KJ, "any", False)]),
    ("市科学技术局与宿迁市数据局都是责任单位的是哪些条款？", [(KJ, "any", False), (SJ, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("人才办或者科技局参与的措施有哪些？", [(RC, "any", False), (KJ, "any", False)]),
                 ("工信局或市场监管局负责的有哪几条", [(GX, "any", False), (SC, "any", False)]),
                 ("市政府办公室或者市委网信办涉及哪些措施？", [(ZB, "any", False), (WX, "any", False)]),
                 ("产发集团或人才办参与了哪些条？", [(CF, "any", False), (RC, "any", False)])]:
    idx = [i for i in ALL if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- not (incl. 参与但不牵头)
for q, t in [
    ("市场监管局参与了但不牵头的措施有哪些？", [(SC, "co", False)]),
    ("市人行参与、但不是牵头的有哪几项", [(RH, "co", False)]),
    ("数据局参与了但市场监管局没参与的是哪些措施？", [(SJ, "any", False), (SC, "any", True)]),
    ("有数据局、没有科技局的措施是哪几条？", [(SJ, "any", False), (KJ, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- except: set difference, and one measure's units less one
t = [(SJ, "any", False), (RC, "any", True)]
add("数据局参与的措施里，去掉人才办也参与的那条，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("金融那条除了财政局还有哪些单位负责？", "加强金融资本支持", CZ),
                     ("激励企业创新成长除了工信局，还有谁参与？", "激励企业创新成长", GX)]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("数据局一共参与了几项措施？", SJ, "any"), ("市市场监督管理局参与多少条？", SC, "any"),
                 ("产发集团负责几项？", CF, "any"), ("市数据局牵头的有几项？", SJ, "lead")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这十条政策措施总共有几条？", "count", {"count": 10}, {"chapter": None})
only_sj = [i for i in ALL if G[i]["units"] == [SJ] and not G[i]["local"]]
assert only_sj == [1, 3, 5]
add("责任单位只写了市数据局一家的有几条？", "count", {"count": len(only_sj)}, {"only": SJ})
# --- max / min (ties named)
add("哪个部门参与的措施最多？", "max", winners("any"), {"role": "any", "range": None})
add("后五条里谁参与得最多？", "max", winners("any", LAST5), {"role": "any", "range": "6–10"})
add("最后两条措施里哪个单位参与最多？", "max", winners("any", LAST2), {"role": "any", "range": "9–10"})
add("哪些单位参与的措施最少？", "min", winners("any", low=True), {"role": "any", "range": None})
add("前五条里参与最少的是哪些部门", "min", winners("any", FIRST5, low=True), {"role": "any", "range": "1–5"})
add("6到10条里负责最少的单位是谁？", "min", winners("any", LAST5, low=True), {"role": "any", "range": "6–10"})
assert set(winners("any", LAST2)["units"]) == {SJ, SC} and winners("any", LAST2)["n"] == 2
# --- max_yes
add("数据局是不是参与最多的单位？", "max_yes", {"yes": True, "unit": SJ, "n": count(SJ)}, {"role": "any"})
add("市场监管局是参与措施最多的吗？", "max_yes", {"yes": False, "unit": SC, "n": count(SC)}, {"role": "any"})
# --- compare
for q, a, b, r in [("数据局和市场监管局谁参与的多？", SJ, SC, "any"),
                   ("市场监管局跟科技局比，哪个负责的措施多？", SC, KJ, "any"),
                   ("人才办与网信办哪个参与得多？", RC, WX, "any")]:
    add(q, "compare", {"counts": {a: count(a, r), b: count(b, r)}}, {"role": r})
# --- units of one measure / of a range
for q, title in [("加强金融资本支持有哪些单位参与？", "加强金融资本支持"),
                 ("第3条涉及哪些部门？", "激励企业创新成长"),
                 ("谁负责一站式创业服务？", "提供一站式创业服务"),
                 ("人才培育这块归哪些部门管", "加大人才培育力度")]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
i = T["强化数据要素供给"]
add("强化数据要素供给的责任单位都有谁？", "units", {"units": G[i]["units"] + G[i]["local"], "excluded": []},
    {"clause": PATHS[i], "title": "强化数据要素供给", "local": True})
add("后五条措施涉及哪些单位？", "units", {"units": union(LAST5), "excluded": []}, {"clause": None, "range": "6–10"})
# --- per-measure leads of a part, and measures without a lead
add("各项措施分别由谁牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in ALL}}, {"range": None})
add("后五条的牵头单位各是哪个？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in LAST5}}, {"range": "6–10"})
add("哪几条没写牵头部门？", "no_lead", clauses([i for i in ALL if not G[i]["lead"]]), {"no_lead": True})
# --- scoped (to a range)
for q, rng, u in [("前五条里数据局参与了哪些？", FIRST5, SJ), ("后五条中市场监管局负责哪几条？", LAST5, SC)]:
    add(q, "scoped", clauses(sel([(u, "any", False)], rng)), {"range": [PATHS[i] for i in rng], "terms": [(u, "any", False)]})
# --- yes/no
for q, u, title, r in [("市人行参与加强金融资本支持吗？", RH, "加强金融资本支持", "any"),
                       ("算力券那条财政局有份吗？", CZ, "降低初创首创成本", "any"),
                       ("市委网络安全和信息化委员会办公室是激励企业创新成长的责任单位吗？", WX, "激励企业创新成长", "any"),
                       ("科创飞地那条人才办参与吗", RC, "打造创新创业生态", "any"),
                       ("第九条有市场监管局吗？", SC, "提供一站式创业服务", "any"),
                       ("畅通政企对接渠道是市数据局牵头的吗？", SJ, "畅通政企对接渠道", "lead"),
                       ("强化数据要素供给需要各县区政府落实吗？", XQ, "强化数据要素供给", "local")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- a measure's deadline (none stated)
for q, title in [("强化数据要素供给有完成时限吗？", "强化数据要素供给"),
                 ("标杆OPC社区那条要求什么时候建成？", "完善创业空间配套"),
                 ("一站式创业服务要在哪年之前完成？", "提供一站式创业服务"),
                 ("第10条的完成期限是什么时候", "畅通政企对接渠道")]:
    add(q, "deadline", {"deadline": None, "clause": PATHS[T[title]]}, {"title": title})
# --- targets (see the docstring: only item 6 holds one, undated)
add("到2027年底要完成哪些指标？", "targets", {"n": 0, "texts": []}, {"deadline": "2027", "period": None})
add("每年要完成哪些量化指标？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": "每年"})
add("针对高校毕业生有哪些量化目标？", "targets", {"n": 0, "texts": []}, {"group": "高校毕业生"})
add("市委人才办有哪些量化任务要完成？", "targets", {"n": 0, "texts": []}, {"unit": RC})
# --- unknown units
for q, u in [("市商务局负责哪些措施？", "市商务局"), ("市人社局和数据局一起负责哪些工作？", "市人社局"),
             ("市发改委参与了几条？", "市发改委"), ("各乡镇人民政府要落实哪些措施？", "各乡镇人民政府"),
             ("各街道办事处参与了哪几条？", "各街道办事处")]:
    add(q, "unknown", {"unknown": u})
# --- follow-ups
for turns, gold, spec in [
    (["市数据局参与了哪些措施？", "其中市场监管局也参与的是哪些？"], clauses(sel([(SJ, "any", False), (SC, "any", False)])),
     {"terms": [(SJ, "any", False), (SC, "any", False)]}),
    (["市委人才办负责哪几条？", "那市科技局呢？"], clauses(sel([(KJ, "any", False)])), {"terms": [(KJ, "any", False)]}),
    (["工信局参与了几项？", "网信办呢？"], {"count": count(WX)}, {"terms": [(WX, "any", False)]}),
    (["前五条里有哪些是数据局参与的？", "这里面哪些有市财政局？"],
     clauses(sel([(SJ, "any", False), (CZ, "any", False)], FIRST5)), {"range": "1–5", "terms": [(SJ, "any", False), (CZ, "any", False)]}),
    (["市场监管局参与了多少条？", "市数据局呢？"], {"count": count(SJ)}, {"terms": [(SJ, "any", False)]}),
]:
    P.rows.append({"kind": "followup", "plan": "suqian", "turns": [{"q": t} for t in turns], "gold": gold,
                   "spec": spec, "split": "dev"})

for r in P.rows:
    r["split"] = "dev"
P.write(str(ROOT / "tests/data/kgqa/suqian_questions.jsonl"))
