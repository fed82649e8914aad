"""The answer log and the unanswered queue: written off the answer path, grouped by meaning,
ranked by demand, trending flagged, exported (both database backends)."""

from __future__ import annotations

import csv
import io
import time

import numpy as np
from openpyxl import load_workbook
from sqlalchemy import insert, select

from graph.db.schema import questions, queue_groups, queue_messages
from qa_service.team import demand
from qa_service.team.grouping import Grouper, to_blob
from qa_service.team.recorder import AnswerRecorder
from tests.material_fakes import FakeEncoder
from tests.qa_service.team.answers import (
    policy_abstained,
    policy_answered,
    policy_suggested,
    rumor_answered,
    rumor_unanswered,
)

FAKE_SIMILARITY = 0.6  # the fake encoder's n-gram vectors are less alike than the model's


def _recorder(database, encoder=None):
    encoder = encoder or FakeEncoder()
    recorder = AnswerRecorder(lambda: database, lambda: encoder.encode_queries)
    return recorder, encoder


def test_every_answer_is_logged_with_its_outcome(database):
    recorder, _ = _recorder(database)
    ids = [
        recorder.record("web", "s1", "谁负责科普基地？", policy_answered()),
        recorder.record("api", "", "科普基地？", policy_suggested()),
        recorder.record("wechat", "o1", "今天天气", policy_abstained()),
        recorder.record("wechat", "o2", "隔夜菜会致癌吗", rumor_answered()),
        recorder.record("wechat", "o3", "喝醋能软化血管吗", rumor_unanswered("喝醋能软化血管吗")),
    ]
    assert recorder.flush()
    with database.read() as c:
        rows = {r.id: r for r in c.execute(select(questions))}
        queued = c.execute(select(queue_messages.c.question_id, queue_messages.c.group_id)).all()
    assert [rows[i].outcome for i in ids] == ["answered", "suggested", "abstained", "answered", "abstained"]
    assert rows[ids[0]].citation == "（三）1. 科普基地建设" and rows[ids[3]].material_id == "overnight-dishes"
    assert [q.question_id for q in queued] == [ids[4]], "only the unanswered claim goes to the queue"
    assert queued[0].group_id is not None, "grouped in the background as well"


def test_recording_never_blocks_and_drops_past_the_limit(database):
    class Stuck:
        def begin(self):
            time.sleep(0.5)
            raise RuntimeError("database away")

    recorder = AnswerRecorder(lambda: Stuck(), lambda: None, max_pending=5)
    started = time.perf_counter()
    for i in range(50):
        recorder.record("web", "s", f"问题{i}", policy_answered())
    assert time.perf_counter() - started < 0.2, "record() must return at once even when the database is stuck"
    assert recorder.dropped >= 40


def test_near_duplicates_share_a_group_and_other_claims_do_not(database):
    recorder, encoder = _recorder(database)
    texts = [
        "喝醋能软化血管吗",
        "喝醋能软化血管吗？",
        "听说喝醋可以软化血管",
        "5G基站的辐射会致癌吗",
        "5G基站辐射致癌吗",
    ]
    for i, text in enumerate(texts):
        recorder.record("wechat", f"o{i}", text, rumor_unanswered(text))
    assert recorder.flush()
    with database.begin() as c:  # regroup with the fake encoder's own threshold
        c.execute(queue_messages.update().values(group_id=None))
        c.execute(queue_groups.delete())
    Grouper(database, encoder.encode_queries, FAKE_SIMILARITY).assign_pending()
    with database.read() as c:
        group_of = dict(c.execute(select(queue_messages.c.text, queue_messages.c.group_id)).all())
    assert group_of["喝醋能软化血管吗"] == group_of["喝醋能软化血管吗？"] == group_of["听说喝醋可以软化血管"]
    assert group_of["5G基站的辐射会致癌吗"] == group_of["5G基站辐射致癌吗"]
    assert group_of["喝醋能软化血管吗"] != group_of["5G基站辐射致癌吗"]


def _group_with(database, title: str, times: list[float], askers: list[str]) -> int:
    vector = np.zeros(8, np.float32)
    vector[len(title) % 8] = 1
    with database.begin() as c:
        group_id = c.execute(
            insert(queue_groups)
            .values(
                title=title,
                status="open",
                created_at=min(times),
                last_at=max(times),
                centroid=to_blob(vector),
                size=len(times),
            )
            .returning(queue_groups.c.id)
        ).scalar_one()
        c.execute(
            insert(queue_messages),
            [
                {
                    "question_id": f"{group_id:04d}{i:028d}",
                    "at": at,
                    "channel": "wechat",
                    "asker": who,
                    "text": f"{title}{i}",
                    "group_id": group_id,
                }
                for i, (at, who) in enumerate(zip(times, askers, strict=True))
            ],
        )
    return group_id


def test_groups_are_ranked_by_demand_and_sudden_growth_is_trending(database):
    now = 1_800_000_000.0
    day = demand.DAY
    steady = _group_with(
        database,
        "长期有人问的说法",
        [now - d * day - 100 for d in range(1, 28)],
        [f"u{d}" for d in range(27)],
    )
    surge = _group_with(
        database, "今天突然流传的说法", [now - i * 60 for i in range(12)], [f"v{i}" for i in range(12)]
    )
    one = _group_with(database, "只问过一次的说法", [now - 3 * day], ["w"])
    repeat = _group_with(database, "一个人反复问的说法", [now - 2 * day - i for i in range(6)], ["x"] * 6)
    groups = demand.ranked_groups(database, now=now)
    order = [g.id for g in groups]
    assert order.index(surge) < order.index(one) and order.index(steady) < order.index(one)
    assert order.index(repeat) > order.index(steady), "six asks by one person weigh less than 27 people"
    by_id = {g.id: g for g in groups}
    assert by_id[surge].trending and not by_id[steady].trending, "only the sudden one is 舆情"
    assert by_id[steady].weekly_baseline == 27 / 4 and by_id[surge].last_day == 12
    assert by_id[repeat].askers == 1 and by_id[repeat].asks == 6


def test_export_csv_and_xlsx(database):
    now = time.time()
    _group_with(database, "喝醋能软化血管吗", [now - 10, now - 20], ["a", "b"])
    groups = demand.ranked_groups(database)
    rows = list(csv.reader(io.StringIO(demand.export_csv(groups).decode("utf-8-sig"))))
    assert rows[0][:4] == ["排名", "问题（代表说法）", "提问次数", "提问人数"]
    assert rows[1][1:4] == ["喝醋能软化血管吗", "2", "2"]
    sheet = load_workbook(io.BytesIO(demand.export_xlsx(groups))).active
    assert sheet.title == "待答问题" and sheet["B2"].value == "喝醋能软化血管吗" and sheet["C2"].value == 2


def test_queue_pages_and_exports_need_a_member(client, members, database):
    _group_with(database, "喝醋能软化血管吗", [time.time() - 5], ["a"])
    viewer = members["viewer"].headers
    page = client.get("/team/queue", headers=viewer)
    assert page.status_code == 200 and "喝醋能软化血管吗" in page.text
    assert "起草素材" not in page.text, "a 查看 member cannot start drafts"
    assert "起草素材" in client.get("/team/queue", headers=members["editor"].headers).text
    assert (
        client.get("/team/queue.xlsx", headers=viewer)
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats")
    )
    assert client.get("/team/queue.csv", follow_redirects=False).status_code == 303
    api = client.get("/api/team/queue", headers=viewer).json()
    assert api["groups"][0]["title"] == "喝醋能软化血管吗"
