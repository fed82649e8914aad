"""The graph's own words a question can name: plans (region, title), chapters, sections and target
groups, read from the loaded plans (never a list written for one plan)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.records import PlanRecord
from ingest.numerals import chinese_number, chinese_numeral
from qa_service.chat.question import normalize
from qa_service.policy.query import cues

# Endings people drop when naming a part: 科普基础设施建设工程 -> 科普基础设施建设.
_PART_ENDINGS = ("重点工程", "重点行动", "提升行动", "工程", "行动", "体系")
_GROUP_SPLIT = re.compile(r"[和及与、]")
# Words a part's title ends or starts with that people leave out when they name it.
_MODIFIER_END = re.compile(r"(建设|提升|发展|推进|科学素质|素质|重点|能力|工作|供给|体系|机制创新|创新|保障)$")
_MODIFIER_START = re.compile(
    r"^(科学素质|科普|加强|完善|推动|拓宽|强化|健全|提升|推进|优化|加快|打造|构建|深化|建立|培育|促进|扩大|夯实"
    r"|营造|壮大|激发|做强|做优|全面|大力|积极|实施|开放|开展|聚焦|落实|推行|深入|持续)([A-Za-z]+)?(多元|多样|全面)?(?=.{2,})"
)
# After a short form, a word saying a part is meant: 科普基础设施那块, 青少年那部分, 开放合作工程里.
_PART_WORD = re.compile(
    r"\s*((那|这)(一)?(部分|块|几条|几项|板块|方面|些|个)|部分|板块|方面|领域|工程|行动|相关的?(措施|工作))"
)
_PART_NEXT = re.compile(
    r"\s*(工程|行动|方面|部分|板块|领域|这|那|中|里|内|有|共|一共|总共|包括|涉及|的措施|的工作|的任务"
    r"|逐项|各项|每项|各条|每条|各个|每个|分别|都|$|[?,，。])"
)
_GROUP_BEFORE = re.compile(r"(面向|针对|对|关于|涉及|服务|为)$")
_GROUP_AFTER = re.compile(
    r"(方面|群体|人群|相关|这一?块|科学素质提升行动|行动|工作中|的措施|的目标|的指标|的任务|的工作"
    # the group as the subject of a target question: "青少年每年有什么目标", "农民到2025年要达到多少"
    r"|每年|到20\d\d|有什么|有哪些|有几|要完成|要达到)"
)
# A part named by its number: 第三章, 第三部分, 第3章; a section 第二章第三节, 二、（三）.
_CHAPTER_WORDS = ("章", "部分", "大部分", "篇", "大项")
_LABEL_NUMBER = re.compile(r"[第、.．()（）\s章节部分]")
_REGION_TAIL = re.compile(r"^(.{2,6}?)(市|区|县|省)")
# A district's plan implements its city's: "《淮安市人民政府关于…》" among its bases names the city.
_BASIS_CITY = re.compile(r"^《?([^《》]{2,4}?)(市)(人民政府|委|全民|关于)")


@dataclass
class Part:
    plan: str
    kind: str  # chapter | section
    title: str
    forms: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)  # 第三章…: no words after it needed
    strict: set[str] = field(default_factory=set)  # short forms (青少年, 科普信息化): a part word after


@dataclass
class Hit:
    value: str
    start: int
    end: int
    plan: str | None = None
    numbered: bool = False  # named by its number (第三章), not its title


class Vocabulary:
    def __init__(self, plans: list[PlanRecord]):
        self.plans = plans
        self.parts: list[Part] = []
        self.groups: dict[str, str] = {}  # form -> group label as stored
        self.plan_names: dict[str, set[str]] = {}  # form -> plan ids
        self.parent_names: dict[str, set[str]] = {}  # the city of a district's plan -> plan ids
        self.article_plans: set[str] = set()  # plans of articles (第一条 …), each a chapter
        for plan in plans:
            articles = _articles(plan)
            if articles:
                self.article_plans.add(plan.id)
            for i, ch in enumerate(plan.chapters, 1):
                number = _number(ch.label) or i
                forms, strict = _forms(ch.title)
                numbered = _chapter_numbers(number, ("条",) if articles else ())
                self.parts.append(Part(plan.id, "chapter", ch.title, forms, numbered, strict))
            chapter_numbers = {ch.label: _number(ch.label) or i for i, ch in enumerate(plan.chapters, 1)}
            for sec in plan.sections:
                if any(m.section_title == sec.title for m in plan.measures):
                    numbered = _section_numbers(chapter_numbers.get(sec.chapter_label), _number(sec.label))
                    forms, strict = _forms(sec.title, sec.target_group)
                    self.parts.append(Part(plan.id, "section", sec.title, forms, numbered, strict))
                if sec.target_group:
                    self._add_group(sec.target_group)
            for m in plan.measures:
                if m.target_group:
                    self._add_group(m.target_group)
            for form in _plan_forms(plan):
                self.plan_names.setdefault(form, set()).add(plan.id)
            for form in _parent_forms(plan):
                self.parent_names.setdefault(form, set()).add(plan.id)
        self._chapters_with_measures = {(m.plan, m.chapter_title) for p in plans for m in p.measures}
        # 省 / 区 / 市 / 县: the administrative levels of the plans' regions (区 when none says), the level
        # an unknown unit's name must have to be reported (市气象局 for a city's plan)
        self.levels = {p.region[-1] for p in plans if p.region and p.region[-1] in "省区市县"} or {"区"}

    def _add_group(self, label: str) -> None:
        self.groups.setdefault(normalize(label), label)
        for piece in _GROUP_SPLIT.split(label):
            if len(piece) >= 2:
                self.groups.setdefault(normalize(piece), label)

    def find_part(self, text: str, plans: list[str] | None = None) -> tuple[Part, Hit] | None:
        """The longest chapter/section name in the question; a short form (科普基础设施建设) only
        where the words after it speak of a part, not of one measure (科技资源科普化机制). A part
        named by its number (第三章, 二、（三）) only when one plan is in `plans`: every plan has a
        第三章."""
        best = None
        one_plan = plans[0] if plans is not None and len(set(plans)) == 1 else None
        for part in self.parts:
            for form in part.forms:
                at = text.find(form)
                if at >= 0 and form != normalize(part.title) and not _PART_NEXT.match(text[at + len(form) :]):
                    continue
                if at >= 0 and form in part.strict and not (
                    _PART_WORD.match(text[at + len(form) :])
                    or (len(form) >= 4 and _PART_NEXT.match(text[at + len(form) :]))
                ):
                    continue
                if at >= 0 and (best is None or len(form) > best[1].end - best[1].start):
                    best = (part, Hit(part.title, at, at + len(form), part.plan))
            if part.plan != one_plan:
                continue
            for form in part.numbered:
                at = text.find(form)
                if at >= 0 and (best is None or len(form) > best[1].end - best[1].start):
                    best = (part, Hit(part.title, at, at + len(form), part.plan, numbered=True))
        return best

    def find_range(self, text: str, plans: list[str] | None = None) -> tuple[list[str], Hit] | None:
        """Measures named by their place in one plan: 前五条, 后三项, 第2到第4条 (ids, in order)."""
        if plans is None or len(set(plans)) != 1:
            return None
        plan = next((p for p in self.plans if p.id == plans[0]), None)
        if plan is None or not plan.measures:
            return None
        if plan.id in self.article_plans:
            # 前五条 / 第一到第五条 / 第三、四条 of a plan of articles (第一条 …): articles, each with
            # the measures it holds
            m = _RANGE.search(text) or _PAIR.search(text)
            picked = _places(m, len(plan.chapters)) if m is not None else None
            labels = {plan.chapters[i].label for i in picked or [] if 0 <= i < len(plan.chapters)}
            ids = [x.id for x in plan.measures if x.path and x.path[0] in labels]
        else:
            m = _RANGE.search(text)
            picked = _places(m, len(plan.measures)) if m is not None else None
            ids = [plan.measures[i].id for i in picked or []]
        return (ids, Hit(m.group(), m.start(), m.end())) if ids else None

    def find_nth(self, text: str, plans: list[str] | None = None) -> tuple[list[str], Hit] | None:
        """One measure named by its place (第二条, 第3项) in one plan whose measures are a single
        list (一、…八、, or 1.…10. under one heading); in a plan of sections 第二条 says nothing."""
        if plans is None or len(set(plans)) != 1:
            return None
        measures = next((p.measures for p in self.plans if p.id == plans[0]), [])
        m = cues.NTH.search(text)
        if m is None or not measures:
            return None
        # one list (一、…八、), or items numbered on through the sections (（一）1. 2. （二）3. …)
        labels = [[p for p in x.path if p] for x in measures]
        one_list = len({tuple(p[:-1]) for p in labels}) == 1
        numbered_on = [_number(p[-1]) if p else None for p in labels] == list(range(1, len(measures) + 1))
        n = _count(m.group(1))
        if not (one_list or numbered_on) or not n or n > len(measures):
            return None
        return [measures[n - 1].id], Hit(m.group(), m.start(), m.end())

    def missing_chapter(self, text: str, plans: list[str] | None = None) -> tuple[str, int] | None:
        """A chapter named by a number past the plan's last (第九章 of an eight-chapter plan):
        (the name as asked, the number of chapters), for one plan in scope."""
        if plans is None or len(set(plans)) != 1:
            return None
        m = re.search(rf"第({_N})(章|部分)", text)
        plan = next((p for p in self.plans if p.id == plans[0]), None)
        if m is None or plan is None or not plan.chapters:
            return None
        n = _count(m.group(1))
        return (m.group(), len(plan.chapters)) if n and n > len(plan.chapters) else None

    def find_group(self, text: str) -> Hit | None:
        """A target group named as a population (面向农民, 针对青少年, 老年人方面), not a word of a
        measure's name (实施高素质农民培育工程)."""
        best = None
        for form, label in self.groups.items():
            at = text.find(form)
            if at >= 0 and not (
                _GROUP_BEFORE.search(text[max(0, at - 3) : at]) or _GROUP_AFTER.match(text[at + len(form) :])
            ):
                continue
            if at >= 0 and (best is None or len(form) > best.end - best.start):
                best = Hit(label, at, at + len(form))
        return best

    def find_plans(self, text: str) -> list[str]:
        """Plans the question names by region or title; failing that, by the city a district's plan
        belongs to ("淮安市方案里…" for the 淮阴区 plan), unless a plan of that city itself is loaded."""
        for names in (self.plan_names, self.parent_names):
            found: list[str] = []
            for form in sorted(names, key=len, reverse=True):
                if form in text:
                    found += [p for p in sorted(names[form]) if p not in found]
            if found:
                return found
        return []


def _forms(title: str, group: str | None = None) -> tuple[list[str], set[str]]:
    """The names people give a part: its title, its first phrase, the title without its ending
    (科普基础设施建设工程 -> 科普基础设施建设), and shorter ones that need a part word after them
    (科普基础设施那块, 开放合作工程里, 青少年那部分): those are returned as `strict` too."""
    title = normalize(title)
    forms = {title}
    strict: set[str] = set()
    # 优化空间布局，构建全域联动创业载体体系: people name the section by its first phrase
    phrases = [p for p in re.split(r"[,，;；]", title) if p]
    head = phrases[0] if phrases else title
    if head != title and len(head) >= 4:
        forms.add(head)
    # 实施"场景赋能"行动 -> 场景赋能行动 -> 场景赋能; 优化空间载体，强化创业空间供给 -> 创业空间
    unquoted = [re.sub(r"[\"“”'‘’「」]", "", p) for p in phrases[1:] + ([head] if head != title else [])]
    bare_title = re.sub(r"[\"“”'‘’「」]", "", title)
    for x in {*unquoted, bare_title}:
        if x != title and len(x) >= 4:
            strict.add(x)
    for ending in _PART_ENDINGS:
        for x in list(strict) + [bare_title]:
            if x.endswith(ending) and len(x) - len(ending) >= 2:
                strict.add(x[: -len(ending)])
    for ending in _PART_ENDINGS:
        if title.endswith(ending) and len(title) - len(ending) >= 4:
            forms.add(title[: -len(ending)])
    for form in list(forms | strict):
        short, cuts = form, []
        while True:  # 科普信息化提升 -> 科普信息化; 青少年科学素质提升 -> 青少年科学素质 -> 青少年
            cut = _MODIFIER_END.sub("", short)
            if cut == short or len(cut) < 2:
                break
            short = cut
            cuts.append(cut)
        cuts += [_MODIFIER_START.sub("", x) for x in [form, *cuts]]  # 科学素质开放合作 -> 开放合作
        for x in cuts:
            if x not in forms and (len(x) >= 3 or x == group):
                strict.add(x)
    forms |= strict
    return sorted(forms, key=len, reverse=True), strict


def _number(label: str) -> int | None:
    """ "三、" / "第三章" / "（三）" / "3." -> 3."""
    core = _LABEL_NUMBER.sub("", label or "")
    return int(core) if core.isdigit() else chinese_number(core)


def _count(numeral: str) -> int | None:
    """ "五" / "两" / "12" as said in 前五条, 前两项, 第12条 -> 5 / 2 / 12."""
    return _number(numeral.replace("两", "二"))


def _places(m: re.Match, n: int) -> list[int] | None:
    """The 0-based places of n in order that a _RANGE or _PAIR match names; None where it names
    more than there are (前五条 of five, 第3到第9条 of eight)."""
    found = m.groupdict()
    if found.get("side"):
        k = _count(found["n"])
        if not k or k >= n:
            return None
        return list(range(k)) if found["side"] == "前" else list(range(n - k, n))
    if found.get("c"):
        return [i - 1 for i in (_count(found["c"]), _count(found["d"])) if i]
    a, b = _count(found["a"]), _count(found["b"])
    if not a or not b or not a <= b <= n:
        return None
    return list(range(a - 1, b))


_N = r"[0-9一二两三四五六七八九十]{1,3}"
# 第三、四条 / 第三和第四条: two articles
_PAIR = re.compile(rf"第(?P<c>{_N})(条)?[、和及与]第?(?P<d>{_N})条")
_RANGE = re.compile(
    rf"(?P<side>前|后|最后)(?P<n>{_N})(条|项|个|点)"
    rf"|第?(?P<a>{_N})(条|项)?(到|至|—|-|~|～)第?(?P<b>{_N})(条|项)"
)


def _numerals(n: int) -> list[str]:
    """3 -> ["三", "3"]; 12 -> ["十二", "12"]."""
    return list(dict.fromkeys([chinese_numeral(n), str(n)]))


def _chapter_numbers(n: int, extra: tuple[str, ...] = ()) -> list[str]:
    return [f"第{x}{word}" for x in _numerals(n) for word in (*_CHAPTER_WORDS, *extra)]


def _articles(plan: PlanRecord) -> bool:
    """Whether the plan's chapters are articles: 第一条 办公空间支持, 第二条 …"""
    return bool(plan.chapters) and all(re.fullmatch(r"第[0-9一二三四五六七八九十百]+条", c.label or "") for c in plan.chapters)


def _section_numbers(chapter: int | None, n: int | None) -> list[str]:
    """二、（三） as the answers print it, and 第二章第三节 / 第二部分第三节 / 第二部分（三）."""
    if chapter is None or n is None:
        return []
    ch, sec = _numerals(chapter)[0], _numerals(n)[0]
    forms = [f"{ch}、({sec})", f"{ch}({sec})"]
    for word in ("章", "部分"):
        forms += [f"第{ch}{word}第{sec}节", f"第{ch}{word}({sec})", f"第{ch}{word}第({sec})"]
    return forms


def _plan_forms(plan: PlanRecord) -> set[str]:
    """How a question names a plan: its region (淮阴区, 淮阴) or the place its title starts with."""
    forms = set()
    for text in (plan.region, plan.title):
        m = _REGION_TAIL.match(normalize(text or ""))
        if m:
            forms.add(m.group(1) + m.group(2))
            forms.add(m.group(1))
    if plan.region:
        forms.add(normalize(plan.region))
    return {f for f in forms if len(f) >= 2}


def _parent_forms(plan: PlanRecord) -> set[str]:
    """The city of a district or county plan, from the documents it is based on."""
    if not (plan.region or "").endswith(("区", "县")):
        return set()
    forms = set()
    for title in plan.basis_titles:
        m = _BASIS_CITY.match(normalize(title))
        if m and m.group(1) + m.group(2) != plan.region:
            forms.update({m.group(1) + m.group(2), m.group(1)})
    return forms
