"""graph/roles.py: one role per unit and measure, the same for the API, the pages and the CLI."""

from __future__ import annotations

from graph.roles import ROLE_NAMES, ROLES, role_counts, role_of
from tests.qa_service.policy_fixtures import mini_plan


def test_a_unit_listed_where_no_lead_is_named_shares_the_responsibility():
    measures = {m.title: m for m in mini_plan().measures}
    with_lead, without_lead = measures["加大科普创作支持力度"], measures["提升全媒体科学传播能力"]
    assert role_of(with_lead, "区科技局") == "lead" and role_of(with_lead, "区科协") == "co"
    assert role_of(without_lead, "区科协") == "joint"
    assert role_of(with_lead, "各镇") == "local" and role_of(measures["强化科普教育基地建设"], "高新区") == "zone"
    assert role_of(with_lead, "火星局") is None


def test_counts_cover_every_measure_once_per_unit():
    plan = mini_plan()
    counts = role_counts(plan.measures)
    assert counts["区科协"] == {"co": 4, "joint": 4}
    assert sum(counts["区委宣传部"].values()) == sum("区委宣传部" in m.all_units for m in plan.measures)
    assert set(ROLE_NAMES) == set(ROLES) and ROLE_NAMES["joint"] == "共同负责"
