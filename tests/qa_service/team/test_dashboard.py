"""The team dashboard: figures per day (UTC+8) on both backends, SVG charts drawn server-side
with nothing to run, the page's lists."""

from __future__ import annotations

import time

from sqlalchemy import insert

from graph.db.schema import feedback, questions
from qa_service.team import charts
from qa_service.team.dashboard import DAY, TZ_OFFSET, figures


def _log(database, rows):
    with database.begin() as c:
        c.execute(
            insert(questions),
            [
                {
                    "id": f"{i:032x}",
                    "at": at,
                    "channel": "web",
                    "asker": "a",
                    "text": "q",
                    "intent": intent,
                    "outcome": outcome,
                    "material_id": material,
                    "confidence": 0.5,
                    "answer": "a",
                }
                for i, (at, intent, outcome, material) in enumerate(rows)
            ],
        )


def test_figures_count_per_local_day_and_outcome(database):
    midnight = (int((time.time() + TZ_OFFSET) // DAY)) * DAY - TZ_OFFSET  # today 00:00 in UTC+8
    rows = [(midnight + 60, "rumor", "answered", "overnight-dishes")] * 3
    rows += [(midnight - 60, "resp", "suggested", None), (midnight - 120, "rumor", "abstained", None)]
    rows += [(midnight - 40 * DAY, "rumor", "answered", "old-one")]  # outside the 30 days
    _log(database, rows)
    with database.begin() as c:
        c.execute(
            insert(feedback).values(
                at=midnight + 30, question_id=f"{0:032x}", rating="useless", reason="", channel="web"
            )
        )
    f = figures(database, now=midnight + 3600)
    assert f.by_outcome["answered"][-1] == 3 and f.by_outcome["answered"][-2] == 0
    assert f.by_outcome["suggested"][-2] == 1 and f.by_outcome["abstained"][-2] == 1, (
        "a minute before midnight is yesterday"
    )
    assert f.most_used == [("overnight-dishes", 3)]
    assert f.useless_per_day[-1] == 1 and f.totals["questions"] == 6 and f.totals["last_30_days"] == 5


def test_every_chart_is_svg_without_script(database):
    _log(database, [(time.time() - 10, "rumor", "answered", "m1")])
    f = figures(database)
    for name in charts.CHARTS:
        svg = charts.render(name, f)
        assert svg.startswith("<svg") and "<script" not in svg, name


def test_dashboard_page_and_chart_responses(client, members, database):
    _log(database, [(time.time() - 10, "rumor", "answered", "overnight-dishes")])
    viewer = members["viewer"].headers
    page = client.get("/team", headers=viewer)
    assert page.status_code == 200 and 'src="/team/charts/questions.svg"' in page.text
    assert "累计提问 1 条" in page.text
    svg = client.get("/team/charts/questions.svg", headers=viewer)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.headers["content-security-policy"] == charts.CHART_POLICY
    assert "每日提问数" in svg.text
    assert client.get("/team/charts/nope.svg", headers=viewer).status_code == 404
    assert client.get("/team/charts/questions.svg", follow_redirects=False).status_code == 303
