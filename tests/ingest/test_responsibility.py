"""Responsibility notes: who leads, who takes part, which towns and zones."""

from __future__ import annotations

import pytest

from ingest.responsibility import NoteSyntaxError, UnitResolver, find_note, parse_note


@pytest.fixture(scope="module")
def district(registry):
    return UnitResolver(registry, "区", "淮阴区")


@pytest.fixture(scope="module")
def city():
    return UnitResolver(None, "市", "淮安市")


def test_two_groups_first_leads(district):
    units = parse_note("责任单位：区科技局、区委宣传部，区文广旅局、教体局、融媒体中心、团区委、科协等，各镇、街道", district)
    assert units.lead == ["区科技局", "区委宣传部"]
    assert units.co == ["区文广旅局", "区教体局", "区融媒体中心", "团区委", "区科协"]
    assert units.local == ["各镇", "各街道"]


def test_one_group_is_jointly_responsible_without_lead(district):
    units = parse_note("责任单位：区科技局、教体局、科协等，各镇、街道", district)
    assert units.lead == [] and units.co == ["区科技局", "区教体局", "区科协"]


def test_prefix_distributes_but_self_contained_names_keep_their_form(district):
    units = parse_note("责任单位：区人社局、总工会、市自然资源和规划局淮阴分局、淮阴生态环境局、团区委、区委党校", district)
    assert units.co == ["区人社局", "区总工会", "市自然资源和规划局淮阴分局", "淮阴生态环境局", "团区委", "区委党校"]
    assert units.unresolved == []


def test_zones_and_alias_brackets(district):
    units = parse_note("责任单位：区委宣传部<区文明办>，区科技局、妇联等，高新区、农科园，各镇、街道", district)
    assert units.lead == ["区委宣传部"] and units.co == ["区科技局", "区妇联"]
    assert units.zones == ["高新区", "农科园"]
    assert units.aliases == {"区委宣传部": ["区文明办"]}


def test_labelled_lead_and_cooperation_in_a_city_plan(city):
    units = parse_note("牵头单位：市科协；配合单位：市教育局、科技局、团市委", city)
    assert units.lead == ["市科协"] and units.co == ["市教育局", "市科技局", "团市委"]
    units = parse_note("牵头单位：市农业农村局，配合单位：市人社局、市科协等，各区、县级市", city)
    assert units.lead == ["市农业农村局"] and units.co == ["市人社局", "市科协"]
    assert units.local == ["各区", "各县级市"]
    assert "市科协" in units.unresolved, "names the registry does not know are kept and reported"


def test_role_suffixes(city):
    units = parse_note("市科协牵头，市农业农村局、市卫健委配合", city)
    assert units.lead == ["市科协"] and units.co == ["市农业农村局", "市卫健委"]


def test_member_units_and_towns_only(district):
    units = parse_note("责任单位：区全民科学素质工作领导小组各成员单位", district)
    assert units.co == ["区全民科学素质工作领导小组成员单位"] and units.lead == []
    units = parse_note("责任单位：各镇（街道）", district)
    assert units.local == ["各镇", "各街道"] and units.co == []


def test_unknown_names_are_kept(district):
    units = parse_note("责任单位：区科协、数字化转型办公室", district)
    assert units.co == ["区科协", "区数字化转型办公室"]
    assert units.unresolved == ["区数字化转型办公室"]


@pytest.mark.parametrize(
    ("paragraph", "body"),
    [
        ("开展活动。（责任单位：区科技局、教体局，各镇、街道）", "责任单位：区科技局、教体局，各镇、街道"),
        ("开展活动(责任单位:区科技局,各镇、街道)。", "责任单位:区科技局,各镇、街道"),
        ("开展活动。（牵头单位：市科协）（配合单位：市教育局）", "牵头单位：市科协；配合单位：市教育局"),
        ("开展活动。责任单位：区科技局。", "责任单位：区科技局"),
        ("加强组织领导。（各成员单位）", "各成员单位"),
        ("加强组织领导。（区科技局、区科协）", "区科技局、区科协"),
    ],
)
def test_find_note_styles(district, paragraph, body):
    note = find_note(paragraph, district)
    assert note is not None and note.body == body


def test_brackets_in_running_text_are_not_notes(district):
    assert find_note("依托新时代文明实践中心（所站）、党群服务中心开展活动。", district) is None
    assert find_note("开展科技活动周（科普宣传周）。", district) is None


@pytest.mark.parametrize(
    "paragraph",
    ["开展活动。（责任单位：区科技局、教体局", "开展活动。（责任单位：区委宣传部<区文明办，区科技局）",
     "开展活动。（责任单位：区科技局））"],
)
def test_unbalanced_notes_are_errors(district, paragraph):
    with pytest.raises(NoteSyntaxError):
        find_note(paragraph, district)
