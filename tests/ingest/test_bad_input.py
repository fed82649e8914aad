"""Files a user may hand us by mistake: each gets a Chinese message naming the file (and line)."""

from __future__ import annotations

import os
import re

import pytest

from ingest.errors import (
    CorruptFile,
    EmptyFile,
    IngestError,
    NoStructure,
    NoTextFound,
    UnbalancedNote,
    UnsupportedFormat,
)
from ingest.plan_parser import parse_plan_file, parse_plan_text
from tests.ingest.conftest import SHIPPED_PLAN
from tests.ingest.render import write_docx

CJK = re.compile(r"[\u4e00-\u9fff]")


def rejected(path, kind):
    with pytest.raises(kind) as info:
        parse_plan_file(path)
    error = info.value
    assert isinstance(error, IngestError)
    assert path.name in error.user_message and CJK.search(error.user_message), error.user_message
    assert not CJK.search(str(error)), "log messages are English"
    return error


@pytest.mark.parametrize("content", [b"", b"   \n\n  \r\n", "[bookmark: _GoBack]\n— 1 —\n".encode()])
def test_empty_files(tmp_path, content):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    assert "为空" in rejected(path, EmptyFile).user_message


@pytest.mark.parametrize("name", ["plan.doc", "plan.xlsx", "plan.gif", "plan"])
def test_unsupported_extensions(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"anything")
    error = rejected(path, UnsupportedFormat)
    assert ".docx" in error.user_message
    if name.endswith(".doc"):
        assert "另存为" in error.user_message


def test_binary_content_behind_a_text_name(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    assert "二进制" in rejected(path, UnsupportedFormat).user_message
    path.write_bytes(bytes(range(128, 256)) * 40)
    rejected(path, UnsupportedFormat)


def test_broken_word_and_pdf_files(tmp_path):
    docx = tmp_path / "plan.docx"
    docx.write_bytes(b"this is not a zip file")
    assert "Word" in rejected(docx, CorruptFile).user_message
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n garbage without objects")
    rejected(pdf, CorruptFile)


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 200, 200, fill=1)  # a "scanned" page: pictures, no text
    pdf.save()
    # OCR reads pages without a text layer; this one holds no text at all
    assert "扫描件" in rejected(path, NoTextFound).user_message


def test_text_without_structure(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("今天开会讨论了科普工作。\n大家一致认为要加强宣传。\n", encoding="utf-8")
    assert "未识别出方案结构" in rejected(path, NoStructure).user_message


def test_unbalanced_note_names_the_line(tmp_path):
    lines = SHIPPED_PLAN.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("2. 推进产业工人教育培训"))
    lines[n] = lines[n].replace("科协、妇联等，各镇、街道）", "科协、妇联等，各镇、街道")
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    error = rejected(path, UnbalancedNote)
    assert error.line == n + 1 and f"第{n + 1}行" in error.user_message
    assert "括号" in error.user_message


def test_unbalanced_alias_bracket_in_word_names_the_paragraph(tmp_path):
    lines = SHIPPED_PLAN.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "区委宣传部<区文明办>" in line)
    lines[n] = lines[n].replace("<区文明办>", "<区文明办")
    path = write_docx(lines, tmp_path / "plan.docx")
    error = rejected(path, UnbalancedNote)
    assert error.line == n + 1 and f"第{n + 1}段" in error.user_message


def test_parse_plan_text_reports_the_source_name():
    with pytest.raises(UnbalancedNote) as info:
        parse_plan_text("一、任务\n1. 开展活动。（责任单位：区科协\n2. 下一条。", "upload.txt", "upload")
    assert info.value.file == "upload.txt" and info.value.line == 2
    assert info.value.user_message.startswith("文件“upload.txt”第2行")
