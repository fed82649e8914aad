"""Material files: front-matter validation with file + field in every message, and passages with spans."""

from __future__ import annotations

import pytest

from graph.errors import MaterialInvalid
from ingest.material_loader import (
    MAX_PASSAGE_CHARS,
    clean_markdown,
    load_material_dir,
    load_material_file,
    material_passages,
    parse_material,
    split_passages,
)
from tests.material_fakes import SMALL_MATERIALS

GOOD = """---
id: test-item
title: 喝醋能软化血管吗？
claims:
  - 喝醋能软化血管
verdict: 谣言
summary: 醋进入人体后会被中和，不能软化血管。
topics: [饮食健康]
audience: 公众
source: 中国营养学会《中国居民膳食指南（2022）》
status: approved
reviewed_by: 王审核
reviewed_at: 2024-01-01
updated_at: "2024-01-03"
---

醋的主要成分是醋酸。
"""


def test_directory_load_keeps_good_files_and_names_file_and_field_of_bad_ones():
    report = load_material_dir(SMALL_MATERIALS)

    ids = sorted(m.id for m in report.materials)
    assert ids == ["5g-radiation", "banana-retired", "garlic-virus", "msg-draft", "overnight-dishes"]
    problems = {issue.file.rsplit("/", 1)[-1]: issue.field for issue in report.issues}
    assert problems == {
        "broken-verdict.md": "verdict",
        "broken-yaml.md": "front matter",
        "broken-no-front-matter.md": "front matter",
        "broken-missing-claims.md": "claims",
    }
    verdict_issue = next(i for i in report.issues if i.field == "verdict")
    assert "假的" in verdict_issue.message and "谣言" in verdict_issue.message, "message should list valid verdicts"
    assert "broken-verdict.md" in str(verdict_issue)


def test_record_fields_are_normalised():
    record = parse_material(GOOD, "x.md")

    assert record.audience == ["公众"], "a single audience string becomes a list"
    assert record.updated_at == "2024-01-03" and record.reviewed_at == "2024-01-01"
    assert record.claims == ["喝醋能软化血管"]
    assert record.public
    assert record.body.strip() == "醋的主要成分是醋酸。"
    assert GOOD.replace("\r\n", "\n")[record.body_offset:].strip() == "醋的主要成分是醋酸。"


@pytest.mark.parametrize(("change", "field"), [
    (("verdict: 谣言", "verdict: 假"), "verdict"),
    (("status: approved", "status: published"), "status"),
    (("id: test-item", "id: ../evil"), "id"),
    (("reviewed_by: 王审核\n", ""), "reviewed_by"),
    (('updated_at: "2024-01-03"', "updated_at: 昨天"), "updated_at"),
    (("source: 中国营养学会《中国居民膳食指南（2022）》", "source: ''"), "source"),
    (("claims:\n  - 喝醋能软化血管", "claims: []"), "claims"),
    (("topics: [饮食健康]", "topics: [1, 2]"), "topics"),
])
def test_each_bad_field_is_named(change, field):
    with pytest.raises(MaterialInvalid) as err:
        parse_material(GOOD.replace(*change), "bad.md")
    assert err.value.field == field
    assert "bad.md" in err.value.user_message and field in err.value.user_message


def test_draft_needs_no_reviewer():
    text = GOOD.replace("status: approved", "status: draft").replace("reviewed_by: 王审核\n", "")
    assert parse_material(text, "d.md").status == "draft"


def test_passages_point_back_into_the_file():
    path = SMALL_MATERIALS / "overnight-dishes.md"
    record = load_material_file(path)
    text = path.read_text(encoding="utf-8")

    passages = material_passages(record)
    assert len(passages) >= 2
    for start, end, passage in passages:
        assert clean_markdown(text[start:end]) == passage, "the span must cover exactly the passage text"
    assert any("亚硝酸盐" in p for _, _, p in passages)
    assert not any(p.startswith("#") for _, _, p in passages), "markdown marks are not part of passage text"
    headed = [p for _, _, p in passages if p.startswith("建议")]
    assert headed and "冰箱" in headed[0], "a heading stays with the paragraph it introduces"


def test_long_body_is_split_at_sentence_ends_within_the_limit():
    sentence = "这是一句用来测试切分的较长句子，内容没有实际意义。"
    body = sentence * 40
    spans = split_passages(body)

    assert len(spans) > 1
    assert all(e - s <= MAX_PASSAGE_CHARS for s, e in spans)
    assert "".join(body[s:e] for s, e in spans) == body, "no text lost between passages"
    assert all(body[s:e].endswith("。") for s, e in spans[:-1]), "cuts fall on sentence ends"


def test_approved_source_must_name_a_document():
    text = GOOD.replace("source: 中国营养学会《中国居民膳食指南（2022）》", "source: 中国营养学会；国家卫生健康委员会")
    with pytest.raises(MaterialInvalid) as err:
        parse_material(text, "nodoc.md")
    assert err.value.field == "source"
    assert "nodoc.md" in err.value.user_message and "《" in err.value.problem
    empty_title = GOOD.replace("《中国居民膳食指南（2022）》", "《 》")
    with pytest.raises(MaterialInvalid):
        parse_material(empty_title, "empty-title.md")
    draft = text.replace("status: approved", "status: draft")
    assert parse_material(draft, "draft.md").source == "中国营养学会；国家卫生健康委员会", "a draft may still lack it"


def test_review_by_is_parsed_and_checked_against_reviewed_at():
    record = parse_material(GOOD.replace("reviewed_at: 2024-01-01\n", "reviewed_at: 2024-01-01\nreview_by: 2025-01-01\n"),
                            "x.md")
    assert record.review_by == "2025-01-01"
    assert record.front_matter()["review_by"] == "2025-01-01" and record.to_json()["review_by"] == "2025-01-01"
    assert parse_material(GOOD, "x.md").review_by == "", "absent means no date set"
    for bad, words in (("review_by: 明年", "日期"), ("review_by: 2023-12-31", "应晚于"), ("review_by: 2024-01-01", "应晚于")):
        with pytest.raises(MaterialInvalid) as err:
            parse_material(GOOD.replace("reviewed_at: 2024-01-01\n", f"reviewed_at: 2024-01-01\n{bad}\n"), "late.md")
        assert err.value.field == "review_by" and words in err.value.problem
        assert "late.md" in err.value.user_message


def test_review_by_round_trips_through_markdown():
    record = parse_material(GOOD.replace("reviewed_at: 2024-01-01\n", "reviewed_at: 2024-01-01\nreview_by: 2025-01-01\n"),
                            "x.md")
    again = parse_material(record.to_markdown(), "y.md")
    assert (again.reviewed_at, again.review_by, again.source) == ("2024-01-01", "2025-01-01", record.source)
