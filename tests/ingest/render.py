"""Write a plan's paragraphs as .docx (python-docx) or .pdf (reportlab) for format tests.

The PDF is deliberately awkward: narrow lines that break mid-sentence and mid-name, first lines
indented like an official document, centred title lines and "— n —" page footers.
"""

from __future__ import annotations

from pathlib import Path

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def write_docx(paragraphs: list[str], path: Path, table_from: int | None = None) -> Path:
    """One Word paragraph per line; from `table_from` on, the lines sit in a two-column table
    whose cells are merged across each row (so the reader must not repeat merged cells)."""
    import docx

    document = docx.Document()
    body = paragraphs if table_from is None else paragraphs[:table_from]
    for text in body:
        document.add_paragraph(text)
    if table_from is not None:
        rest = paragraphs[table_from:]
        table = document.add_table(rows=len(rest), cols=2)
        for row, text in zip(table.rows, rest, strict=True):
            merged = row.cells[0].merge(row.cells[1])
            merged.paragraphs[0].text = text
        document.add_paragraph("")
    document.save(str(path))
    return path


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if WQY.exists():
        if "wqy" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("wqy", str(WQY), subfontIndex=0))
        return "wqy"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def wrap(text: str, font: str, size: float, width: float, indent: float) -> list[str]:
    """Break `text` into lines no wider than `width` (the first one `indent` narrower)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current, room = [], "", width - indent
    for ch in text:
        if current and stringWidth(current + ch, font, size) > room:
            lines.append(current)
            current, room = "", width
        current += ch
    if current:
        lines.append(current)
    return lines


def pdf_lines(paragraphs: list[str], chars_per_line: int = 17, size: float = 10.0,
              centred: int = 3) -> list[tuple[str, bool, bool]]:
    """(line, is first line of its paragraph, centred) as the PDF will show them."""
    font = _font()
    width = chars_per_line * size
    out = []
    for i, text in enumerate(paragraphs):
        if not text.strip():
            continue
        if i < centred:
            out += [(line, True, True) for line in wrap(text, font, size, width, 0)]
            continue
        for j, line in enumerate(wrap(text, font, size, width, 2 * size)):
            out.append((line, j == 0, False))
    return out


def write_pdf(paragraphs: list[str], path: Path, chars_per_line: int = 17, size: float = 10.0,
              lines_per_page: int = 40, header: str = "") -> Path:
    """Render the plan; `header` is a running head printed at the top of every page."""
    from reportlab.pdfgen import canvas

    font = _font()
    margin = 40.0
    width = chars_per_line * size
    page_w, page_h = width + 2 * margin, lines_per_page * size * 1.4 + 2 * margin + 30
    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h))
    page, y = 1, page_h - margin

    def footer() -> None:
        pdf.setFont(font, size)
        pdf.drawCentredString(page_w / 2, margin / 2, f"— {page} —")
        if header:
            pdf.drawCentredString(page_w / 2, page_h - margin / 2, header)

    pdf.setFont(font, size)
    for line, first, centred in pdf_lines(paragraphs, chars_per_line, size):
        if y < margin + 30:
            footer()
            pdf.showPage()
            pdf.setFont(font, size)
            page, y = page + 1, page_h - margin
        if centred:
            pdf.drawCentredString(page_w / 2, y, line)
        else:
            pdf.drawString(margin + (2 * size if first else 0), y, line)
        y -= size * 1.4
    footer()
    pdf.save()
    return path


def hard_wrap(paragraphs: list[str], chars_per_line: int = 23, page_every: int = 50) -> str:
    """The plan as a text file copied out of a PDF: fixed-width lines and page-number lines."""
    lines: list[str] = []
    for text in paragraphs:
        lines += [text[i : i + chars_per_line] for i in range(0, len(text), chars_per_line)] or [""]
    out, page = [], 1
    for n, line in enumerate(lines, 1):
        out.append(line)
        if n % page_every == 0:
            out += ["", f"第 {page} 页", ""]
            page += 1
    return "\n".join(out) + "\n"


_LEVELS = [  # (pattern of the written label, Word number format, Word label template)
    (r"^[一二三四五六七八九十]+[、．.]\s*", "chineseCounting", "%1、"),
    (r"^[（(][一二三四五六七八九十]+[）)]\s*", "chineseCounting", "（%2）"),
    (r"^\d+\s*[.．、]\s*", "decimal", "%3."),
]


def write_docx_autonumbered(paragraphs: list[str], path: Path) -> Path:
    """Like write_docx, but chapter, section and item numbers come from Word's automatic
    numbering (one multilevel list), so they are not part of the paragraph text."""
    import re

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (_, fmt, text) in enumerate(_LEVELS))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text in paragraphs:
        bookmark = re.match(r"(?:\[bookmark:[^\]]*\])?", text).group()
        body = text[len(bookmark):]
        level = next((i for i, (pattern, _, _) in enumerate(_LEVELS) if re.match(pattern, body)), None)
        if level is None:
            document.add_paragraph(text)
            continue
        paragraph = document.add_paragraph(bookmark + re.sub(_LEVELS[level][0], "", body))
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
        assert p_pr.find(qn("w:numPr")) is not None
    document.save(str(path))
    return path
