"""Graph questions on the 广东省 plan (广东省支持人工智能OPC创新发展行动方案（2026—2028年）, 粤发改高技〔2026〕78号,
a provincial plan), written by an outsider who had not read kepu's question parser, as a held-out set
("split": "heldout"), and scored once before any change: 30.9% (21/68, on a frozen copy of the working
tree after the 苍南 / 上城 fixes, 2026-12-04; no gold row was changed after scoring). Its failures were then
read and fixed on the question side only (70.6 %, 48/68): 财政厅 written after 省工业和信息化厅 is the
province's 省财政厅, 工信厅 / 人社厅 / 住建厅, sections named without their verb (人才政策那一块), 省-level
unknown units. The parse of this plan is held out (tests/data/plans/heldout): the two notes kepu reads as
empty (items 8 and 18, 广州、深圳（、东莞）市政府) were left as they are, and the 20 rows still missed are
mostly theirs. A development set for the question side now ("split": "dev").
Regenerate: `.venv/bin/python tests/data/kgqa/make_guangdong_questions.py`.
Gold ONLY from tests/data/plans/heldout/guangdong_2026_opc.gold.json plus item titles / targets / deadlines
read from the plan text. kepu's path scheme (from ingest's parse_plan_file, paths joined): "二、（一）1." …
"二、（六）18." -- chapter 二、重点任务 holds six sections （一）–（六） and the 18 numbered items; every labelled
item maps, by title, to one parsed measure (18 of 18, in order; none missed or mangled).

Conventions
- One unit, two spellings. A provincial note writes the 省 once for a run of departments
  (`省工业和信息化厅、财政厅、政务和数据局`), and the labels copy the names character for character, so
  the same department is labelled `科技厅` in one item and `省科技厅` in another. The plan names only one
  科技厅 (the 广东省 one), so each bare name is read as the 省 department: 财政厅, 政务和数据局,
  工业和信息化厅, 交通运输厅, 文化和旅游厅, 卫生健康委, 市场监管局, 科技厅, 教育厅, 人力资源社会保障厅,
  商务厅, 公安厅, 医保局 are merged with 省X for every count, set and ranking. Where the scorer looks for a
  name in the answer text, the gold uses the bare name (a part of both spellings, so either one passes);
  units written only one way (省发展改革委, 省委组织部, 省司法厅, 广东金融监管局, …) are looked for as written.
  "除了X" questions exclude only units written one way (the excluded check needs one exact spelling).
- Roles. The notes are `（X牵头负责，Y配合）` (lead X, co Y) or `（X，…按职责分工负责）` with no lead (items 4 5 8:
  lead = [], their units are in `co`). "参与" = in `units`; "牵头" = in `lead`; "参与但不牵头" = in `units`
  and not in `lead` (for this plan the same as `co`). The word "配合" is not used in questions about units
  of items 4 5 8 (there they are 按职责分工负责, not 配合).
- Local governments (`local`): 各地级以上市人民政府 (items 1 2 3 4 5 9 11 13 14) and the named city
  governments 广州市政府 / 深圳市政府 (8, 18), 东莞市政府 (18). In item 14 the 各地级以上市人民政府 stands in the
  lead group; by the labelling rules it is in `local`, not `lead`, so no question asks who leads with or
  about local governments leading. Local governments are asked about with role "local" only (a count on
  各地级以上市人民政府, a yes/no on 东莞市政府). A measure's "units" gold lists department units only: item 8's note writes
  `广州、深圳市政府` (one name for two governments), so no question asks for item 8's units.
- Parts. Chapter 二、重点任务 holds all 18 items; its sections are named loosely in questions:
  （一）基础能力保障 (1–3), （二）空间载体 (4–5), （三）场景开放创新 (6–8), （四）融资 (9–10),
  （五）人才政策 (11–14), （六）服务保障体系 (15–18). "第N部分" is not used (二、 vs （N） is ambiguous).
- Items named by meaning: 算力券 (1), 开放广东 / 公共数据 (2), 模型开发 (3), 拎脑入驻 / OPC生态社区 (4),
  孵化器改造 (5), 场景池 (6), 琶洲算法大赛 (7), 创投基金 (9), 银行信贷 / 算力贷 (10), 人才认定和引进 (11),
  技能培训 (13), 人才公寓 (14), 知识产权服务 (16), 公证和调解 (17), 中试基地 (18).
- Targets. The only quantified targets are in 一、总体目标: 2026年 先行培育10个…生态社区 (and 一批年营业收入
  超千万的优质企业, whose count is not quantified, so no question asks about 2026: its n is ambiguous), and
  到2028年 建成百个…生态社区, 培育千家标杆…企业, 集聚万名…创新创业人才 (3). No item has a quantified target
  (一天办结 is a service standard), none says 每年, so "每年" gives 0 and a unit filter (市场监管局) gives 0.
  The one goal about people (集聚万名…人才) is asked as the target of 创新创业人才.
- Deadlines: no item states a completion date; 2026—2028年 is the plan's period, not a measure's deadline,
  so a measure's deadline is None ("未写明"). Wordings like "什么时候截止" are avoided.
- Unknown units are plausible 广东省 departments the notes never name (省农业农村厅, 省民政厅, 省国资委).
- Nicknames: 发改委 / 省发改委 / 广东省发展和改革委员会 (省发展改革委), 工信厅 / 广东省工业和信息化厅, 人社厅
  (人力资源社会保障厅), 政数局 (政务和数据局), 住建厅 (省住房城乡建设厅), 卫健委, 市场监管局, 组织部.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

SEC = [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6]  # section （N） of each item
CN = "一二三四五六"
PATHS = [f"二、（{CN[s - 1]}）{i + 1}." for i, s in enumerate(SEC)]
P = PlanGold("guangdong", "tests/data/plans/heldout/guangdong_2026_opc.gold.json", PATHS)
G = P.items
assert len(G) == 18

BARE = {"财政厅", "政务和数据局", "工业和信息化厅", "交通运输厅", "文化和旅游厅", "卫生健康委", "市场监管局", "科技厅",
        "教育厅", "人力资源社会保障厅", "商务厅", "公安厅", "医保局"}
ONE_WAY = {"省发展改革委", "横琴粤澳深度合作区执委会", "广东金融监管局", "广东证监局", "深圳金融监管局", "深圳证监局",
           "省委金融办", "中国人民银行广东省分行", "省委组织部", "省住房城乡建设厅", "省司法厅", "省税务局", "省法院",
           "省工商联"}
assert {u for m in G for u in m["units"]} - {"省" + b for b in BARE} == BARE | ONE_WAY
for m in G:
    for key in ("lead", "co", "units"):
        m[key] = ["省" + u if u in BARE else u for u in m[key]]
    assert m["co"] == [u for u in m["units"] if u not in m["lead"]]
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
T = {m["title"]: i for i, m in enumerate(G)}
ALL = range(18)
S = {n: [i for i in ALL if SEC[i] == n] for n in range(1, 7)}


def txt(units):
    """the names the scorer looks for in the answer text (see Conventions)"""
    return [u[1:] if u[1:] in BARE else u for u in units]


def win(role, within=None, low=False):
    w = winners(role, within, low)
    return {"units": txt(w["units"]), "n": w["n"]}


FG, GX, CZ, ZS, KJ, JY, RS, SC, SF, ZJ, YB, SW, WJ, GA, ZZ, GDJ, SZJ, SZZ, DS = (
    "省发展改革委", "省工业和信息化厅", "省财政厅", "省政务和数据局", "省科技厅", "省教育厅", "省人力资源社会保障厅",
    "省市场监管局", "省司法厅", "省住房城乡建设厅", "省医保局", "省商务厅", "省卫生健康委", "省公安厅", "省委组织部",
    "广东金融监管局", "深圳金融监管局", "深圳证监局", "各地级以上市人民政府")

# --- and
for q, t in [
    ("工信厅和财政厅都参与的是哪几条？", [(GX, "any", False), (CZ, "any", False)]),
    ("发改委跟科技厅一起参与了哪些措施", [(FG, "any", False), (KJ, "any", False)]),
    ("人社厅和教育厅共同负责哪些任务？", [(RS, "any", False), (JY, "any", False)]),
    ("广东金融监管局、深圳金融监管局两家都参与的工作有哪些？", [(GDJ, "any", False), (SZJ, "any", False)]),
    ("省发改委牵头、财政厅也参与的有哪些？", [(FG, "lead", False), (CZ, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("住建厅或者医保局参与的措施有哪些？", [(ZJ, "any", False), (YB, "any", False)]),
                 ("商务厅或卫健委涉及哪些工作", [(SW, "any", False), (WJ, "any", False)]),
                 ("司法厅或者市场监管局牵头的是哪些？", [(SF, "lead", False), (SC, "lead", False)])]:
    idx = [i for i in ALL if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- not
for q, t in [
    ("科技厅参与了但不牵头的措施有哪些？", [(KJ, "co", False)]),
    ("省人社厅有参与却不是牵头的是哪几项？", [(RS, "co", False)]),
    ("工信厅参与了但发改委没参与的有哪些？", [(GX, "any", False), (FG, "any", True)]),
    ("科技厅参加、工信厅没参加的工作有哪些", [(KJ, "any", False), (GX, "any", True)]),
    ("发改委牵头的措施里有没有工信厅不参与的？是哪些？", [(FG, "lead", False), (GX, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
assert not sel([(FG, "lead", False), (GX, "any", True)])
# --- except: set difference, and one measure's units less one (written one way)
t = [(FG, "any", False), (KJ, "any", True)]
add("发改委参与的那些里面，把科技厅也在的去掉，还剩哪些？", "except", clauses(sel(t)), {"terms": t})
t = [(RS, "any", False), (GX, "any", True)]
add("除了工信厅也参与的，人社厅还负责哪些措施？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("算力券那条除了发改委还有哪些部门参与？", "强化智能算力供给", FG),
                     ("银行信贷服务这条，除了广东金融监管局还有谁负责？", "优化全周期信贷服务", GDJ)]:
    i = T[title]
    add(q, "except", {"units": txt([u for u in G[i]["units"] if u != ex]), "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("发改委一共参与了几项措施？", FG, "any"), ("广东省工业和信息化厅参与多少条？", GX, "any"),
                 ("广东省发展和改革委员会牵头几项任务？", FG, "lead"), ("科技厅牵了几条头", KJ, "lead"),
                 ("人社厅总共参与几项工作？", RS, "any"), ("财政厅管着几件事？", CZ, "any"),
                 ("涉及各地级以上市人民政府的措施有几项？", DS, "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这个行动方案一共有多少项重点任务？", "count", {"count": 18}, {"chapter": None})
add("人才政策那一块有几条措施？", "count", {"count": len(S[5])}, {"section": "强化人才政策供给"})
# --- max / min (ties named)
add("哪个部门牵头的措施最多？", "max", win("lead"), {"role": "lead", "chapter": None})
add("参与任务最多的是哪个单位？", "max", win("any"), {"role": "any", "chapter": None})
add("基础能力保障这部分里谁参与得最多？", "max", win("any", S[1]), {"role": "any", "section": "加强基础能力保障"})
add("人才政策那几条里哪个部门出现得最多？", "max", win("any", S[5]), {"role": "any", "section": "强化人才政策供给"})
add("服务保障体系部分参与最多的单位是谁", "max", win("any", S[6]), {"role": "any", "section": "健全服务保障体系"})
add("哪些单位参与的措施最少？", "min", win("any", low=True), {"role": "any", "chapter": None})
assert win("any", S[1])["units"] == ["省发展改革委", "工业和信息化厅", "财政厅"]
for q, u, r in [("工信厅是不是参与最多的？", GX, "any")]:
    add(q, "max_yes", {"yes": u in winners(r)["units"], "unit": txt([u])[0], "n": count(u, r)}, {"role": r})
# --- compare
for q, a, b, r in [("科技厅和工信厅谁参与的多？", KJ, GX, "any"),
                    ("广东金融监管局与深圳金融监管局哪个参与得多？", GDJ, SZJ, "any"),
                    ("省发改委跟市场监管局比，谁牵头的更多？", FG, SC, "lead")]:
    add(q, "compare", {"counts": {txt([a])[0]: count(a, r), txt([b])[0]: count(b, r)}}, {"role": r})
# --- yesno
for q, u, title, r in [("财政厅参与算力券那条吗？", CZ, "强化智能算力供给", "any"),
                       ("开放广东平台那条是政数局牵头的吗？", ZS, "提升数据支撑能力", "lead"),
                       ("场景池建设是不是科技厅牵头？", KJ, "加快场景培育和开放", "lead"),
                       ("人才公寓那条是住建厅牵头的吗？", ZJ, "强化人才安居保障", "lead"),
                       ("知识产权服务那条有司法厅参与吗？", SF, "优化知识产权服务", "any"),
                       ("深圳证监局参不参与创投基金那条？", SZZ, "构建创业投资基金支持体系", "any"),
                       ("中试基地那条东莞市政府有份吗？", "东莞市政府", "打造公共服务平台", "local")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of one measure (named by title or by meaning) / of a part
for q, title in [("强化智能算力供给有哪些单位参与？", "强化智能算力供给"),
                 ("谁负责知识产权服务这块？", "优化知识产权服务"),
                 ("中试基地那条涉及哪些部门", "打造公共服务平台"),
                 ("人才认定和引进这条归哪些部门管？", "优化人才评价和引进政策")]:
    i = T[title]
    add(q, "units", {"units": txt(G[i]["units"]), "excluded": []}, {"clause": PATHS[i], "title": title})
add("融资渠道那一块涉及哪些单位？", "units", {"units": txt(union(S[4])), "excluded": []},
    {"clause": None, "section": "拓宽多元融资渠道"})
# --- per-measure leads
add("每项任务分别由谁牵头？", "leads", {"leads": {PATHS[i]: txt(G[i]["lead"]) for i in ALL}}, {"chapter": None})
add("人才政策那几条的牵头单位各是谁？", "leads", {"leads": {PATHS[i]: txt(G[i]["lead"]) for i in S[5]}},
    {"section": "强化人才政策供给"})
# --- no lead (items 4 5 8)
nl = [i for i in ALL if not G[i]["lead"]]
assert nl == [3, 4, 7]
add("哪几项措施没写牵头单位？", "no_lead", clauses(nl), {"no_lead": True})
# --- targets
TA, TB, TC = "百个人工智能OPC生态社区", "千家标杆人工智能OPC企业", "万名人工智能OPC创新创业人才"
add("到2028年要完成哪些目标？", "targets", {"n": 3, "texts": [TA, TB, TC]}, {"deadline": "2028", "period": None, "group": None})
add("每年要完成哪些量化指标？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": "每年", "group": None})
add("市场监管局负责的措施里有哪些量化目标？", "targets", {"n": 0, "texts": []}, {"deadline": None, "unit": SC})
add("针对创新创业人才的量化目标有哪些？", "targets", {"n": 1, "texts": [TC]}, {"deadline": None, "group": "创新创业人才"})
# --- deadline (none stated)
for q, title in [("算力券那条有完成时限吗？", "强化智能算力供给"),
                 ("打造公共服务平台有没有时间节点？", "打造公共服务平台"),
                 ("人才安居保障要求哪年完成？", "强化人才安居保障")]:
    add(q, "deadline", {"deadline": None, "clause": PATHS[T[title]]}, {"title": title})
# --- unknown
for q, u in [("省农业农村厅负责哪些措施？", "省农业农村厅"), ("省民政厅和发改委一起负责哪些工作？", "省民政厅"),
             ("省国资委牵头了几项？", "省国资委")]:
    add(q, "unknown", {"unknown": u})
# --- scoped (to a section)
for q, n, t in [("人才那一块里工信厅参与了哪些？", 5, [(GX, "any", False)]),
                ("基础能力保障里财政厅参与了哪几条？", 1, [(CZ, "any", False)]),
                ("场景开放创新这部分发改委牵头的有哪些", 3, [(FG, "lead", False)])]:
    add(q, "scoped", clauses(sel(t, S[n])), {"range": [PATHS[i] for i in S[n]], "terms": t})
# --- follow-ups
for turns, t in [
    (["科技厅参与了哪些措施？", "其中哪些财政厅也参与了？"], [(KJ, "any", False), (CZ, "any", False)]),
    (["发改委牵头哪些措施？", "那教育厅呢？"], [(JY, "lead", False)]),
    (["人社厅参与了哪些工作？", "这些里面哪些有教育厅？"], [(RS, "any", False), (JY, "any", False)]),
    (["哪些措施有广东金融监管局参与？", "那深圳证监局呢？"], [(SZZ, "any", False)]),
]:
    P.rows.append({"kind": "followup", "plan": "guangdong", "turns": [{"q": q} for q in turns],
                   "gold": {"clauses": [PATHS[i] for i in sel(t)]}, "spec": {"terms": t}})

for r in P.rows:
    r["split"] = "dev"
P.write("tests/data/kgqa/guangdong_questions.jsonl")
