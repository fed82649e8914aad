"""Material overdue past its review date plus the grace period stops being served to the public by
itself (no button, no write on the answer path), stays visible to editors, and comes back when it
is approved again. The clock is the serving rule's, moved forward instead of waiting a year."""

from __future__ import annotations

import datetime as dt
import re

from graph.search.serving import ServingRule
from qa_service.rumors.check import NO_MATERIAL_REPLY
from tests.qa_service.team.conftest import BOOT_TOKEN
from tests.qa_service.team.test_review import FORM, _hash

CLAIM = "每天喝醋能软化血管吗"
ADMIN = {"X-Kepu-Token": BOOT_TOKEN}


def _check(client):
    response = client.post("/api/rumor-check", json={"text": CLAIM})
    assert response.status_code == 200, response.text
    return response.json()


def _approved(client, members, material_id="dated"):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    made = client.post(
        "/team/materials", data={**FORM, "id": material_id}, headers=editor, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    submitted = client.post(f"/team/materials/{material_id}/submit", headers=editor, follow_redirects=False)
    assert submitted.status_code == 303
    done = client.post(
        f"/team/materials/{material_id}/approve",
        headers=reviewer,
        data={"base_hash": _hash(client, reviewer, material_id)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _move_clock(client, day: dt.date, settings) -> None:
    client.app.state.services.material_index.use_rule(
        ServingRule(settings.review_grace_days, today=lambda: day)
    )


def _review_by(client, material_id="dated") -> dt.date:
    return dt.date.fromisoformat(
        client.app.state.services.material_index.get().materials[material_id].review_by
    )


def _material_files(settings) -> dict[str, int]:
    """The material files and the index (the unanswered log may grow: the public got no answer)."""
    roots = (settings.materials_dir, settings.index_dir)
    return {str(p): p.stat().st_mtime_ns for root in roots for p in root.rglob("*") if p.is_file()}


def test_overdue_past_grace_is_withdrawn_from_the_public_until_approved_again(client, members, settings):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    _approved(client, members)
    assert _check(client)["matched"], "freshly approved material is served"
    due = _review_by(client)
    grace = settings.review_grace_days

    _move_clock(client, due + dt.timedelta(days=grace), settings)
    assert _check(client)["matched"], "the last day of the grace period still serves it"

    _move_clock(client, due + dt.timedelta(days=grace + 1), settings)
    files_before = _material_files(settings)
    result = _check(client)
    assert not result["matched"] and result["reply"] == NO_MATERIAL_REPLY, (
        "the public gets no vetted material"
    )
    assert "dated" not in {m["id"] for m in result.get("materials", [])}
    hits = client.get("/api/search", params={"q": "喝醋 软化血管"}).json()["hits"]
    assert "dated" not in {h["id"] for h in hits}, "public search skips it"
    assert "dated" not in {h["id"] for h in client.get("/api/search").json()["hits"]}, (
        "and so does the listing"
    )
    assert client.get("/api/materials/dated").status_code == 404
    assert _material_files(settings) == files_before, "withdrawing wrote no material file and no index"

    # Editors still see it: listed as withdrawn on the review page, searchable under "all", editable.
    listing = client.get("/team/materials", headers=editor).text
    withdrawn = listing.split("逾期超过宽限期（")[1].split("</ul>")[0]
    assert 'href="/team/materials/dated"' in withdrawn
    assert "逾期停用（不向公众提供）" in listing
    staff_hits = client.get(
        "/api/search", params={"q": "喝醋 软化血管", "status": "all"}, headers=ADMIN
    ).json()
    assert "dated" in {h["id"] for h in staff_hits["hits"]}
    assert client.get("/api/materials/dated", headers=ADMIN).status_code == 200
    assert client.get("/team/materials/dated", headers=editor).status_code == 200

    # Re-approval: the editor saves it again after checking, submits, another member approves.
    page = client.get("/team/materials/dated", headers=editor).text
    saved = client.post(
        "/team/materials/dated",
        data={
            **FORM,
            "action": "save",
            "base_hash": re.search(r'name="base_hash" value="([0-9a-f]*)"', page).group(1),
        },
        headers=editor,
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert not _check(client)["matched"], "a saved draft does not bring it back"
    assert (
        client.post("/team/materials/dated/submit", headers=editor, follow_redirects=False).status_code == 303
    )
    approved = client.post(
        "/team/materials/dated/approve",
        headers=reviewer,
        data={"base_hash": _hash(client, reviewer, "dated")},
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    today = due + dt.timedelta(days=grace + 1)
    record = client.app.state.services.material_index.get().materials["dated"]
    assert record.reviewed_at == today.isoformat() and _review_by(client) > today, "new review dates stamped"
    assert _check(client)["matched"], "served again after approval"
    assert "dated" in {
        h["id"] for h in client.get("/api/search", params={"q": "喝醋 软化血管"}).json()["hits"]
    }


def test_the_withdraw_button_still_records_the_withdrawal_and_asks_for_review(
    client, members, settings, database
):
    from qa_service.team import audit

    _approved(client, members)
    _move_clock(client, _review_by(client) + dt.timedelta(days=settings.review_grace_days + 1), settings)
    assert not _check(client)["matched"]
    page = client.get("/team/materials", headers=members["reviewer"].headers)
    assert "将逾期超过宽限期的素材转为待审核" in page.text
    csrf = re.search(r'name="csrf" value="([^"]*)"', page.text)
    pressed = client.post(
        "/team/review/withdraw-overdue",
        data={"csrf": csrf.group(1) if csrf else ""},
        headers=members["reviewer"].headers,
        follow_redirects=False,
    )
    assert pressed.status_code == 303, pressed.text
    actions = [e["action"] for e in audit.entries(database, limit=20, target="dated")]
    assert "review.overdue" in actions, "the withdrawal is in the audit log"
    to_review = client.get("/team/materials", headers=members["reviewer"].headers).text.split("待审核")[1]
    assert 'href="/team/materials/dated"' in to_review
    assert not _check(client)["matched"]


def test_bundled_review_dates_keep_todays_serving_and_withdraw_level_c_after_march_2027():
    from graph.search.serving import withdrawn_on
    from graph.settings import BUNDLED_MATERIALS_DIR, Settings
    from ingest.material_loader import load_material_dir

    records = [r for r in load_material_dir(BUNDLED_MATERIALS_DIR).materials if r.status == "approved"]
    grace = Settings.review_grace_days
    assert not [r.id for r in records if withdrawn_on(r, dt.date(2026, 12, 2), grace)], (
        "today nothing changes"
    )
    spring = [r.id for r in records if withdrawn_on(r, dt.date(2027, 4, 1), grace)]
    assert spring and all(r.review_by == "2027-03-01" for r in records if r.id in spring)
    assert len([r for r in records if withdrawn_on(r, dt.date(2028, 1, 15), grace)]) == len(
        [r for r in records if r.review_by]
    )
