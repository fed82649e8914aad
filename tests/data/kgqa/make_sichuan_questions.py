"""Graph questions on the 四川省 plan (四川省支持人工智能OPC创新发展行动方案（2026—2027年）, a provincial plan
issued by 科学技术厅 / 人力资源和社会保障厅 / 经济和信息化厅), written by an outsider who had not read kepu's
question parser, as a held-out set ("split": "heldout"), and scored once before any change: 64.7 % (44/68,
on a frozen copy of fe95b26); no gold row was changed after scoring.
Three of the 44 pass by luck (人才 in the question read as 省人才集团, whose items happen to give the gold).
Its failures were then read and fixed (95.6 %, 65/68): 经信厅, 人行 forms of 人民银行四川省分行, a
short form that is a word of the plan's titles (人才 of 省人才集团) dropped, sections named as 场景赋能那部分,
the 5000P target; a development set now ("split": "dev").
Regenerate: `.venv/bin/python tests/data/kgqa/make_sichuan_questions.py`.

Gold ONLY from tests/data/plans/heldout/sichuan_2026_opc.gold.json plus item titles / targets / deadlines
read from the plan text. Clause names are kepu's measure paths ("".join(path) of
ingest.plan_parser.parse_plan_file's measures): "二、（一）1." … "二、（五）16." -- chapter 二、重点任务 holds
five sections （一）–（五） and the 16 numbered items; each of the 16 labelled items maps by title to one
parsed measure, in order (16 of 16; none missed or mangled).

Conventions
- Unit names. Every unit is written one way throughout the notes: bare 科技厅, 经济和信息化厅,
  人力资源社会保障厅, 文化和旅游厅, 商务厅, 教育厅 (the 四川省 departments; the plan names no other), and
  省国资委, 省发展改革委, 省委组织部, 省市场监管局, 省委金融办, 省人才集团, 四川数据集团, 人行四川省分行,
  四川金融监管局 as written. The gold copies the labels; where the scorer looks for a name in the answer,
  the label's spelling is looked for (a bare name is a part of its 省-prefixed form, so either passes).
  "除了X" questions exclude only units written with their 省/四川 prefix (the excluded check needs one spelling).
- Roles. Every note is `（责任单位：A、B、C）`, one group, no stated convention, so (README rule 5) no item has a
  lead: lead = [] everywhere and the labels put every unit in `co`. "参与/负责/管/有份/涉及" = in `units`;
  "牵头" = in `lead` (always empty: a lead count is 0, per-measure leads are 未明确, every item is in
  没写牵头单位); "参与但不牵头" = in `co` = every item the unit takes part in. No max/min/compare question is
  asked about leads (nobody leads). A yes/no on 牵头 is asked once, on a six-unit item whose first unit is
  科技厅 (gold 不). No 牵头 question is asked of item 14 (its sole unit 省市场监管局: whether a sole unit
  "leads" is arguable).
- Local governments: item 1's note names 成都市 among the departments; the labels put it in `local`
  (a named city government in a provincial plan, heldout README). It is asked about with role "local" only
  (a clause list and a yes/no). 成都、绵阳 named in item 4's text (not its note) do not count. A measure's
  "units" gold lists department units only.
- Parts. Sections named loosely: （一）链式培育 / 产业集聚 (1–3), （二）场景赋能 / 场景应用 (4–6),
  （三）算数强基 / 算力数据 (7–9), （四）人才汇聚 / 人才 (10–12), （五）生态育优 / 创新创业生态 (13–16).
  "第N部分" is not used (二、 vs （N） is ambiguous). The 16 items are "重点任务" / "措施".
- Items named by meaning: 诸葛空间 / 标杆社区 (1), 拎脑入驻 / 孵化器改造 (2), 省级孵化器序列 (3),
  双向揭榜挂帅 / 场景开放 (4), 创新大赛 (5), 跨境电商 / 出海 (6), 算力券 / 词元券 (7), 数据集 (8),
  大模型训练场 / 智能体超市 (9), 天府青城 / 天府峨眉 人才计划 (10), 省人工智能学院 / 产教融合 (11),
  职称评审 / 人才评价 (12), 一网通办 (13), 知识产权 (14), 川易贷 / 人才贷 (15), 中试平台 (16).
- Targets. Quantified targets: 一、总体目标 到2027年底 建成人工智能OPC生态社区30个以上, 应用标杆案例150个以上,
  培育人工智能OPC企业超过1000家 (3; 居全国第一方阵 is not quantified), and item 7 到2027年调度算力规模超5000P
  (1). So "到2027年" gives 4, the whole plan 4, "每年" 0 (none says 每年), a unit filter by
  省发展改革委 (one of item 7's units) gives 1 (the 5000P; the 总体目标 names no unit), by 省委组织部 0
  (items 10 12 hold no number). 省市场监管局 is not asked (is item 13's 一日办结 a target? arguable). No target names a people group, so "面向高校毕业生" gives 0; OPC企业 as a group is
  skipped (ambiguous which targets are "for" enterprises).
- Deadlines: item 7's only date is 到2027年 (its 5000P), read as that measure's deadline. No other item
  states a date; 2026—2027年 is the plan's period and 一日办结 (13) a service standard, so their deadline is
  None ("未写明"). Items 13 and 7's other sub-tasks are not asked about beyond that.
- Unknown units are plausible 四川省 departments the notes never name (省财政厅 -- 组织保障 speaks of 财政
  but names no unit --, 省农业农村厅, 省卫生健康委). 省数据局 (vs 四川数据集团) and 链长办 (an issuer, not in
  any note) are avoided.
- Nicknames: 经信厅 / 省经信厅 / 四川省经济和信息化厅 (经济和信息化厅), 省科技厅 / 四川省科学技术厅 (科技厅),
  人社厅 / 四川省人力资源和社会保障厅 (人力资源社会保障厅), 发改委 / 省发改委 / 四川省发展和改革委员会
  (省发展改革委), 文旅厅, 国资委, 组织部, 人才集团, 数据集团, 金融办, 人民银行四川省分行, 市场监管局.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_gold import PlanGold  # noqa: E402

SEC = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5]  # section （N） of each item
CN = "一二三四五"
PATHS = [f"二、（{CN[s - 1]}）{i + 1}." for i, s in enumerate(SEC)]
P = PlanGold("sichuan", "tests/data/plans/heldout/sichuan_2026_opc.gold.json", PATHS)
G = P.items
assert len(G) == 16
for m in G:
    assert m["lead"] == [] and m["co"] == m["units"]
has, sel, clauses, count, add, winners, union = P.has, P.sel, P.clauses, P.count, P.add, P.winners, P.union
T = {m["title"]: i for i, m in enumerate(G)}
ALL = range(16)
S = {n: [i for i in ALL if SEC[i] == n] for n in range(1, 6)}

KJ, JX, RS, WL, SW, JY, GZ, FG, SJ, ZZ, RC, SC, JR, RH, JG, CD = (
    "科技厅", "经济和信息化厅", "人力资源社会保障厅", "文化和旅游厅", "商务厅", "教育厅", "省国资委", "省发展改革委",
    "四川数据集团", "省委组织部", "省人才集团", "省市场监管局", "省委金融办", "人行四川省分行", "四川金融监管局", "成都市")
assert {u for m in G for u in m["units"]} == {KJ, JX, RS, WL, SW, JY, GZ, FG, SJ, ZZ, RC, SC, JR, RH, JG}

# --- and
for q, t in [
    ("经信厅和科技厅都参与的是哪几条？", [(JX, "any", False), (KJ, "any", False)]),
    ("人社厅跟教育厅一起负责哪些任务", [(RS, "any", False), (JY, "any", False)]),
    ("省委组织部和省人才集团共同参与了哪些措施？", [(ZZ, "any", False), (RC, "any", False)]),
    ("省发改委、省科技厅两家都有份的工作有哪些？", [(FG, "any", False), (KJ, "any", False)]),
    ("科技厅、教育厅和经信厅三家都参与的有哪些？", [(KJ, "any", False), (JY, "any", False), (JX, "any", False)]),
]:
    add(q, "and", clauses(sel(t)), {"terms": t})
# --- or
for q, terms in [("文旅厅或者商务厅参与的措施有哪些？", [(WL, "any", False), (SW, "any", False)]),
                 ("国资委或数据集团涉及哪些工作", [(GZ, "any", False), (SJ, "any", False)]),
                 ("省委金融办或省市场监管局负责的有哪几项？", [(JR, "any", False), (SC, "any", False)])]:
    idx = [i for i in ALL if any(has(i, u, r) for u, r, _ in terms)]
    add(q, "or", clauses(idx), {"op": "or", "terms": terms})
# --- not
for q, t in [
    ("四川省科学技术厅参与了但不牵头的措施有哪些？", [(KJ, "co", False)]),
    ("经信厅参与了但科技厅没参与的是哪些？", [(JX, "any", False), (KJ, "any", True)]),
    ("科技厅参加、经信厅没参加的工作有哪些", [(KJ, "any", False), (JX, "any", True)]),
    ("教育厅有份而人社厅没份的是哪几条？", [(JY, "any", False), (RS, "any", True)]),
]:
    add(q, "not", clauses(sel(t)), {"terms": t})
# --- except: set difference (one empty), and one measure's units less one (prefixed units only)
t = [(FG, "any", False), (JX, "any", True)]
assert not sel(t)
add("发改委参与的那些里面，把经信厅也在的去掉，还剩几项？", "except", clauses(sel(t)), {"terms": t})
t = [(RS, "any", False), (KJ, "any", True)]
add("除了科技厅也参与的，人社厅还负责哪些措施？", "except", clauses(sel(t)), {"terms": t})
for q, title, ex in [("算力券那条除了省发展改革委还有哪些单位参与？", "构建普惠算力供给体系", FG),
                     ("人才评价机制改革这条，除了省委组织部还有谁负责？", "深化人才评价机制改革", ZZ)]:
    i = T[title]
    add(q, "except", {"units": [u for u in G[i]["units"] if u != ex], "excluded": [ex]},
        {"clause": PATHS[i], "title": title})
# --- count
for q, u, r in [("省科技厅一共参与了几项措施？", KJ, "any"), ("四川省经济和信息化厅参与多少条？", JX, "any"),
                 ("人社厅总共涉及几项工作？", RS, "any"), ("发改委管着几件事？", FG, "any"),
                 ("科技厅牵头的有几项？", KJ, "lead"),
                 ("成都市要落实几条措施？", CD, "local")]:
    add(q, "count", {"count": count(u, r)}, {"terms": [(u, r, False)]})
add("这个行动方案一共有多少项重点任务？", "count", {"count": 16}, {"chapter": None})
add("人才汇聚行动下面有几条措施？", "count", {"count": len(S[4])}, {"section": "实施\"人才汇聚\"行动，强化智力支撑保障"})
# --- max / min (ties named)
add("参与措施最多的是哪个部门？", "max", winners("any"), {"role": "any", "chapter": None})
add("场景赋能那部分谁参与得最多？", "max", winners("any", S[2]), {"role": "any", "section": 2})
add("人才那一块哪个单位出现得最多？", "max", winners("any", S[4]), {"role": "any", "section": 4})
add("生态育优这几条里参与最多的单位是谁", "max", winners("any", S[5]), {"role": "any", "section": 5})
add("哪些单位参与的措施最少？", "min", winners("any", low=True), {"role": "any", "chapter": None})
assert set(winners("any", S[4])["units"]) == {RS, RC} and set(winners("any", S[5])["units"]) == {KJ, SC}
assert winners("any", S[2])["units"] == [JX]
for q, u in [("经信厅是不是参与最多的？", JX), ("科技厅是参与任务最多的单位吗？", KJ)]:
    add(q, "max_yes", {"yes": u in winners("any")["units"], "unit": u, "n": count(u, "any")}, {"role": "any"})
# --- compare
for q, a, b in [("科技厅和经信厅谁参与的多？", KJ, JX), ("人社厅跟教育厅比，哪个参与的措施多？", RS, JY),
                 ("省委组织部与省人才集团哪个参与得多？", ZZ, RC)]:
    add(q, "compare", {"counts": {a: count(a, "any"), b: count(b, "any")}}, {"role": "any"})
# --- yesno
for q, u, title, r in [("经信厅参与跨境电商那条吗？", JX, "拓展跨境场景应用渠道", "any"),
                       ("教育厅参不参与算力券那条？", JY, "构建普惠算力供给体系", "any"),
                       ("川易贷那条有人民银行四川省分行参与吗？", RH, "加强金融产品供给", "any"),
                       ("天府青城人才计划那条省委组织部参与吗？", ZZ, "畅通高端人才引育渠道", "any"),
                       ("数据集团是大模型训练场那条的责任单位吗？", SJ, "发展模型（智能体）即服务模式", "any"),
                       ("诸葛空间标杆社区那条是科技厅牵头的吗？", KJ, "加快建设OPC标杆社区", "lead"),
                       ("标杆社区建设成都市有份吗？", CD, "加快建设OPC标杆社区", "local")]:
    i = T[title]
    add(q, "yesno", {"yes": has(i, u, r), "clause": PATHS[i]}, {"unit": u, "role": r, "title": title})
# --- units of one measure (named by title or by meaning) / of a part
for q, title in [("构建普惠算力供给体系有哪些单位参与？", "构建普惠算力供给体系"),
                 ("谁负责知识产权保护这块？", "强化知识产权保护"),
                 ("产教融合那条归哪些部门管？", "构建产教融合培养体系"),
                 ("诸葛空间那条涉及哪些部门", "加快建设OPC标杆社区")]:
    i = T[title]
    add(q, "units", {"units": G[i]["units"], "excluded": []}, {"clause": PATHS[i], "title": title})
add("场景赋能那一块涉及哪些单位？", "units", {"units": union(S[2]), "excluded": []}, {"clause": None, "section": 2})
# --- per-measure leads
add("每项任务分别由谁牵头？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in ALL}}, {"chapter": None})
add("算数强基那几条的牵头单位各是谁？", "leads", {"leads": {PATHS[i]: G[i]["lead"] for i in S[3]}}, {"section": 3})
# --- no lead (all 16)
add("哪几项措施没写牵头单位？", "no_lead", clauses(list(ALL)), {"no_lead": True})
# --- targets
TA, TB, TC, TD = "人工智能OPC生态社区30个以上", "应用标杆案例150个以上", "人工智能OPC企业超过1000家", "调度算力规模超5000P"
add("到2027年要完成哪些目标？", "targets", {"n": 4, "texts": [TA, TB, TC, TD]}, {"deadline": "2027", "period": None, "group": None})
add("这个方案里一共有哪些量化指标？", "targets", {"n": 4, "texts": [TA, TB, TC, TD]}, {"deadline": None, "period": None, "group": None})
add("每年要完成哪些量化指标？", "targets", {"n": 0, "texts": []}, {"deadline": None, "period": "每年", "group": None})
add("发改委负责的措施里有哪些量化目标？", "targets", {"n": 1, "texts": [TD]}, {"deadline": None, "unit": FG})
add("省委组织部有哪些量化任务？", "targets", {"n": 0, "texts": []}, {"deadline": None, "unit": ZZ})
add("面向高校毕业生的量化目标有哪些？", "targets", {"n": 0, "texts": []}, {"deadline": None, "group": "高校毕业生"})
# --- deadline
for q, title, d in [("普惠算力供给体系这条有时间节点吗？", "构建普惠算力供给体系", "到2027年"),
                    ("持续壮大OPC社区群体有完成时限吗？", "持续壮大OPC社区群体", None),
                    ("大模型训练场那条要求哪年完成？", "发展模型（智能体）即服务模式", None)]:
    add(q, "deadline", {"deadline": d, "clause": PATHS[T[title]]}, {"title": title})
# --- unknown
for q, u in [("省财政厅负责哪些措施？", "省财政厅"), ("省农业农村厅和科技厅一起参与了哪些工作？", "省农业农村厅"),
             ("省卫生健康委参与了几项？", "省卫生健康委")]:
    add(q, "unknown", {"unknown": u})
# --- scoped (to a section)
for q, n, t in [("人才那一块里科技厅参与了哪些？", 4, [(KJ, "any", False)]),
                ("链式培育行动里教育厅参与了哪几条？", 1, [(JY, "any", False)]),
                ("算数强基这部分发改委负责哪些", 3, [(FG, "any", False)])]:
    add(q, "scoped", clauses(sel(t, S[n])), {"range": [PATHS[i] for i in S[n]], "terms": t})
# --- follow-ups
for turns, t in [
    (["科技厅参与了哪些措施？", "其中哪些教育厅也参与了？"], [(KJ, "any", False), (JY, "any", False)]),
    (["省委组织部参与了哪些工作？", "那人才集团呢？"], [(RC, "any", False)]),
    (["人社厅负责哪些措施？", "这些里面哪些有省市场监管局？"], [(RS, "any", False), (SC, "any", False)]),
    (["商务厅参与了哪几条？", "那文旅厅呢？"], [(WL, "any", False)]),
]:
    P.rows.append({"kind": "followup", "plan": "sichuan", "turns": [{"q": q} for q in turns],
                   "gold": {"clauses": [PATHS[i] for i in sel(t)]}, "spec": {"terms": t}})

for r in P.rows:
    r["split"] = "dev"
P.write("tests/data/kgqa/sichuan_questions.jsonl")
