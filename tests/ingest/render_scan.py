"""Render plan text as a scan: page images (Pillow, WenQuanYi Zen Hei) saved as an image-only PDF
or PNG, slightly rotated, at 150 dpi (A4 = 1240 x 1754 px), with a running header on every page."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.ingest.render import WQY

DPI = 150
WIDTH, HEIGHT, MARGIN = 1240, 1754, 110


def scan_pages(paragraphs: list[str], font_px: int = 30, angle: float = 0.6, header: str = ""):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(WQY), font_px)
    small = ImageFont.truetype(str(WQY), 22)
    per_line = (WIDTH - 2 * MARGIN) // font_px
    step = int(font_px * 1.5)
    pages: list = []

    def new_page():
        image = Image.new("L", (WIDTH, HEIGHT), 255)
        draw = ImageDraw.Draw(image)
        if header:
            draw.text((MARGIN, 50), header, font=small, fill=90)
        pages.append(image)
        return draw, MARGIN + 20

    draw, y = new_page()
    for para in paragraphs:
        indent = 2 * font_px
        first_width = per_line - 2
        chunks = textwrap.wrap(para, first_width) or [""]
        if len(chunks) > 1:
            rest = "".join(chunks[1:])
            chunks = [chunks[0], *textwrap.wrap(rest, per_line)]
        for i, chunk in enumerate(chunks):
            if y + step > HEIGHT - MARGIN:
                draw, y = new_page()
            draw.text((MARGIN + (indent if i == 0 else 0), y), chunk, font=font, fill=0)
            y += step
    return [page.rotate(angle, fillcolor=255, resample=Image.BICUBIC) for page in pages]


def write_scan_pdf(paragraphs: list[str], path: Path, **options) -> Path:
    pages = scan_pages(paragraphs, **options)
    pages[0].save(str(path), "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return path


def write_scan_png(paragraphs: list[str], path: Path, **options) -> Path:
    scan_pages(paragraphs, **options)[0].save(str(path), "PNG", dpi=(DPI, DPI))
    return path
