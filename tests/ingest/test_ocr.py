"""Scanned plans read by OCR (rapidocr-onnxruntime), and scans that cannot be read."""

from __future__ import annotations

import pytest

from ingest.errors import CorruptFile, EmptyPdf, EncryptedPdf, NoTextFound
from ingest.ocr_reader import chinese_punctuation
from ingest.plan_parser import parse_plan_file, parse_plan_with_report
from ingest.plan_readers import read_plan_source
from tests.ingest.conftest import SHIPPED_PLAN
from tests.ingest.render_scan import write_scan_pdf, write_scan_png

SMALL_PLAN = [
    "某某市科普阵地建设方案",
    "一、重点任务",
    "1.建设科普馆。依托现有场馆建设科普馆，完善展教设施，到2025年建成3个。（牵头单位：市科协；配合单位：市发改委、市财政局）",
    "2.开展科普活动。每年开展科普活动不少于10场。（责任单位：市教育局、市科技局）",
]


def test_ocr_punctuation_is_made_full_width_beside_chinese():
    assert chinese_punctuation("（责任单位:市科协、市教育局)") == "（责任单位：市科协、市教育局）"
    assert chinese_punctuation("版本 v1.2 (beta)") == "版本 v1.2 (beta)"


def test_a_scanned_page_image_is_read_by_ocr(tmp_path):
    path = write_scan_png(SMALL_PLAN, tmp_path / "scan.png")
    plan, report = parse_plan_with_report(path)
    hall, events = plan.measures
    assert (
        hall.title == "建设科普馆"
        and hall.lead_units == ["市科协"]
        and hall.co_units == ["市发改委", "市财政局"]
    )
    assert events.co_units == ["市教育局", "市科技局"]
    assert report.read_by == "ocr" and report.ocr_pages == 1 and report.ocr_confidence > 0.9


def test_scans_without_text_and_broken_pdfs_get_their_own_messages(tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(blank)
    with pytest.raises(NoTextFound) as caught:
        read_plan_source(blank)
    assert "没有识别出文字" in caught.value.user_message
    blank_pdf = tmp_path / "blank.pdf"
    Image.new("L", (1240, 1754), 255).save(blank_pdf, "PDF", resolution=150)
    with pytest.raises(NoTextFound):
        read_plan_source(blank_pdf)
    import pypdfium2 as pdfium

    empty = tmp_path / "empty.pdf"
    pdfium.PdfDocument.new().save(str(empty))
    with pytest.raises(EmptyPdf) as caught:
        read_plan_source(empty)
    assert "没有任何页面" in caught.value.user_message
    from reportlab.pdfgen import canvas

    locked = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(locked), encrypt="secret")
    pdf.drawString(100, 700, "plan")
    pdf.save()
    with pytest.raises(EncryptedPdf) as caught:
        read_plan_source(locked)
    assert "加密" in caught.value.user_message
    not_image = tmp_path / "fake.png"
    not_image.write_bytes(b"not an image at all")
    with pytest.raises(CorruptFile):
        read_plan_source(not_image)


@pytest.mark.slow
def test_the_shipped_plan_scanned_gives_the_same_measures(tmp_path, shipped_plan):
    paragraphs = SHIPPED_PLAN.read_text(encoding="utf-8").splitlines()
    path = write_scan_pdf(
        paragraphs, tmp_path / "shipped_scan.pdf", header="淮阴区全民科学素质行动规划实施方案"
    )
    plan, report = parse_plan_with_report(path, plan_id=shipped_plan.id)
    assert report.read_by == "ocr" and report.ocr_pages >= 8 and report.ocr_confidence > 0.9
    want = {m.title: m for m in shipped_plan.measures}
    same = [
        m
        for m in plan.measures
        if m.title in want
        and (m.lead_units, m.co_units, m.local_units, m.zones)
        == (want[m.title].lead_units, want[m.title].co_units, want[m.title].local_units, want[m.title].zones)
    ]
    assert len(same) >= 0.95 * len(shipped_plan.measures), sorted(set(want) - {m.title for m in same})


def test_a_text_layer_pdf_does_not_go_through_ocr(tmp_path):
    from tests.ingest.render import write_pdf

    path = write_pdf(SMALL_PLAN, tmp_path / "plan.pdf")
    plan, report = parse_plan_with_report(path)
    assert report.read_by == "text" and report.ocr_pages == 0
    assert parse_plan_file(path).measures[0].lead_units == ["市科协"]
