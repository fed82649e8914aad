"""Writing and review: save a draft, submit it, approve or send it back with a comment, retire;
review dates (due, overdue, past the grace period: withdrawn until re-approved).

    draft ──submit──▶ submitted ──approve──▶ approved ──(edit)──▶ draft …
      ▲                   │
      └────send back──────┘ (sent_back, with the reviewer's comment)
    any ──retire──▶ retired

Each step writes the Markdown file first (atomically, after the content-hash check), then commits
the review state, the audit entry, the queue group it closes and the push jobs in one database
transaction, then re-indexes. A crash between the two leaves the file as the truth: the next
step reads the state from the file and the page shows it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update

from graph.db import Database
from graph.db.schema import queue_groups, reviews
from graph.failpoints import failpoint
from graph.search.material_store import MaterialRecord
from graph.search.serving import withdrawn_on
from graph.settings import Settings
from qa_service.team import audit
from qa_service.team.accounts import Member
from qa_service.team.drafts import (
    check_unchanged,
    files_locked,
    publish,
    record_from_form,
    with_front_matter,
    working_copy,
    write_draft,
)
from qa_service.team.errors import Conflict, Forbidden, InvalidInput, NotFound
from qa_service.team.roles import allows

log = logging.getLogger(__name__)

REVIEW_PERIOD_DAYS = 365  # review_by set at approval when the material has none later than today
DUE_SOON_DAYS = 30
STATE_NAMES = {
    "draft": "草稿",
    "submitted": "待审核",
    "sent_back": "已退回",
    "approved": "已发布",
    "retired": "已下架",
    "overdue": "逾期未复核",
}


@dataclass
class ReviewState:
    material_id: str
    state: str
    author: str
    updated_by: str
    updated_at: float
    comment: str
    group_id: int | None


def review_by_of(record: MaterialRecord) -> str:
    return record.review_by or ""


class Review:
    def __init__(
        self,
        settings: Settings,
        database: Database,
        indexed: Callable[[str], MaterialRecord | None],
        reindex: Callable[[], None],
        on_approved: Callable | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        """`indexed` finds a material in the live index; `reindex` publishes the files to the index;
        `on_approved(connection, group_id, record)` runs inside the approval's transaction; `today`
        is the clock review dates are stamped and counted by (the public side's serving rule)."""
        self.settings = settings
        self.db = database
        self.indexed = indexed
        self.reindex = reindex
        self.on_approved = on_approved
        self.today = today

    # -- reading ---------------------------------------------------------------------------
    def state(self, material_id: str) -> ReviewState | None:
        with self.db.read() as c:
            row = c.execute(select(reviews).where(reviews.c.material_id == material_id)).mappings().first()
        if row is None:
            return None
        return ReviewState(
            row["material_id"],
            row["state"],
            row["author"],
            row["updated_by"],
            row["updated_at"],
            row["comment"],
            row["group_id"],
        )

    def states(self) -> dict[str, ReviewState]:
        with self.db.read() as c:
            rows = c.execute(select(reviews)).mappings().all()
        return {
            r["material_id"]: ReviewState(
                r["material_id"],
                r["state"],
                r["author"],
                r["updated_by"],
                r["updated_at"],
                r["comment"],
                r["group_id"],
            )
            for r in rows
        }

    def copy(self, material_id: str):
        return working_copy(self.settings, material_id, self.indexed(material_id))

    # -- writing ---------------------------------------------------------------------------
    def save(
        self,
        member: Member,
        material_id: str,
        form: dict[str, str],
        base_hash: str,
        group_id: int | None = None,
        create: bool = False,
    ) -> MaterialRecord:
        self._need(member, "editor")
        today = self.today().isoformat()
        with files_locked(self.settings):
            indexed = self.indexed(material_id)
            copy = working_copy(self.settings, material_id, indexed)
            if create and copy is not None:
                raise Conflict(f"material {material_id} exists", f"素材 {material_id} 已存在，请换一个编号。")
            if not create:
                if copy is None:
                    raise NotFound(f"no material {material_id}", f"未找到素材 {material_id}。")
                check_unchanged(self.settings, material_id, indexed, base_hash)
            base = copy.record if copy is not None else None
            record = record_from_form(form, base, material_id, "draft", today)
            published = self._live_status(material_id, indexed) == "approved"
            digest = write_draft(self.settings, record, published=published)
            record.content_hash = digest
        previous = self.state(material_id)
        with self.db.begin() as c:
            self._put_state(
                c,
                material_id,
                "draft",
                member.name,
                "",
                digest,
                author=member.name
                if previous is None or previous.state in ("approved", "retired")
                else previous.author,
                group_id=group_id if group_id is not None else (previous.group_id if previous else None),
            )
            audit.record(c, member.name, "draft.save", material_id, hash=digest, created=create)
        if not published:
            self.reindex()  # drafts are visible to staff in the index (never to the public)
        return record

    def submit(self, member: Member, material_id: str) -> None:
        self._need(member, "editor")
        state = self._require_state(material_id, ("draft", "sent_back"))
        with self.db.begin() as c:
            self._put_state(c, material_id, "submitted", member.name, "", None, author=state.author)
            audit.record(c, member.name, "review.submit", material_id)

    def send_back(self, member: Member, material_id: str, comment: str) -> None:
        self._need(member, "reviewer")
        if not (comment or "").strip():
            raise InvalidInput("empty comment", "退回时请写明需要修改的地方。")
        state = self._require_state(material_id, ("submitted",))
        with self.db.begin() as c:
            self._put_state(
                c, material_id, "sent_back", member.name, comment.strip()[:2000], None, author=state.author
            )
            audit.record(c, member.name, "review.send_back", material_id, comment=comment.strip()[:2000])

    def approve(self, member: Member, material_id: str, base_hash: str, comment: str = "") -> MaterialRecord:
        self._need(member, "reviewer")
        state = self._require_state(material_id, ("submitted",))
        if member.name in self._writers(material_id) and member.via != "bootstrap":
            raise Forbidden(
                f"{member.name} wrote {material_id}",
                "不能审核通过自己撰写或修改的草稿，请由另一位审核人员审核。",
            )
        today = self.today()
        with files_locked(self.settings):
            indexed = self.indexed(material_id)
            check_unchanged(self.settings, material_id, indexed, base_hash)
            copy = working_copy(self.settings, material_id, indexed)
            meta = {
                **copy.record.front_matter(),
                "status": "approved",
                "reviewed_by": member.name,
                "reviewed_at": today.isoformat(),
                "updated_at": today.isoformat(),
            }
            if review_by_of(copy.record) <= today.isoformat():
                meta["review_by"] = (today + dt.timedelta(days=REVIEW_PERIOD_DAYS)).isoformat()
            record = with_front_matter(copy.record, meta)
            digest = publish(self.settings, record)
            record.content_hash = digest
        failpoint("team-approve-file-written")
        with self.db.begin() as c:
            self._put_state(
                c,
                material_id,
                "approved",
                member.name,
                (comment or "").strip()[:2000],
                digest,
                author=state.author,
            )
            audit.record(c, member.name, "review.approve", material_id, hash=digest, group=state.group_id)
            if state.group_id is not None:
                c.execute(
                    update(queue_groups)
                    .where(queue_groups.c.id == state.group_id)
                    .values(
                        status="closed", material_id=material_id, closed_at=time.time(), closed_by=member.name
                    )
                )
                if self.on_approved is not None:
                    self.on_approved(c, state.group_id, record)
        failpoint("team-approve-committed")
        self.reindex()
        return record

    def retire(
        self,
        member: Member,
        material_id: str,
        base_hash: str,
        reason: str = "retired",
        status: str = "retired",
    ) -> MaterialRecord:
        """Take a material off the public side (status `retired`, or back to `draft` when overdue)."""
        self._need(member, "reviewer")
        today = self.today().isoformat()
        with files_locked(self.settings):
            indexed = self.indexed(material_id)
            check_unchanged(self.settings, material_id, indexed, base_hash)
            copy = working_copy(self.settings, material_id, indexed)
            if copy is None:
                raise NotFound(f"no material {material_id}", f"未找到素材 {material_id}。")
            meta = {**copy.record.front_matter(), "status": status}
            meta["updated_at"] = today
            record = with_front_matter(copy.record, meta)
            digest = publish(self.settings, record)
        previous = self.state(material_id)
        with self.db.begin() as c:
            self._put_state(
                c,
                material_id,
                "overdue" if reason == "overdue" else "retired",
                member.name,
                "",
                digest,
                author=previous.author if previous else member.name,
            )
            audit.record(c, member.name, f"review.{reason}", material_id, hash=digest)
        self.reindex()
        return record

    # -- review dates ----------------------------------------------------------------------
    def due(self, records: list[MaterialRecord], today: dt.date | None = None) -> dict[str, list[dict]]:
        """Approved material with a review_by date: due within DUE_SOON_DAYS, overdue, past the grace period."""
        today = today or self.today()
        out = {"due": [], "overdue": [], "withdraw": []}
        for record in records:
            when = review_by_of(record)
            if record.status != "approved" or not when:
                continue
            day = dt.date.fromisoformat(when)
            row = {"id": record.id, "title": record.title, "review_by": when, "days": (day - today).days}
            if withdrawn_on(record, today, self.settings.review_grace_days):
                out["withdraw"].append(row)  # no longer served to the public (graph/search/serving.py)
            elif day < today:
                out["overdue"].append(row)
            elif day <= today + dt.timedelta(days=DUE_SOON_DAYS):
                out["due"].append(row)
        for rows in out.values():
            rows.sort(key=lambda r: r["review_by"])
        return out

    def withdraw_overdue(
        self, member: Member, records: list[MaterialRecord], today: dt.date | None = None
    ) -> list[str]:
        """Material overdue past the grace period, which the public side already no longer serves
        (graph/search/serving.py), goes back to draft and into the review list, with the
        withdrawal in the audit log, until re-approved."""
        withdrawn = []
        for row in self.due(records, today)["withdraw"]:
            copy = self.copy(row["id"])
            if copy is None or copy.record.status != "approved" or copy.pending:
                continue
            self.retire(member, row["id"], copy.hash, reason="overdue", status="draft")
            with self.db.begin() as c:
                self._put_state(
                    c,
                    row["id"],
                    "submitted",
                    member.name,
                    "复核期限已过，需重新审核后才会再向公众提供。",
                    None,
                    author=self.state(row["id"]).author,
                )
            withdrawn.append(row["id"])
        return withdrawn

    # -- helpers ---------------------------------------------------------------------------
    def _live_status(self, material_id: str, indexed: MaterialRecord | None) -> str | None:
        """The status the public side goes by: the curated file's, else the indexed record's."""
        from graph.search.material_store import MaterialStore
        from ingest.material_loader import load_material_file

        curated = MaterialStore(self.settings.materials_dir).path_for(material_id)
        if curated.is_file():
            return load_material_file(curated).status
        return indexed.status if indexed is not None else None

    def _need(self, member: Member, role: str) -> None:
        if not allows(member.role, role):
            raise Forbidden(f"{member.name} needs {role}")

    def _require_state(self, material_id: str, allowed: tuple[str, ...]) -> ReviewState:
        state = self.state(material_id)
        if state is None or state.state not in allowed:
            now = STATE_NAMES.get(state.state, state.state) if state else "没有草稿"
            wanted = "、".join(STATE_NAMES[s] for s in allowed)
            raise Conflict(
                f"{material_id} is {state.state if state else 'untracked'}",
                f"素材当前状态为“{now}”，此操作只适用于“{wanted}”的素材。",
            )
        return state

    def _writers(self, material_id: str) -> set[str]:
        writers: set[str] = set()
        for entry in audit.entries(self.db, limit=1000, target=material_id):
            if entry["action"] in ("review.approve", "material.status") and (
                entry["action"] == "review.approve" or entry["detail"].get("status") == "approved"
            ):
                break
            if entry["action"] in ("draft.save", "material.create", "material.update"):
                writers.add(entry["user"])
        return writers

    def _put_state(
        self,
        c,
        material_id: str,
        state: str,
        by: str,
        comment: str,
        digest: str | None,
        author: str,
        group_id: int | None = None,
    ) -> None:
        values = {
            "state": state,
            "updated_by": by,
            "updated_at": time.time(),
            "comment": comment,
            "author": author,
        }
        if digest is not None:
            values["file_hash"] = digest
        if group_id is not None:
            values["group_id"] = group_id
        done = c.execute(update(reviews).where(reviews.c.material_id == material_id).values(**values))
        if done.rowcount == 0:
            c.execute(
                reviews.insert().values(
                    **{"file_hash": "", "group_id": None, **values, "material_id": material_id}
                )
            )
