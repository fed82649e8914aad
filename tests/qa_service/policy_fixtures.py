"""Hand-built records for the policy QA unit tests: nine measures of the shipped plan, as read from
the plan by a person, plus a tiny deterministic encoder (character bigrams hashed into 256 dims)."""

from __future__ import annotations

import hashlib

import numpy as np

from graph.records import ChapterRecord, MeasureRecord, PlanRecord, SectionRecord, SourceSpan, TargetRecord

PLAN_ID = "huaiyin-test"
FILE = "huaiyin_plan.txt"
LOCAL = ["各镇", "各街道"]


def _measure(path, title, text, lead, co, section, chapter, start, zones=(), targets=()):
    chapter_no = {"二、": "2", "三、": "3", "四、": "4"}[path[0]]
    section_no = "一二三四五".index(path[1][1]) + 1
    return MeasureRecord(
        id=f"{PLAN_ID}/{chapter_no}/{section_no}/{path[2].rstrip('.')}", plan=PLAN_ID, path=list(path),
        title=title, text=f"{title}。{text}", chapter_title=chapter, section_title=section,
        lead_units=list(lead), co_units=list(co), local_units=list(LOCAL), zones=list(zones),
        targets=list(targets), source=SourceSpan(FILE, start, start + 200))


def mini_plan() -> PlanRecord:
    c2, c3, c4 = "科学普及重点工程", "素质提升重点行动", "组织实施"
    measures = [
        _measure(("二、", "（二）", "1."), "加大科普创作支持力度",
                 "支持开展科普创作，组织开展优秀科普作品评选、科普摄影大赛。繁荣科幻创作，举办青少年科普科幻作文大赛。",
                 ["区科技局", "区委宣传部"], ["区文广旅局", "区教体局", "区融媒体中心", "团区委", "区科协"],
                 "科普信息化提升工程", c2, 100),
        _measure(("二、", "（二）", "2."), "提升全媒体科学传播能力",
                 "推动“淮阴科协”微信公众号等优质资源的落地运用，引导传统科普媒体与新兴媒体加大科普宣传力度。",
                 [], ["区融媒体中心", "区文广旅局", "区卫健委", "区科协"], "科普信息化提升工程", c2, 400),
        _measure(("二、", "（三）", "3."), "强化科普教育基地建设",
                 "修订完善科普教育基地认定管理办法，鼓励行业部门建立专业科普教育、研学基地。"
                 "到2025年底，新评定市级以上科普教育基地15家以上。",
                 ["区委宣传部"], ["区科技局", "区文广旅局", "区教体局", "区水利局", "区科协"],
                 "科普基础设施建设工程", c2, 700, zones=["高新区", "农科园"],
                 targets=[TargetRecord("新评定市级以上科普教育基地15家以上", "市级以上科普教育基地", 15.0, "15",
                                       "家", "以上", "到2025年底")]),
        _measure(("二、", "（四）", "1."), "建立应急科普宣教协同机制",
                 "建立完善应急科普部门协同机制，有效开展防灾减灾、应急避险等主题科普宣教活动。",
                 ["区应急管理局", "区委宣传部"], ["区科技局", "区卫健委", "区科协"], "基层科普能力提升工程", c2, 1000),
        _measure(("三、", "（二）", "1."), "实施高素质农民培育工程",
                 "开展农民职业技能培训，每年培育高素质农民3000名以上，其中现代农业经营主体带头人600名。",
                 [], ["区农业农村局", "区市管局", "区商务局", "区妇联", "区科协"], "农民科学素质提升行动", c3, 1300,
                 targets=[TargetRecord("每年培育高素质农民3000名以上", "高素质农民", 3000.0, "3000", "名", "以上",
                                       period="每年"),
                          TargetRecord("其中现代农业经营主体带头人600名", "现代农业经营主体带头人", 600.0, "600",
                                       "名", parent=0)]),
        _measure(("三、", "（四）", "1."), "实施智慧助老行动",
                 "依托老年大学、社区科普学校，普及智能手机使用知识和技能，组织参加老年人智能手机运用大赛。",
                 [], ["区科技局", "区民政局", "区科协"], "老年人科学素质提升行动", c3, 1600),
        _measure(("三、", "（四）", "2."), "加强老年人健康科普服务",
                 "开展针对老年人的医疗健康、反网络谣言、反诈骗等专题科普活动。",
                 [], ["区卫健委", "区民政局", "区科协", "区融媒体中心", "区教体局"], "老年人科学素质提升行动", c3, 1900),
        _measure(("三、", "（五）", "2."), "创新学习渠道载体",
                 "运用好“学习强国”“干部在线学习”等平台，鼓励引导领导干部和公务员积极参与科普活动。",
                 ["区委组织部"], ["区科技局", "区科协"], "领导干部和公务员科学素质提升行动", c3, 2200),
        _measure(("四、", "（二）", "3."), "保障经费投入",
                 "区各有关部门统筹考虑和落实科普经费，将科普经费列入同级财政预算。",
                 [], ["区财政局"], "条件保障", c4, 2500),
    ]
    sections = []
    for m in measures:
        if not any(s.label == m.path[1] and s.chapter_label == m.path[0] for s in sections):
            sections.append(SectionRecord(f"{PLAN_ID}/{m.path[0]}{m.path[1]}", m.path[1], m.section_title, m.path[0]))
    return PlanRecord(
        id=PLAN_ID, title="淮阴区全民科学素质行动规划实施方案", region="淮阴区", period="2021—2025",
        status="征求意见稿", basis=["国发〔2021〕9号", "淮政复〔2022〕54号"],
        basis_titles=["《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》",
                      "《淮安市人民政府关于同意印发淮安市全民科学素质行动规划实施方案（2022—2025年）的批复》"],
        goals=[TargetRecord("全区公民具备科学素质比例超过17.5%", "全区公民具备科学素质比例", 17.5, "17.5", "%",
                            "超过", "2025年")],
        goal_text="2025年，全区公民具备科学素质比例超过17.5%。",
        chapters=[ChapterRecord(f"{PLAN_ID}/2", "二、", c2), ChapterRecord(f"{PLAN_ID}/3", "三、", c3),
                  ChapterRecord(f"{PLAN_ID}/4", "四、", c4)],
        sections=sections, measures=measures, source_file=FILE, unit_aliases={"区委宣传部": ["区文明办"]})


class BigramEncoder:
    """Deterministic stand-in for the sentence encoder: hashed character bigrams, L2-normalised."""

    dim = 256
    model_dir = "bigram-test-encoder"

    def __init__(self):
        self.queries = 0

    def _vec(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for a, b in zip(text, text[1:], strict=False):
            vec[int(hashlib.md5((a + b).encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def encode_query(self, text: str) -> np.ndarray:
        self.queries += 1
        return self._vec(text)

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
