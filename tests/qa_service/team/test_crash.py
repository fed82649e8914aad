"""kill -9 during an approval loses nothing committed: the process dies right after the file is
written (nothing in the database yet) or right after the commit (index not yet rebuilt)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from graph.db import close_all
from graph.db.schema import pushes, queue_groups, reviews
from graph.search.material_store import MaterialStore
from tests.qa_service.team.conftest import BOOT_TOKEN, team_app
from tests.qa_service.team.test_review import FORM, _group, _hash

APPROVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from fastapi.testclient import TestClient
    from graph.settings import Settings
    from qa_service.rumors import check as rumor_check
    from tests.material_fakes import FakeEncoder, lexical_calibration
    rumor_check.default_encoder_factory = lambda settings: FakeEncoder
    rumor_check.load_calibration = lexical_calibration
    from tests.qa_service.team.conftest import team_app
    settings = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2], admin_token="x")
    client = TestClient(team_app(settings))
    response = client.post("/team/materials/crashy/approve", data={"base_hash": sys.argv[3]},
                           headers={"X-Kepu-Token": sys.argv[4]}, follow_redirects=False)
    print(response.status_code)
""")


def _prepare(client, members, database):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    group_id = _group(database)
    client.post("/team/materials", data={**FORM, "id": "crashy", "group": str(group_id)}, headers=editor)
    client.post("/team/materials/crashy/submit", headers=editor)
    return group_id, _hash(client, reviewer, "crashy")


def _approve_and_die(settings, tmp_path, members, base_hash, point):
    script = tmp_path / "approve.py"
    script.write_text(APPROVER, "utf-8")
    env = {"KEPU_FAULT_INJECT": point, "PYTHONPATH": ".", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            str(settings.data_dir),
            settings.database_url,
            base_hash,
            members["reviewer"].token,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, f"expected a SIGKILL at {point}: {done.returncode} {done.stderr[-2000:]}"


@pytest.mark.parametrize("point", ["team-approve-file-written", "team-approve-committed"])
def test_kill_9_during_an_approval(client, members, database, settings, tmp_path, point):
    group_id, base_hash = _prepare(client, members, database)
    client.close()
    _approve_and_die(settings, tmp_path, members, base_hash, point)
    close_all()
    path = MaterialStore(settings.materials_dir).path_for("crashy")
    assert yaml.safe_load(path.read_text("utf-8").split("---")[1])["status"] == "approved", (
        "the file is whole"
    )
    with database.read() as c:
        state = c.execute(select(reviews.c.state).where(reviews.c.material_id == "crashy")).scalar()
        group = c.execute(select(queue_groups.c.status).where(queue_groups.c.id == group_id)).scalar()
    if point == "team-approve-committed":
        assert (state, group) == ("approved", "closed"), "the committed approval survives the kill"
        with database.read() as c:
            assert c.execute(select(pushes.c.status)).scalars().all() == ["queued"], "its push job too"
    else:
        assert (state, group) == ("submitted", "open"), "nothing was committed, nothing half-done"
    # A fresh server: approving again (the file is the truth) finishes the step; nothing doubles.
    with TestClient(team_app(settings)) as fresh:
        reviewer = members["reviewer"].headers
        page = fresh.get("/team/materials/crashy", headers=reviewer)
        assert page.status_code == 200
        if point == "team-approve-file-written":
            again = fresh.post(
                "/team/materials/crashy/approve",
                headers=reviewer,
                follow_redirects=False,
                data={"base_hash": re.search(r'name="base_hash" value="([0-9a-f]*)"', page.text).group(1)},
            )
            assert again.status_code == 303, again.text
        fresh.app.state.services.material_index.refresh()
    with database.read() as c:
        assert (
            c.execute(select(queue_groups.c.status).where(queue_groups.c.id == group_id)).scalar() == "closed"
        )
        assert len(c.execute(select(pushes.c.id)).all()) <= 1, "never two push jobs for one asker"
    assert BOOT_TOKEN
