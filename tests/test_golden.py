"""Nothing a user reads changes unnoticed: every question of the project's question sets, answered
through the app, and the shipped plan's JSON export, identical to tests/data/golden.json (floats
within golden.FLOAT_TOLERANCE: the last bits of a dot product differ between CPUs).

An intended change of answers: `python -m tests.golden --update`, and say why in the commit.
"""

from __future__ import annotations

import pytest

from tests import golden

pytestmark = pytest.mark.slow


def test_answers_and_export_match_the_golden_file(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    import json

    now = json.loads(golden.dumps(golden.record(data_dir)))
    recorded = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    found = golden.differences(recorded, now)
    if found:
        pytest.fail(
            "answers differ from tests/data/golden.json (regenerate with "
            "`python -m tests.golden --update` only when the change is intended):\n" + "\n".join(found)
        )


def test_golden_file_covers_every_question_set():
    import json

    recorded = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    for name in (*golden.POLICY_SETS, *golden.RUMOR_SETS):
        assert len(recorded[name]) == len(golden._jsonl(golden.DATA / name)), name
    assert recorded["export"], "the shipped plan's export is recorded"


def test_a_changed_answer_fails_but_the_last_bits_of_a_score_do_not():
    recorded = {"q": [{"answer": "区科协牵头", "confidence": 0.9881, "units": ["区科协"]}]}
    assert (
        golden.differences(
            recorded, {"q": [{"answer": "区科协牵头", "confidence": 0.9884, "units": ["区科协"]}]}
        )
        == []
    )
    changed = golden.differences(
        recorded, {"q": [{"answer": "区教体局牵头", "confidence": 0.9881, "units": ["区科协"]}]}
    )
    assert changed and "区教体局" in changed[0]
    assert golden.differences(
        recorded, {"q": [{"answer": "区科协牵头", "confidence": 0.95, "units": ["区科协"]}]}
    )
    assert golden.differences(recorded, {"q": [{"answer": "区科协牵头", "confidence": 0.9881, "units": []}]})
