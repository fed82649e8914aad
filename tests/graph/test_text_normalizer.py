"""Text normalisation shared by rumour check and policy QA."""

from __future__ import annotations

import pytest

from graph.text_normalizer import normalize


@pytest.mark.parametrize(("raw", "expected"), [
    ("隔夜菜會致癌嗎？", "隔夜菜会致癌吗?"),
    ("５Ｇ基站　辐射ＡＢＣ", "5G基站辐射ABC"),
    ("看这个https://mp.weixin.qq.com/s/abc?x=1转发给家人", "看这个转发给家人"),
    ("链接 www.example.com/a 和 t.cn/AbC 都去掉", "链接和都去掉"),
    ("<p>大蒜&nbsp;能<b>杀死</b>病毒</p><script>alert(1)</script>", "大蒜能杀死病毒"),
    ("😱😱震惊！！[捂脸]5G致癌👍🏻", "震惊!! 5G致癌"),
    ("大蒜 能 降血压 吗", "大蒜能降血压吗"),
    ("水温56℃、PM2.5", "水温56℃、PM2.5"),
    ("⽼⼈空腹喝⽔⾦银花", "老人空腹喝水金银花"),  # Kangxi radicals, as forwards use them against filters
    ("隔夜菜會致\uf9a8嗎", "隔夜菜会致令吗"),  # a CJK compatibility ideograph (U+F9A8 -> 令)
    ("第一行\r\n\r\n\r\n  第二行  ", "第一行\n第二行"),
    ("", ""),
    ("https://a.com/x <br/> 🙏", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    text = "網傳：喝隔夜茶會致癌！！https://x.cn/1 😱"
    assert normalize(normalize(text)) == normalize(text)
