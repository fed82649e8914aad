"""Shared fixtures of the ingest tests: the shipped plan, its dev questions, the unit registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.settings import BUNDLED_PLANS_DIR, PROJECT_ROOT
from graph.unit_registry import UnitRegistry
from ingest.plan_parser import parse_plan_file

SHIPPED_PLAN = BUNDLED_PLANS_DIR / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
PLANS_DATA = PROJECT_ROOT / "tests" / "data" / "plans"
# The dev questions with answers in the shipped plan (copied from the team's shared
# dev_questions.jsonl, which a clean clone does not have; test_dev_copy_in_sync guards the copy).
DEV_QUESTIONS = PLANS_DATA / "dev_questions_units.jsonl"
SHARED_QUESTIONS = PROJECT_ROOT.parent / "shared" / "questions" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def registry() -> UnitRegistry:
    return UnitRegistry.load()


@pytest.fixture(scope="session")
def shipped_plan(registry):
    return parse_plan_file(SHIPPED_PLAN, registry=registry)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dev_questions(*types: str) -> list[dict]:
    return [q for q in read_jsonl(DEV_QUESTIONS) if not types or q["type"] in types]
