"""The shipped materials: every one loads, names the document it rests on, and carries honest review dates.

corpus/materials/REVIEW.md logs, per material, how far it was checked (A/B: against a named document
on the review day; C: read only). A material may only claim the review day as `reviewed_at` if the
log says it was checked that day, and every corrected material has a changelog entry.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from graph.settings import BUNDLED_MATERIALS_DIR
from ingest.material_loader import DOCUMENT_TITLE, load_material_dir

REVIEW = BUNDLED_MATERIALS_DIR / "REVIEW.md"
CHANGELOG = BUNDLED_MATERIALS_DIR / "CHANGELOG.md"
_ROW = re.compile(r"^\| ([A-Za-z0-9][A-Za-z0-9_.-]*) \| ([ABC]) \|", re.M)
_REVIEW_DAY = re.compile(r"^# .*（(\d{4}-\d{2}-\d{2})）", re.M)


@pytest.fixture(scope="module")
def report():
    return load_material_dir(BUNDLED_MATERIALS_DIR)


@pytest.fixture(scope="module")
def log_levels() -> dict[str, str]:
    rows = _ROW.findall(REVIEW.read_text("utf-8"))
    levels = dict(rows)
    assert len(levels) == len(rows), "a material is listed twice in REVIEW.md"
    return levels


def test_all_132_load_without_issues(report):
    assert [str(i) for i in report.issues] == []
    assert len(report.materials) == 132
    assert all(m.status == "approved" and m.bundled_sample for m in report.materials)


def test_every_source_names_a_document(report):
    for m in report.materials:
        assert DOCUMENT_TITLE.search(m.source), f"{m.id}: source names no 《document》: {m.source}"


def test_every_material_has_review_dates_within_a_year(report):
    for m in report.materials:
        assert m.reviewed_at and m.review_by, m.id
        reviewed, due = dt.date.fromisoformat(m.reviewed_at), dt.date.fromisoformat(m.review_by)
        assert reviewed < due <= reviewed + dt.timedelta(days=366), (
            f"{m.id}: review_by {due} vs reviewed_at {reviewed}"
        )


def test_review_log_lists_every_material_and_matches_its_dates(report, log_levels):
    review_day = _REVIEW_DAY.search(REVIEW.read_text("utf-8")).group(1)
    assert set(log_levels) == {m.id for m in report.materials}
    for m in report.materials:
        level = log_levels[m.id]
        if level in "AB":
            assert m.reviewed_at == review_day, f"{m.id} is logged as checked on {review_day}"
        else:
            assert m.reviewed_at < review_day, (
                f"{m.id} was only read: it must not claim {review_day} as its review"
            )
            assert m.review_by <= "2027-03-01", f"{m.id}: read-only material is due for a real check soon"


def test_changelog_names_only_real_materials_that_were_checked(report, log_levels):
    text = CHANGELOG.read_text("utf-8")
    ids = {m.id for m in report.materials}
    entries = re.findall(r"^### ([A-Za-z0-9][A-Za-z0-9_.-]*)", text, re.M)
    assert entries, "the changelog has entries"
    for entry in entries:
        assert entry in ids, f"changelog entry for unknown material {entry}"
        assert log_levels[entry] in "AB", (
            f"{entry} was changed, so it must have been checked against its source"
        )
    for required in (
        "flood-car-submerged-escape",
        "vaccine-rabies-24-hours",
        "vaccine-aluminum-adjuvant",
        "vaccine-simultaneous-doses",
        "fire-ebike-indoor-charging",
        "food-black-fungus-soaking",
        "food-fresh-daylily",
        "drug-tcm-no-side-effects",
        "drug-antihypertensive-stop",
        "epi-flu-vs-cold",
    ):
        assert required in entries


def test_the_corrections_of_issue_12_are_in_the_public_answers(report):
    by_id = {m.id: m for m in report.materials}
    car = by_id["flood-car-submerged-escape"]
    assert "头枕的金属杆" not in car.body and "破窗器" in car.summary
    assert (
        "较多" not in by_id["vaccine-rabies-24-hours"].body
        and "蝙蝠" in by_id["vaccine-rabies-24-hours"].body
    )
    assert "远低于婴儿从食物中摄入" not in by_id["vaccine-aluminum-adjuvant"].summary
    assert "不会明显增加" in by_id["vaccine-simultaneous-doses"].summary
    assert "第三十七条" in by_id["fire-ebike-indoor-charging"].summary
    assert "1—2小时" in by_id["food-black-fungus-soaking"].summary
    assert "2小时以上" in by_id["food-fresh-daylily"].summary
    assert "国家食品药品监督管理总局" in by_id["drug-tcm-no-side-effects"].body
    assert "国家心血管病中心" not in by_id["drug-antihypertensive-stop"].source
