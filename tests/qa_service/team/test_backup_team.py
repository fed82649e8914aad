"""Backup and restore include the team database and pending drafts (both backends)."""

from __future__ import annotations

import json
import tarfile
import time

import pytest
from sqlalchemy import func, insert, select

from graph.backup.operations import BackupError, create_backup, restore_backup
from graph.db import open_database
from graph.db.schema import queue_groups, users
from qa_service.team.accounts import Accounts
from qa_service.team.drafts import drafts_dir
from qa_service.team.grouping import to_blob


def test_backup_and_restore_bring_back_the_team_database(db_settings, tmp_path):
    settings = db_settings
    database = open_database(settings)
    accounts = Accounts(database)
    accounts.add("张编辑", "编辑", "test")
    with database.begin() as c:
        c.execute(
            insert(queue_groups).values(
                title="喝醋能软化血管吗",
                status="open",
                created_at=time.time(),
                last_at=time.time(),
                centroid=to_blob([0.6, 0.8]),
                size=1,
            )
        )
    drafts_dir(settings).mkdir(parents=True)
    (drafts_dir(settings) / "pending.md").write_text("---\nid: pending\n---\n草稿\n", "utf-8")
    archive = create_backup(settings, tmp_path / "team.tar.gz").path
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("kepu-backup/MANIFEST.json").read())
    assert "kepu-backup/db/team.json" in names and "kepu-backup/drafts/pending.md" in names
    assert manifest["team_db"] is True

    accounts.add("李审核", "审核", "test")  # after the backup: gone after the restore
    with database.begin() as c:
        c.execute(queue_groups.delete())
    (drafts_dir(settings) / "pending.md").unlink()
    restore_backup(settings, archive)
    with database.read() as c:
        assert c.execute(select(users.c.name)).scalars().all() == ["张编辑"]
        group = c.execute(select(queue_groups)).mappings().one()
    assert group["title"] == "喝醋能软化血管吗" and group["centroid"] == to_blob([0.6, 0.8])
    assert (drafts_dir(settings) / "pending.md").read_text("utf-8").endswith("草稿\n")
    accounts.add("王新人", "查看", "test")  # ids continue after the restored ones (PostgreSQL sequences)
    with database.read() as c:
        assert c.execute(select(func.count()).select_from(users)).scalar() == 2


def test_a_damaged_team_dump_is_refused_before_anything_changes(db_settings, tmp_path):
    settings = db_settings
    database = open_database(settings)
    Accounts(database).add("张编辑", "编辑", "test")
    archive = create_backup(settings, tmp_path / "ok.tar.gz").path
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name.endswith("db/team.json"):
                data = b'{"format": 99}'
                member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    Accounts(database).add("李审核", "审核", "test")
    with pytest.raises(BackupError):
        restore_backup(settings, damaged)
    with database.read() as c:
        assert c.execute(select(func.count()).select_from(users)).scalar() == 2, "nothing replaced"
