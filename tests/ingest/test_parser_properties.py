"""Whatever text arrives, the parser answers with a PlanRecord or an IngestError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.plan_parser import parse_plan_text
from ingest.targets import extract_targets
from ingest.text_cleaner import clean_text

FRAGMENTS = [
    "一、", "二.", "十一、", "二十、", "十十、", "（一）", "(二)", "（十二）", "1.", "2．", "3、", "12.", "1.5",
    "(1)", "①", "第一章", "——", "（", "）", "(", ")", "<", ">", "〈", "》", "《", "“", "”", "（责任单位：",
    "责任单位：", "牵头单位:", "；配合单位：", "区科技局", "教体局", "科协等", "各镇", "、", "街道", "，", "。",
    "；", "：", "高新区", "区委宣传部<区文明办>", "各成员单位", "牵头", "配合", "— 3 —", "第3页", "\n", "\n\n",
    "[bookmark: _GoBack]", "[bookmark: _Hlk", "]", "１２", "3000名以上", "1.2万人次", "17.5%", "其中", "每年",
    "到2025年底", "国发〔2021〕9号", "（2021—2025年）", "征求意见稿", "淮阴区", " ", "\u3000", "\t", "\r",
    "\x00", "\ufeff", "目标", "科学素质提升行动",
]

plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)


def check(text: str) -> None:
    try:
        plan = parse_plan_text(text, "random.txt", "random")
    except IngestError as error:
        assert error.user_message and "random.txt" in error.user_message
        return
    clean = clean_text(text)
    assert plan.measures, "a parsed plan has measures"
    assert len({m.id for m in plan.measures}) == len(plan.measures), "ids are unique"
    for measure in plan.measures:
        assert 0 <= measure.source.start <= measure.source.end <= len(clean.text)
        assert all(t.parent is None or 0 <= t.parent < len(measure.targets) for t in measure.targets)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_like)
def test_random_plan_like_text_never_raises_anything_else(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_never_raises_anything_else(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(plan_like)
def test_targets_never_fail_and_keep_their_numbers(text):
    for target in extract_targets(text):
        assert target.value >= 0 and target.raw_value.rstrip("千万亿") in text.replace(" ", "")
