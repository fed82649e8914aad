"""Which of a walked plan's items are no measures after all: headings with text but no note whose
level carries no notes, a section's introduction above its own items, a 附则 chapter's provisions."""

from __future__ import annotations

import re

from graph.records import MeasureRecord

CLOSING = re.compile(r"^(附则|其他事项|其它事项)$")  # a closing part's title, spaces removed


def not_measures(measures: list[MeasureRecord], heading_items: list[tuple[str, MeasureRecord, bool]]) -> set[int]:
    """The ids (`id()`) of the measures to drop. `heading_items`: (level, measure, without a note) of
    every heading that became an item.

    Headings with text but no note (（三）加强人才支撑。支持……) are measures when headings of their
    level carry notes elsewhere in the plan, or when the plan has no other measures (一、…三十、 items
    of an opinion without notes); otherwise they are plain headings."""
    noted = {level for level, _, tentative in heading_items if not tentative}
    headed = {id(item) for _, item, _ in heading_items}
    others = any(id(m) not in headed for m in measures)
    keep_all = not noted and not others
    drop = {id(m) for level, m, tentative in heading_items if tentative and not keep_all and level not in noted}
    # （二）打造…社区。立足……  followed by “一核”：…（牵头单位：…） items of its own: the heading's
    # text introduces them, it is no measure of its own.
    drop |= {id(m) for level, m, tentative in heading_items
             if tentative and not keep_all and _has_items_below(measures, m, level)}
    # 三、附则 1. 扶持资金由区财政局统筹平衡……: closing provisions of the document, no measures.
    drop |= {id(m) for m in measures
             if CLOSING.match(re.sub(r"\s", "", m.chapter_title)) and not m.responsibility_note}
    return drop


def _has_items_below(measures: list[MeasureRecord], heading: MeasureRecord, level: str) -> bool:
    """Whether other measures sit in the part this heading item opens (its section or chapter)."""
    depth = 1 if level == "chapter" else 2
    return any(m is not heading and m.path[:depth] == heading.path[:depth] for m in measures)
