"""Writing and review in the browser: drafts as Markdown files (atomic, content-hash checked),
submit, approve (never one's own), send back, retire, the queue group closed and linked,
review dates, `kepu ingest corpus` keeping browser edits."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from sqlalchemy import select

from graph.db.schema import queue_groups
from graph.search.material_store import MaterialStore
from ingest.corpus_indexer import build_index
from qa_service.team.drafts import drafts_dir
from tests.material_fakes import FakeEncoder
from tests.support.database import seed_queue_group

FORM = {
    "title": "喝醋能软化血管吗？",
    "claims": "每天喝醋能软化血管\n喝醋降血脂",
    "verdict": "谣言",
    "summary": "醋进入人体后很快被中和，不能软化血管；血管健康要靠控制血压、血脂和戒烟。",
    "source": "中国营养学会《中国居民膳食指南（2022）》",
    "topics": "饮食健康",
    "audience": "老年人",
    "body": "醋的主要成分是醋酸，进入消化道后会被中和吸收，不会改变血管壁。",
    "url": "",
}


def _hash(client, headers, material_id):
    page = client.get(f"/team/materials/{material_id}", headers=headers)
    assert page.status_code == 200, page.text
    return re.search(r'name="base_hash" value="([0-9a-f]*)"', page.text).group(1)


def _check(client, text):
    return client.post("/api/rumor-check", json={"text": text}).json()


def _group(database, text="喝醋能软化血管吗"):
    return seed_queue_group(database, text)


def test_draft_from_a_group_reviewed_by_another_member_goes_public_and_closes_the_group(
    client, members, database, settings
):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    group_id = _group(database)
    new = client.get(f"/team/materials/new?group={group_id}", headers=editor)
    assert "喝醋能软化血管吗" in new.text, "the group's wording is prefilled"
    made = client.post(
        "/team/materials",
        data={**FORM, "id": "vinegar", "group": str(group_id)},
        headers=editor,
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    path = MaterialStore(settings.materials_dir).path_for("vinegar")
    assert yaml.safe_load(path.read_text("utf-8").split("---")[1])["status"] == "draft"
    assert not _check(client, "每天喝醋能软化血管吗")["matched"], "a draft is never public"
    assert (
        client.post("/team/materials/vinegar/submit", headers=editor, follow_redirects=False).status_code
        == 303
    )
    own = client.post(
        "/team/materials/vinegar/approve",
        data={"base_hash": _hash(client, editor, "vinegar")},
        headers=members["editor"].headers,
    )
    assert own.status_code == 403, "an editor cannot approve at all"
    approved = client.post(
        "/team/materials/vinegar/approve",
        data={"base_hash": _hash(client, reviewer, "vinegar")},
        headers=reviewer,
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    meta = yaml.safe_load(path.read_text("utf-8").split("---")[1])
    assert meta["status"] == "approved" and meta["reviewed_by"] == "审核员"
    assert meta["review_by"] > dt.date.today().isoformat()
    assert _check(client, "每天喝醋能软化血管吗")["materials"][0]["id"] == "vinegar"
    with database.read() as c:
        group = c.execute(select(queue_groups).where(queue_groups.c.id == group_id)).mappings().one()
    assert (
        group["status"] == "closed" and group["material_id"] == "vinegar" and group["closed_by"] == "审核员"
    )


def test_a_reviewer_cannot_approve_a_draft_they_wrote(client, members):
    reviewer = members["reviewer"].headers
    client.post("/team/materials", data={**FORM, "id": "own-draft"}, headers=reviewer)
    client.post("/team/materials/own-draft/submit", headers=reviewer)
    refused = client.post(
        "/team/materials/own-draft/approve",
        data={"base_hash": _hash(client, reviewer, "own-draft")},
        headers=reviewer,
    )
    assert refused.status_code == 403 and "不能审核通过自己" in refused.text


def test_send_back_with_a_comment_then_resubmit(client, members):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    client.post("/team/materials", data={**FORM, "id": "back"}, headers=editor)
    client.post("/team/materials/back/submit", headers=editor)
    empty = client.post("/team/materials/back/send-back", data={"comment": " "}, headers=reviewer)
    assert empty.status_code == 422 and "请写明" in empty.text
    client.post("/team/materials/back/send-back", data={"comment": "请补充依据的条款"}, headers=reviewer)
    page = client.get("/team/materials/back", headers=editor)
    assert "已退回" in page.text and "请补充依据的条款" in page.text
    listing = client.get("/team/materials", headers=editor)
    assert "请补充依据的条款" in listing.text.split('id="list-sent_back"')[1].split("</section>")[0]
    assert (
        client.post("/team/materials/back/submit", headers=editor, follow_redirects=False).status_code == 303
    )


def test_a_file_changed_on_disk_meanwhile_is_never_overwritten(client, members, settings):
    editor = members["editor"].headers
    client.post("/team/materials", data={**FORM, "id": "race"}, headers=editor)
    base = _hash(client, editor, "race")
    path = MaterialStore(settings.materials_dir).path_for("race")
    by_hand = path.read_text("utf-8").replace("不能软化血管", "不能软化血管（人工修改）")
    path.write_text(by_hand, "utf-8")
    stale = client.post(
        "/team/materials/race",
        data={**FORM, "summary": "浏览器里的修改", "base_hash": base, "action": "save"},
        headers=editor,
    )
    assert stale.status_code == 409 and "已被修改" in stale.text
    assert path.read_text("utf-8") == by_hand, "the hand edit survives"
    fresh = client.post(
        "/team/materials/race",
        data={
            **FORM,
            "summary": "浏览器里的修改，基于最新版本",
            "base_hash": _hash(client, editor, "race"),
            "action": "save",
        },
        headers=editor,
        follow_redirects=False,
    )
    assert fresh.status_code == 303 and "基于最新版本" in path.read_text("utf-8")


def test_editing_a_published_material_keeps_the_public_version_until_approved(client, members, settings):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    before = _check(client, "隔夜菜会致癌吗")
    assert before["matched"]
    material_id = before["materials"][0]["id"]
    saved = client.post(
        f"/team/materials/{material_id}",
        headers=editor,
        follow_redirects=False,
        data={
            **FORM,
            "title": "隔夜菜会致癌吗？（修订）",
            "claims": "隔夜菜会致癌",
            "summary": "修订后的摘要：冷藏保存的隔夜菜可以吃。",
            "action": "save",
            "base_hash": _hash(client, editor, material_id),
        },
    )
    assert saved.status_code == 303, saved.text
    assert (drafts_dir(settings) / f"{material_id}.md").is_file()
    assert _check(client, "隔夜菜会致癌吗")["materials"][0]["summary"] == before["materials"][0]["summary"]
    client.post(f"/team/materials/{material_id}/submit", headers=editor)
    client.post(
        f"/team/materials/{material_id}/approve",
        headers=reviewer,
        data={"base_hash": _hash(client, reviewer, material_id)},
    )
    assert _check(client, "隔夜菜会致癌吗")["materials"][0]["summary"].startswith("修订后的摘要")
    assert not (drafts_dir(settings) / f"{material_id}.md").exists()


def test_ingest_corpus_keeps_browser_edits(client, members, settings, tmp_path):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    client.post("/team/materials", data={**FORM, "id": "kept"}, headers=editor)
    client.post("/team/materials/kept/submit", headers=editor)
    client.post(
        "/team/materials/kept/approve", headers=reviewer, data={"base_hash": _hash(client, reviewer, "kept")}
    )
    report = build_index(settings, FakeEncoder(), tmp_path / "corpus")  # what `kepu ingest corpus DIR` runs
    assert report.generation
    client.app.state.services.material_index.refresh()
    assert _check(client, "每天喝醋能软化血管吗")["materials"][0]["id"] == "kept"


def test_preview_shows_the_wechat_and_web_forms_without_saving(client, members, settings):
    editor = members["editor"].headers
    client.post("/team/materials", data={**FORM, "id": "pv"}, headers=editor)
    path = MaterialStore(settings.materials_dir).path_for("pv")
    before = path.read_text("utf-8")
    page = client.post(
        "/team/materials/pv",
        headers=editor,
        data={
            **FORM,
            "summary": "预览里的新摘要。",
            "action": "preview",
            "base_hash": _hash(client, editor, "pv"),
        },
    )
    assert page.status_code == 200
    bubble = page.text.split('class="wechat-bubble">')[1].split("</pre>")[0]
    assert bubble.startswith("【谣言】喝醋能软化血管吗？") and "预览里的新摘要。" in bubble
    assert path.read_text("utf-8") == before, "preview writes nothing"


def test_retire_takes_it_off_the_public_side(client, members):
    material_id = _check(client, "隔夜菜会致癌吗")["materials"][0]["id"]
    reviewer = members["reviewer"].headers
    done = client.post(
        f"/team/materials/{material_id}/retire",
        headers=reviewer,
        follow_redirects=False,
        data={"base_hash": _hash(client, reviewer, material_id)},
    )
    assert done.status_code == 303
    assert not _check(client, "隔夜菜会致癌吗")["matched"]


def test_review_dates_due_overdue_and_withdrawn_past_the_grace_period(client, members, settings):
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    client.post("/team/materials", data={**FORM, "id": "dated"}, headers=editor)
    client.post("/team/materials/dated/submit", headers=editor)
    client.post(
        "/team/materials/dated/approve",
        headers=reviewer,
        data={"base_hash": _hash(client, reviewer, "dated")},
    )
    path = MaterialStore(settings.materials_dir).path_for("dated")
    long_ago = (dt.date.today() - dt.timedelta(days=settings.review_grace_days + 5)).isoformat()
    text = re.sub(r"review_by: '?[0-9-]+'?", f"review_by: '{long_ago}'", path.read_text("utf-8"))
    text = re.sub(r"reviewed_at: '?[0-9-]+'?", "reviewed_at: '2020-01-01'", text)
    path.write_text(text, "utf-8")
    build_index(settings, FakeEncoder())
    client.app.state.services.material_index.refresh()
    listing = client.get("/team/materials", headers=editor).text
    withdraw = listing.split("逾期超过宽限期（")[1].split("</ul>")[0]
    assert 'href="/team/materials/dated"' in withdraw, "listed as overdue past the grace period"
    assert not _check(client, "每天喝醋能软化血管吗")["matched"], "no longer served, without a button press"


def test_creating_a_material_whose_id_is_taken_shows_the_form_again_with_the_reason(client, members):
    editor = members["editor"].headers
    first = client.post(
        "/team/materials", data={**FORM, "id": "twice"}, headers=editor, follow_redirects=False
    )
    assert first.status_code == 303
    again = client.post(
        "/team/materials", data={**FORM, "id": "twice"}, headers=editor, follow_redirects=False
    )
    assert again.status_code == 409 and "素材 twice 已存在，请换一个编号。" in again.text
    assert FORM["title"] in again.text and 'name="base_hash" value=""' in again.text
