"""Scanned plans: pages without a text layer (and .png/.jpg scans) read by OCR.

The model is RapidOCR's PP-OCRv4 (rapidocr-onnxruntime, its ONNX files ship inside the wheel, so
nothing is downloaded). Each detected line becomes an `OcrLine` with its box, so pdf_reader lays
the lines out into paragraphs exactly as it does a text layer; widths and punctuation are
normalised afterwards (OCR reads a closing "）" as ")" now and then), then the same cleaning and
parsing follow.
"""

from __future__ import annotations

import logging
import math
import re
import statistics
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

RENDER_DPI = 150
_MIN_SCORE = 0.5  # lines the model is less sure of than this are dropped as noise
_engine = None
_load_lock = threading.Lock()
_call_lock = threading.Lock()  # the engine is not thread-safe
_CJK = r"\u3400-\u9fff"
# ASCII punctuation the model reads for Chinese punctuation, next to Chinese characters.
_PUNCT = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_ASCII_PUNCT = re.compile(
    rf"(?<=[{_CJK}（）《》“”、，。])\s*([(),:;?!])|([(),:;?!])\s*(?=[{_CJK}（）《》“”])"
)


class OcrUnavailable(RuntimeError):
    """The OCR package is not installed."""


@dataclass(frozen=True)
class OcrLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    score: float


def engine():
    """The OCR engine, loaded once (about a second) and shared."""
    global _engine
    with _load_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - the package is a pinned dependency
                raise OcrUnavailable(str(exc)) from exc
            _engine = RapidOCR()
        return _engine


def chinese_punctuation(text: str) -> str:
    """Full-width punctuation where OCR gave ASCII beside Chinese text: 区科协(牵头) -> 区科协（牵头）."""
    return _ASCII_PUNCT.sub(lambda m: _PUNCT[m.group(1) or m.group(2)], text)


def ocr_image(image) -> list[OcrLine]:
    """The text lines of one page image (a PIL image or an array), top to bottom, left to right."""
    import numpy as np

    array = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else image
    ocr = engine()
    with _call_lock:
        found, _ = ocr(array, use_cls=False)
    return ocr_result_lines(found or [])


def ocr_result_lines(found: list) -> list[OcrLine]:
    """RapidOCR's [box, text, score] results as lines in reading order, the page's skew taken out
    (a scan a degree off square would otherwise drift its left margin down the page)."""
    angle = _skew(found)
    cos, sin = math.cos(-angle), math.sin(-angle)
    lines = []
    for box, text, score in found:
        if float(score) < _MIN_SCORE or not str(text).strip():
            continue
        points = [(x * cos - y * sin, x * sin + y * cos) for x, y in box]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        text = chinese_punctuation(str(text).strip())
        lines.append(OcrLine(text, min(xs), max(xs), min(ys), max(ys), float(score)))
    return _reading_order(lines)


def _skew(found: list) -> float:
    """The median slope of the top edges of wide boxes, in radians."""
    angles = []
    for box, _, _ in found:
        (x0, y0), (x1, y1) = box[0], box[1]
        if x1 - x0 > 100:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def _reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines sorted by their row, boxes on one row joined left to right."""
    if not lines:
        return []
    height = statistics.median(line.bottom - line.top for line in lines) or 1.0
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.top + item.bottom) / 2):
        middle = (line.top + line.bottom) / 2
        if (
            rows
            and abs(middle - sum((x.top + x.bottom) / 2 for x in rows[-1]) / len(rows[-1])) < 0.5 * height
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda item: item.x0)
        text = "".join(item.text for item in row)
        score = sum(item.score * len(item.text) for item in row) / max(1, sum(len(item.text) for item in row))
        out.append(
            OcrLine(text, row[0].x0, row[-1].x1, min(i.top for i in row), max(i.bottom for i in row), score)
        )
    return out


def confidence(lines: list[OcrLine]) -> float | None:
    """Mean recognition score, weighted by characters."""
    chars = sum(len(line.text) for line in lines)
    return sum(line.score * len(line.text) for line in lines) / chars if chars else None
