"""The title block of a plan (title, region, period, status) and the documents it rests on."""

from __future__ import annotations

import re

from graph.records import PlanRecord
from ingest.text_cleaner import PERIOD_LINE, STATUS_LINE, Paragraph

_STATUS = re.compile(r"(征求意见稿|送审稿|讨论稿|草案|草稿|代拟稿|审议稿|报批稿|修订稿|试行)")
_PERIOD = re.compile(r"(\d{4})\s*[—–\-－~～至到]+\s*(\d{4})")
_REGION = re.compile(r"^((?:[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|区|县|旗))+)")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月(?:\d{1,2}日)?$")
_DOC_NO = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［【（(]\s*(\d{4})\s*[〕\]］】）)]\s*(\d{1,4})\s*号")


def title_block(paragraphs: list[Paragraph], starts_structure) -> int:
    """How many leading paragraphs are the title block (title, period, status, date)."""
    count = 0
    for para in paragraphs[:8]:
        text = para.text
        if starts_structure(text) or para.table_row is not None:
            break
        if STATUS_LINE.match(text) or PERIOD_LINE.match(text) or _DATE_LINE.match(text):
            count += 1
            continue
        if len(text) <= 90 and "。" not in text and not text.endswith("；"):
            count += 1
            continue
        break
    return count


def read_title_block(plan: PlanRecord, block: list[str], fallback_title: str) -> None:
    for text in block:
        if not plan.status and (m := _STATUS.search(text)) and (STATUS_LINE.match(text) or "（" in text):
            plan.status = m.group(1)
        if not plan.period and (m := _PERIOD.search(text)):
            plan.period = f"{m.group(1)}—{m.group(2)}"
    titles = [t for t in block if not (STATUS_LINE.match(t) or PERIOD_LINE.match(t) or _DATE_LINE.match(t))]
    # A page's place label (成都) above the real title is not the title.
    titled = [t for t in titles if len(t) >= 6 and not t.endswith(("：", ":"))] or titles
    title = titled[0] if titled else fallback_title
    title = re.sub(r"[（(]\s*(征求意见稿|送审稿|讨论稿|草案|草稿|代拟稿|审议稿|报批稿|修订稿)\s*[）)]", "", title)
    plan.title = title.strip()
    plan.region = region_of([plan.title, *titled[1:3]])


def region_of(titles: list[str]) -> str:
    """The region a plan's title names: 宁波市人民政府办公厅关于… -> 宁波市; 关于印发《四川省…》的通知
    -> 四川省; 市政府办公室关于印发《太仓市…》 -> 太仓市."""
    for title in titles:
        bare = re.sub(r"^(?:关于印发|关于|中共)", "", title).lstrip("《〈")
        if m := _REGION.match(bare):
            return m.group(1)
    for title in titles:
        for inner in re.findall(r"[《〈]([^》〉]+)", title) + re.findall(r"关于印发(.+)", title):
            if m := _REGION.match(inner.lstrip("《〈")):
                return m.group(1)
    return ""


def basis_of(preamble: list[str]) -> tuple[list[str], list[str]]:
    """Document numbers the plan rests on (国发〔2021〕9号) and the 《titles》 written before them."""
    numbers: list[str] = []
    titles: list[str] = []
    text = "".join(preamble)
    books = _book_titles(text)
    for m in _DOC_NO.finditer(text):
        number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
        if number in numbers:
            continue
        before = [title for title, end in books if end <= m.start()]
        numbers.append(number)
        titles.append(before[-1] if before else "")
    return numbers, titles


def _book_titles(text: str) -> list[tuple[str, int]]:
    """Outermost 《…》 titles with the offset where each ends."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                out.append((text[start : i + 1], i + 1))
    return out


_VALID_UNTIL = re.compile(r"有效期(?:至|截至|截止到?|到)\s*(\d{4})\s*年")
_VALID_FROM = re.compile(r"自\s*(\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?起")
_YEAR_OF_ISSUE = re.compile(r"[〔\[［]\s*(\d{4})\s*[〕\]］]|^(\d{4})[年\-]\d{1,2}[月\-]")


def validity_period(plan: PlanRecord, texts: list[str]) -> None:
    """A plan whose title block states no period may end with its validity: 本政策自2026年3月8日起
    实施，有效期截至2028年12月31日 -> 2026—2028 (the start from 自…起, else the year it was issued)."""
    if plan.period:
        return
    until = next((m for t in texts if (m := _VALID_UNTIL.search(t))), None)
    if until is None:
        return
    start = next((m.group(1) for t in texts if (m := _VALID_FROM.search(t))), None) or next(
        (m.group(1) or m.group(2) for t in texts if (m := _YEAR_OF_ISSUE.search(t))), None
    )
    if start and start <= until.group(1):
        plan.period = f"{start}—{until.group(1)}"
