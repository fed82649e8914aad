"""The dashboard's pictures: SVG drawn on the server with pygal, served as images.

pygal's SVG carries its CSS in a <style> element and a small config <script>: the script is
removed here (no tooltips, nothing to run), and each chart response gets its own policy that
allows only its inline styles. The page shows them with <img>, where an SVG can run nothing anyway.
"""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from qa_service.team.dashboard import Figures

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#66768a",
    colors=("#2f855a", "#d69e2e", "#c53030", "#2b6cb0", "#805ad5"),
    font_family="'WenQuanYi Zen Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif",
    title_font_size=16,
    label_font_size=11,
    legend_font_size=12,
)
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
OUTCOME_NAMES = {"answered": "已回答", "suggested": "给出建议", "abstained": "未能回答"}
CHARTS = ("questions", "outcomes", "groups", "materials", "useless")


def _options(**extra) -> dict:
    return {
        "js": [],
        "style": STYLE,
        "disable_xml_declaration": True,
        "width": 720,
        "height": 340,
        "legend_at_bottom": True,
        "print_values": False,
        "show_minor_x_labels": False,
        **extra,
    }


def _svg(chart) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def _short(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render(name: str, f: Figures) -> str:
    if name == "questions":
        chart = pygal.StackedBar(**_options(x_label_rotation=45, x_labels_major_every=5))
        chart.title = "每日提问数（近 30 天）"
        chart.x_labels = f.days
        for outcome, values in f.by_outcome.items():
            chart.add(OUTCOME_NAMES[outcome], values)
    elif name == "outcomes":
        chart = pygal.Pie(**_options(inner_radius=0.45, height=300))
        chart.title = "回答情况（近 30 天）"
        for outcome, values in f.by_outcome.items():
            chart.add(OUTCOME_NAMES[outcome], sum(values))
    elif name == "groups":
        chart = pygal.HorizontalBar(**_options(height=60 + 28 * max(3, len(f.top_groups))))
        chart.title = "需求最高的待答问题"
        for g in reversed(f.top_groups):
            chart.add(("【舆情】" if g.trending else "") + _short(g.title), [g.asks])
    elif name == "materials":
        chart = pygal.HorizontalBar(**_options(height=60 + 28 * max(3, len(f.most_used))))
        chart.title = "最常用的科普素材（近 30 天）"
        for material_id, n in reversed(f.most_used):
            chart.add(_short(material_id, 28), [n])
    elif name == "useless":
        chart = pygal.Line(**_options(x_label_rotation=45, x_labels_major_every=5, fill=True, height=260))
        chart.title = "被评为“没用”的回答（每日）"
        chart.x_labels = f.days
        chart.add("没用", f.useless_per_day)
    else:
        raise KeyError(name)
    return _svg(chart)
