"""The same plan as .txt, .md, .docx and .pdf (and in other encodings) gives the same PlanRecord."""

from __future__ import annotations

import re
import shutil

import pytest

from ingest.plan_parser import clean_plan_file, parse_plan_file
from tests.ingest.conftest import PLANS_DATA, SHIPPED_PLAN
from tests.ingest.render import hard_wrap, pdf_lines, write_docx, write_docx_autonumbered, write_pdf

PLAN_ID = "same-plan"


def plan_paragraphs(path=SHIPPED_PLAN) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def content(plan) -> dict:
    """Everything a user sees, without character offsets (they index each file's own text)."""
    return {
        "plan": (plan.id, plan.title, plan.region, plan.period, plan.status, plan.basis, plan.basis_titles,
                 plan.goal_text, [g.to_json() for g in plan.goals], plan.unresolved_units, plan.unit_aliases),
        "chapters": [(c.id, c.label, c.title) for c in plan.chapters],
        "sections": [(s.id, s.label, s.title, s.target_group) for s in plan.sections],
        "measures": [
            (m.id, m.path, m.title, m.text, m.responsibility_note, m.lead_units, m.co_units, m.local_units,
             m.zones, m.target_group, [t.to_json() for t in m.targets], [t.parent for t in m.targets])
            for m in plan.measures
        ],
    }


@pytest.fixture(scope="module")
def txt_plan(registry):
    return parse_plan_file(SHIPPED_PLAN, PLAN_ID, registry)


def assert_same_plan(expected, actual, path, clean=None):
    a, b = content(expected), content(actual)
    assert a["plan"] == b["plan"]
    assert a["chapters"] == b["chapters"] and a["sections"] == b["sections"]
    assert len(b["measures"]) == len(a["measures"]) == 40
    for want, got in zip(a["measures"], b["measures"], strict=True):
        assert want == got, f"measure {want[0]} differs when read from {path.suffix}"
    text = (clean or clean_plan_file(path)).text
    for measure in actual.measures:
        assert measure.source.file == path.name
        assert measure.title in text[measure.source.start : measure.source.end]


def test_docx_with_a_table_matches_the_text_file(tmp_path, txt_plan, registry):
    paragraphs = plan_paragraphs()
    chapter_four = next(i for i, p in enumerate(paragraphs) if p.startswith("四、"))
    path = write_docx(paragraphs, tmp_path / "plan.docx", table_from=chapter_four)
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path)


def test_docx_with_automatic_numbering_matches_the_text_file(tmp_path, txt_plan, registry):
    path = write_docx_autonumbered(plan_paragraphs(), tmp_path / "plan.docx")
    import docx

    written = [p.text for p in docx.Document(str(path)).paragraphs]
    assert any(t.startswith("建立完善科技资源科普化机制。") for t in written)
    assert not any(re.match(r"\d+\s*[.．]|[一二三四]、|（[一二三四五]）", t) for t in written), (
        "numbers must not be in the Word text itself")
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path)


@pytest.mark.slow
def test_pdf_with_narrow_lines_and_page_footers_matches_the_text_file(tmp_path, txt_plan, registry):
    paragraphs = plan_paragraphs()
    lines = [line for line, _, _ in pdf_lines(paragraphs)]
    # The rendering must really break inside unit names, or this test proves nothing.
    names = ("融媒体中心", "淮阴生态环境局", "市自然资源和规划局淮阴分局", "文广旅局", "应急管理局")
    broken = [(a, b) for a, b in zip(lines, lines[1:], strict=False)
              if any(n in a + b and n not in a and n not in b for n in names)]
    assert len(broken) >= 3, "the PDF should break lines in the middle of unit names"
    path = write_pdf(paragraphs, tmp_path / "plan.pdf", header="淮阴区科学素质实施方案（征求意见稿）")
    clean = clean_plan_file(path)
    assert "淮阴区科学素质实施方案" not in clean.text, "running heads must not reach the text"
    assert clean.unit == "页" and clean.paragraphs[-1].origin >= 3, "the plan should span several pages"
    assert not re.search(r"—\s*\d+\s*—", clean.text), "page footers must not reach the text"
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path, clean)


def test_hard_wrapped_text_with_page_numbers_matches(tmp_path, txt_plan, registry):
    path = tmp_path / "plan.txt"
    path.write_text(hard_wrap(plan_paragraphs()), encoding="utf-8")
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings(tmp_path, txt_plan, registry, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(SHIPPED_PLAN.read_text(encoding="utf-8").encode(encoding))
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path)


def test_markdown(tmp_path, txt_plan, registry):
    lines = plan_paragraphs()
    marked = [f"# {lines[0]}", *lines[1:4]] + [
        f"## {line}" if line.startswith(("一、", "二、", "三、", "四、")) else line for line in lines[4:]]
    path = tmp_path / "plan.md"
    path.write_text("\n\n".join(marked), encoding="utf-8")
    assert_same_plan(txt_plan, parse_plan_file(path, PLAN_ID, registry), path)


def test_fixture_plans_survive_pdf_too(tmp_path, registry):
    for name in ("city_plan_lead_co.txt", "halfwidth_plan.txt"):
        source = PLANS_DATA / name
        expected = parse_plan_file(source, PLAN_ID, registry)
        copy = shutil.copy(source, tmp_path / name)
        pdf = write_pdf(plan_paragraphs(copy), tmp_path / name.replace(".txt", ".pdf"), chars_per_line=15)
        assert content(parse_plan_file(pdf, PLAN_ID, registry))["measures"] == content(expected)["measures"]
