"""qa_service/wechat/reply_format.py: answers that read well on a phone and fit in 2,048 bytes."""

from __future__ import annotations

import pytest

from qa_service.wechat.reply_format import (
    MAX_BYTES,
    MORE_POINTER,
    cdata_safe,
    fit,
    format_reply,
    to_plain,
    utf8_len,
)


def test_measure_answer_becomes_short_lines():
    answer = ("【强化科普教育基地建设】牵头单位：区委宣传部；配合单位：区科协、区教育局；"
              "落实：各镇、各街道、高新区、农科园。（出处：二、（三）3.）")
    assert to_plain(answer).split("\n") == [
        "【强化科普教育基地建设】", "牵头单位：区委宣传部", "配合单位：区科协、区教育局",
        "落实：各镇、各街道、高新区、农科园。", "出处：二、（三）3.",
    ]


def test_inline_numbered_list_becomes_lines():
    lines = to_plain("【科普基础设施工程】（二、（三））包括3部分：1. 基地建设；2. 科技馆；3. 数字科普。").split("\n")
    assert lines[1:] == ["1. 基地建设", "2. 科技馆", "3. 数字科普。"]


def test_label_with_items_becomes_bullets():
    text = "科普教育：强化科普教育基地建设（牵头）（二、（三）3.）；青少年科学素质提升（二、（一）1.）"
    assert to_plain(text).split("\n") == ["科普教育：", "· 强化科普教育基地建设（牵头）（二、（三）3.）",
                                          "· 青少年科学素质提升（二、（一）1.）"]


def test_rumour_reply_keeps_verdict_with_title_and_moves_source_to_its_own_line():
    text = "【谣言】吃隔夜菜会致癌\n妥善冷藏的剩菜亚硝酸盐远低于限值。（依据：国家食品安全风险评估中心）"
    assert to_plain(text).split("\n") == ["【谣言】吃隔夜菜会致癌", "妥善冷藏的剩菜亚硝酸盐远低于限值。",
                                          "依据：国家食品安全风险评估中心"]


def test_no_html_or_markdown_reaches_the_phone():
    text = to_plain("## 提示\n**注意**：<b>勿</b>轻信，见[详情](https://example.org/a)\n- 第一条")
    assert "<b>" not in text and "**" not in text and "##" not in text
    assert "详情（https://example.org/a）" in text and "· 第一条" in text


def test_cdata_terminator_never_survives():
    assert "]]>" not in cdata_safe("a]]>b]]]>>c]]>]]>")
    assert "]]>" not in format_reply("答案里有 ]]> 这种字符。")
    assert cdata_safe("ok\x00\x08") == "ok"


def test_short_answer_is_untouched_by_fit():
    assert fit("很短。") == "很短。"


def test_5000_char_answer_is_cut_at_a_sentence_boundary_under_2048_bytes():
    sentence = "科普教育基地建设由区委宣传部牵头，区科协配合。"  # 23 CJK characters
    answer = (sentence * 220)[:5000]
    reply = format_reply(answer)
    assert utf8_len(reply) <= MAX_BYTES, f"reply is {utf8_len(reply)} bytes, WeChat refuses over 2048"
    body, pointer = reply.rsplit("\n", 1)
    assert pointer == MORE_POINTER, "a cut answer must say where the rest is"
    assert body.endswith("。") and body.endswith(sentence), "the cut must fall on a sentence end"
    assert utf8_len(reply) > MAX_BYTES - utf8_len(sentence) - 10, "the cut should keep as much as fits"


def test_emoji_and_one_huge_sentence_are_cut_on_a_character_boundary():
    reply = fit("😀" * 1000)
    assert utf8_len(reply) <= MAX_BYTES
    assert reply.startswith("😀" * 100) and reply.endswith(MORE_POINTER)


@pytest.mark.parametrize("size", [10, 2047, 2048, 2049, 6000])
def test_any_length_fits(size):
    assert utf8_len(format_reply("字" * size)) <= MAX_BYTES


def test_target_line_keeps_the_measure_title_with_its_clause():
    text = "培育1200个农业科技示范户。（措施：【加强农村科普与科技服务】，出处：三、（二）2.）"
    assert to_plain(text).split("\n") == ["培育1200个农业科技示范户。", "措施：【加强农村科普与科技服务】，出处：三、（二）2."]
