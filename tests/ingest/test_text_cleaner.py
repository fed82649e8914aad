"""Cleaning extracted text: broken lines, bookmarks, page markers, widths, spaces."""

from __future__ import annotations

from ingest.text_cleaner import SourceLine, clean_lines, clean_text, is_page_marker, normalize_line


def paragraphs(text):
    return [p.text for p in clean_text(text).paragraphs]


def test_a_name_broken_across_lines_is_joined():
    assert paragraphs("（责任单位：区融媒\n体中心、文广旅局、科协等）") == ["（责任单位：区融媒体中心、文广旅局、科协等）"]
    assert paragraphs("建立完善科技资源科普化机制。建立科技人\n才、科技载体等科技资源。") == [
        "建立完善科技资源科普化机制。建立科技人才、科技载体等科技资源。"]


def test_paragraph_ends_and_new_items_are_kept_apart():
    text = "（一）指导思想\n以习近平新时代中国特色社会主义思想为指导\n1. 建立机制。\n2．实施行动\n（二）基本原则\n——突出党建引领"
    assert paragraphs(text) == ["（一）指导思想", "以习近平新时代中国特色社会主义思想为指导", "1. 建立机制。",
                                "2．实施行动", "（二）基本原则", "——突出党建引领"]


def test_an_open_bracket_keeps_the_paragraph_going():
    assert paragraphs("开展活动。（责任单位：\n区科技局、教体局）") == ["开展活动。（责任单位：区科技局、教体局）"]


def test_title_block_lines_stay_separate():
    assert paragraphs("淮阴区全民科学素质行动规划实施方案\n（2021—2025年）\n征求意见稿\n为贯彻落实") == [
        "淮阴区全民科学素质行动规划实施方案", "（2021—2025年）", "征求意见稿", "为贯彻落实"]


def test_bookmarks_are_removed_even_when_split():
    assert paragraphs("[bookmark: _Hlk85955142]——优化服务供给。") == ["——优化服务供给。"]
    assert paragraphs("[bookmark: _GoBack]1. 完善法规政策。") == ["1. 完善法规政策。"]
    assert paragraphs("开展活动[bookmark: _Hlk8595\n5142]推进工作。") == ["开展活动推进工作。"]


def test_page_markers_are_dropped_and_the_paragraph_continues():
    for marker in ("— 3 —", "- 3 -", "第3页", "第 3 页", "第3页 共10页", "－12－"):
        assert is_page_marker(normalize_line(marker)), marker
        text = f"（责任单位：区融媒\n\n{marker}\n\n体中心、科协）"
        assert paragraphs(text) == ["（责任单位：区融媒体中心、科协）"], marker
    assert not is_page_marker("——突出党建引领")


def test_widths_and_spaces():
    assert normalize_line("到２０２５年底，新增１５家以上，比例达到１７．５％") == "到2025年底，新增15家以上，比例达到17.5%"
    assert normalize_line("区 融媒体 中心 （ 责任单位 ：区科协 ）") == "区融媒体中心（责任单位：区科协）"
    assert normalize_line("\u3000\u30001. 建设5G 网络，第 3 批") == "1. 建设5G 网络，第3批"
    assert normalize_line("全国百强区 全国百强高新区") == "全国百强区全国百强高新区"
    assert normalize_line("a\u200bb\ufeff\x07") == "ab"


def test_blank_lines_end_paragraphs():
    assert paragraphs("第一段没有标点\n\n第二段") == ["第一段没有标点", "第二段"]


def test_layout_flags_win_over_punctuation():
    lines = [SourceLine("建立机制。建立科技人才", 1, False), SourceLine("和科技载体。", 1, False),
             SourceLine("完善体系。", 2, True), SourceLine("1. 下一条", 2, False)]
    clean = clean_lines(lines, "页")
    assert [p.text for p in clean.paragraphs] == ["建立机制。建立科技人才和科技载体。完善体系。", "1. 下一条"]
    assert [p.origin for p in clean.paragraphs] == [1, 2] and clean.unit == "页"


def test_offsets_index_the_cleaned_text():
    clean = clean_text("  标题\n\n正文第一段。\n1. 条目\n")
    for para in clean.paragraphs:
        assert clean.text[para.start : para.end] == para.text
    assert clean.origin_at(clean.paragraphs[-1].start) == 4
