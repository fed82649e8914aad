"""Nothing a user reads changes unnoticed: every question of the project's question sets, answered
through the app, and the shipped plan's JSON export, byte-identical to tests/data/golden.json.

An intended change of answers: `python -m tests.golden --update`, and say why in the commit.
"""

from __future__ import annotations

import difflib

import pytest

from tests import golden

pytestmark = pytest.mark.slow


def test_answers_and_export_match_the_golden_file(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    now = golden.dumps(golden.record(data_dir))
    recorded = golden.GOLDEN.read_text(encoding="utf-8")
    if now != recorded:
        diff = "".join(
            list(
                difflib.unified_diff(
                    recorded.splitlines(True), now.splitlines(True), "golden.json", "now", n=1
                )
            )[:80]
        )
        pytest.fail(
            "answers differ from tests/data/golden.json (regenerate with "
            "`python -m tests.golden --update` only when the change is intended):\n" + diff
        )


def test_golden_file_covers_every_question_set():
    import json

    recorded = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    for name in (*golden.POLICY_SETS, *golden.RUMOR_SETS):
        assert len(recorded[name]) == len(golden._jsonl(golden.DATA / name)), name
    assert recorded["export"], "the shipped plan's export is recorded"
