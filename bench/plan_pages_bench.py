"""Issue 13: reading real-sized and scanned plans.

- a 30-page text-layer PDF plan (A4, 34 characters a line, 38 lines a page, a running head on every
  page; its chapters are the eight real plans of tests/data/plans/real) parsed end to end
  (target < 2 s);
- an image-only 18-page PDF (the same kind of text drawn at 150 dpi, rotated 0.6°) through OCR:
  seconds per page, and how many of the source measures come back with exact units.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from bench.stats import latency_summary, load_average
from bench.workspace import Context, group_main
from ingest.numerals import chinese_numeral

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "plans" / "real"
TARGET_PAGES = 30
SCAN_PAGES = 18
_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.．、])\s*")


def long_plan_paragraphs(pages: int, chars_per_page: int = 34 * 38) -> list[str]:
    """One plan whose chapters are the real plans' items (renumbered 1. 2. …), about `pages` long."""
    sources = []
    for path in sorted(REAL.glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
        items: list[str] = []
        for line in lines:
            if line.startswith(("责任单位", "牵头单位")) and items:
                items[-1] += f"（{line}）"  # a note on its own line goes with its item
            elif _ITEM.match(line) and ("责任单位" in line or "牵头单位" in line or "。" in line):
                items.append(_ITEM.sub("", line))
        sources.append([item for item in items if "责任单位" in item or "牵头单位" in item])
    out = ["某某市人工智能创新发展行动计划汇编（2026—2028年）", "为推进人工智能创新发展，制定本计划。"]
    chapter = 0
    while sum(len(p) for p in out) < pages * chars_per_page * 0.93 and chapter < 99:
        items = sources[chapter % len(sources)]
        chapter += 1
        out.append(f"{chinese_numeral(chapter)}、重点任务第{chapter}部分")
        out += [f"{n}.{item}" for n, item in enumerate(items, 1)]
    return out


def _long_pdf(ctx: Context) -> dict:
    from ingest.plan_parser import parse_plan_with_report
    from tests.ingest.render import write_pdf

    path = ctx.scratch("plan-pages") / "long_plan.pdf"
    write_pdf(
        long_plan_paragraphs(TARGET_PAGES),
        path,
        chars_per_line=34,
        size=14.0,
        lines_per_page=38,
        header="某某市人工智能创新发展行动计划汇编",
    )
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(str(path)))
    seconds = []
    for _ in range(2 if ctx.quick else 5):
        started = time.perf_counter()
        plan, report = parse_plan_with_report(path)
        seconds.append(time.perf_counter() - started)
    return {
        "pages": pages,
        "measures": len(plan.measures),
        "with_note": report.with_note,
        "seconds": latency_summary(seconds),
        "median_seconds": round(sorted(seconds)[len(seconds) // 2], 3),
        "target_seconds": 2.0,
        "load_average": load_average(),
    }


def _scan(ctx: Context) -> dict:
    from ingest.ocr_reader import engine
    from ingest.plan_parser import parse_plan_with_report
    from tests.ingest.render_scan import write_scan_pdf

    pages = 3 if ctx.quick else SCAN_PAGES
    paragraphs = long_plan_paragraphs(pages)
    path = ctx.scratch("plan-scan") / "scan.pdf"
    write_scan_pdf(paragraphs, path, header="某某市人工智能创新发展行动计划汇编")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    drawn = len(document)
    document.close()
    if drawn > pages:  # keep exactly the pages asked for
        keep = pdfium.PdfDocument.new()
        source = pdfium.PdfDocument(str(path))
        keep.import_pages(source, list(range(pages)))
        cut = path.with_name("scan_cut.pdf")
        keep.save(str(cut))
        path = cut
    started = time.perf_counter()
    engine()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plan, report = parse_plan_with_report(path)
    seconds = time.perf_counter() - started
    from ingest.plan_parser import parse_plan_text

    text_plan = parse_plan_text("\n".join(paragraphs), "scan.txt", "scan")
    want = {m.title: m for m in text_plan.measures}
    exact = sum(
        1
        for m in plan.measures
        if m.title in want
        and sorted(m.co_units + m.lead_units) == sorted(want[m.title].co_units + want[m.title].lead_units)
    )
    return {
        "pages": report.ocr_pages,
        "model_load_seconds": round(load_seconds, 2),
        "seconds": round(seconds, 2),
        "seconds_per_page": round(seconds / max(report.ocr_pages, 1), 2),
        "confidence": round(report.ocr_confidence or 0, 4),
        "measures": len(plan.measures),
        "measures_exact": exact,
        "load_average": load_average(),
    }


def run(ctx: Context) -> dict:
    import ingest.plan_parser  # noqa: F401 - imports are start-up, not parsing

    return {"long_pdf": _long_pdf(ctx), "scan": _scan(ctx)}


if __name__ == "__main__":
    group_main(run)
