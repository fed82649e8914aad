"""`kepu backup` / `kepu restore`: a round trip brings plans, index, materials and logs back and
answers work again; a corrupt, tampered or hostile archive is refused and changes nothing."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.search.passage_index import IndexHandle
from graph.settings import PROJECT_ROOT
from graph.store.oxigraph import OxigraphStore
from qa_service.cli import app as cli

PLAN = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
OTHER_PLAN = PROJECT_ROOT / "tests" / "data" / "plans" / "city_plan_lead_co.txt"
MATERIALS = PROJECT_ROOT / "tests" / "data" / "materials_small"
PLAN_ID = "huaiyin_science_literacy_plan_2021-2025_draft"


def kepu(data_dir: Path, *args: str, env: dict | None = None):
    result = CliRunner(env={"KEPU_GRAPH_URI": "", **(env or {})}).invoke(cli, ["--data-dir", str(data_dir), *args])
    result.text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    return result


def plan_ids(data_dir: Path) -> list[str]:
    store = OxigraphStore(data_dir / "graph")
    try:
        return store.plan_ids()
    finally:
        store.close()


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("backup-plan") / "data"
    assert kepu(data_dir, "ingest", "plan", str(PLAN)).exit_code == 0
    return data_dir


@pytest.fixture
def data(plan_dir, tmp_path) -> Path:
    return Path(shutil.copytree(plan_dir, tmp_path / "data"))


@pytest.fixture
def archive(data, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    result = kepu(data, "backup", "-o", str(path))
    assert result.exit_code == 0, result.text
    return path


def members(path: Path) -> list[str]:
    with tarfile.open(path, "r:gz") as tar:
        return tar.getnames()


def rewrite(source: Path, target: Path, change) -> Path:
    """Copy an archive member by member, letting `change(info, data)` return a new (info, data) or None."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read() if info.isreg() else None
            changed = change(info, data)
            if changed is not None:
                info, data = changed
                new.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


def hostile(target: Path, info: tarfile.TarInfo, data: bytes = b"x") -> Path:
    """A valid backup plus one hostile member."""
    with tarfile.open(target, "w:gz") as tar:
        if info.isreg():
            info.size = len(data)
        tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return target


# --- round trip ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_backup_remove_restore_brings_plans_and_answers_back(tmp_path):
    data = tmp_path / "data"
    assert kepu(data, "ingest", "plan", str(PLAN)).exit_code == 0
    assert kepu(data, "ingest", "corpus", str(MATERIALS)).exit_code in (0, 1)  # 1: broken samples skipped
    (data / "materials").mkdir()
    shutil.copy(MATERIALS / "garlic-virus.md", data / "materials" / "garlic-virus.md")
    (data / "logs").mkdir()
    (data / "logs" / "material_audit.jsonl").write_text('{"who": "editor", "action": "update"}\n', encoding="utf-8")
    backup = tmp_path / "kepu.tar.gz"
    made = kepu(data, "backup", "-o", str(backup))
    assert made.exit_code == 0 and "已备份到" in made.output, made.text
    names = members(backup)
    assert "kepu-backup/MANIFEST.json" in names and "kepu-backup/materials/garlic-virus.md" in names
    assert any(n.startswith("kepu-backup/graph/gen-") for n in names)
    assert any(n.startswith("kepu-backup/index/gen-") and n.endswith("meta.json") for n in names)

    server = OxigraphStore(data / "graph")  # a running server's view
    index = IndexHandle(data / "index", check_interval=0, background=False)
    assert kepu(data, "remove", PLAN_ID).exit_code == 0
    shutil.rmtree(data / "materials")
    shutil.rmtree(data / "index")
    (data / "logs" / "material_audit.jsonl").write_text('{"who": "vandal"}\n', encoding="utf-8")
    assert kepu(data, "plans").output.startswith("图谱中还没有方案")

    restored = kepu(data, "restore", str(backup))
    assert restored.exit_code == 0 and "已从" in restored.output, restored.text
    assert plan_ids(data) == [PLAN_ID], "the plan must be back"
    assert server.get_plan(PLAN_ID).title == "淮阴区全民科学素质行动规划实施方案", "a running server must see it"
    assert set(index.require().materials) >= {"garlic-virus", "overnight-dishes"}
    assert (data / "materials" / "garlic-virus.md").is_file()
    audit = (data / "logs" / "material_audit.jsonl").read_text(encoding="utf-8")
    assert '"editor"' in audit and '"restore"' in audit and "vandal" not in audit
    assert any("vandal" in p.read_text() for p in (data / "logs").glob("material_audit.jsonl.before-restore-*")), \
        "the log the restore replaced must be kept aside"

    answer = kepu(data, "ask", "谁负责科普教育基地建设？", env={"KEPU_MODEL_DIR": str(tmp_path / "no-model")})
    assert answer.exit_code == 0 and "区委宣传部" in answer.output, answer.text
    check = kepu(data, "check", "吃大蒜可以杀死新冠病毒", "--json")
    assert check.exit_code == 0 and "garlic-virus" in check.output, check.text
    server.close()


def test_restore_into_an_empty_data_directory(archive, tmp_path):
    empty = tmp_path / "fresh"
    result = kepu(empty, "restore", str(archive))
    assert result.exit_code == 0, result.text
    assert plan_ids(empty) == [PLAN_ID]
    assert not list(empty.glob(".restore-*")), "the staging directory must be removed"


def test_backup_is_consistent_while_plans_are_being_written(data, tmp_path):
    from ingest.plan_parser import parse_plan_file

    plans = [parse_plan_file(PLAN, plan_id="busy"), parse_plan_file(OTHER_PLAN, plan_id="busy")]
    titles = {p.title for p in plans}
    stop = threading.Event()

    def writer():
        store = OxigraphStore(data / "graph")
        i = 0
        while not stop.is_set():
            store.put_plan(plans[i % 2])
            i += 1
        store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backups = []
        for n in range(3):
            path = tmp_path / f"b{n}.tar.gz"
            assert kepu(data, "backup", "-o", str(path)).exit_code == 0
            backups.append(path)
    finally:
        stop.set()
        thread.join(60)
    for n, path in enumerate(backups):
        target = tmp_path / f"r{n}"
        assert kepu(target, "restore", str(path)).exit_code == 0
        store = OxigraphStore(target / "graph")
        assert PLAN_ID in store.plan_ids()
        if "busy" in store.plan_ids():
            assert store.get_plan("busy").title in titles
        store.close()


# --- refused archives ------------------------------------------------------------------------------
def assert_refused(data: Path, archive: Path, *words: str) -> None:
    before = sorted(p.relative_to(data) for p in data.rglob("*") if not p.name.endswith(".lock"))
    result = kepu(data, "restore", str(archive))
    assert result.exit_code == 2, result.text
    assert "Traceback" not in result.text
    for word in words:
        assert word in result.text, result.text
    assert plan_ids(data) == [PLAN_ID], "a refused restore must leave the data as it was"
    after = sorted(p.relative_to(data) for p in data.rglob("*") if not p.name.endswith(".lock"))
    assert after == before


def test_truncated_archive_is_refused(data, archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert_refused(data, cut, "已损坏")


def test_corrupted_bytes_are_refused(data, archive, tmp_path):
    raw = bytearray(archive.read_bytes())
    for offset in range(len(raw) // 3, len(raw) // 3 + 64):
        raw[offset] ^= 0xFF
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(bytes(raw))
    assert_refused(data, bad, "已损坏")


def test_a_file_that_is_no_backup_is_refused(data, tmp_path):
    plain = tmp_path / "notes.tar.gz"
    plain.write_bytes(b"just some text, not gzip")
    assert_refused(data, plain, "已损坏")
    other = tmp_path / "other.tar.gz"
    hostile(other, tarfile.TarInfo("readme.txt"), b"hello")
    assert_refused(data, other, "不安全")


def test_tampered_content_is_refused(data, archive, tmp_path):
    def change(info, payload):
        if info.name.endswith("CURRENT") and "/graph/gen-" in info.name:
            payload = b"MANIFEST-999999\n"
            info.size = len(payload)
        return info, payload

    assert_refused(data, rewrite(archive, tmp_path / "tampered.tar.gz", change), "与清单不符")


def test_missing_manifest_is_refused(data, archive, tmp_path):
    dropped = rewrite(archive, tmp_path / "nomanifest.tar.gz",
                      lambda info, payload: None if info.name.endswith("MANIFEST.json") else (info, payload))
    assert_refused(data, dropped, "缺少清单")


@pytest.mark.parametrize("name", ["../evil.txt", "kepu-backup/../../evil.txt", "/tmp/kepu-evil.txt",
                                  "kepu-backup/materials/../../../evil.txt"])
def test_path_traversal_members_are_refused(data, tmp_path, name):
    bad = hostile(tmp_path / "traversal.tar.gz", tarfile.TarInfo(name), b"owned")
    assert_refused(data, bad, "不安全")
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/kepu-evil.txt").exists()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE, tarfile.FIFOTYPE])
def test_links_and_devices_are_refused(data, tmp_path, kind):
    info = tarfile.TarInfo("kepu-backup/materials/x.md")
    info.type, info.linkname = kind, "/etc/passwd"
    assert_refused(data, hostile(tmp_path / "link.tar.gz", info), "不安全")


def test_a_missing_archive_is_a_clear_error(data, tmp_path):
    result = kepu(data, "restore", str(tmp_path / "nope.tar.gz"))
    assert result.exit_code == 2 and "找不到备份文件" in result.text


# --- backup failures -------------------------------------------------------------------------------
def test_backup_of_an_empty_data_directory_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    result = kepu(tmp_path / "empty", "backup", "-o", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 2 and "没有可备份的数据" in result.text
    assert not (tmp_path / "b.tar.gz").exists()


def test_backup_to_an_unwritable_place_fails_cleanly(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = kepu(data, "backup", "-o", str(blocker / "b.tar.gz"))
    assert result.exit_code == 2 and "写入备份文件失败" in result.text and "Traceback" not in result.text


def test_manifest_lists_every_file_with_its_checksum(archive):
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("kepu-backup/MANIFEST.json").read())
        files = {m.name.removeprefix("kepu-backup/") for m in tar.getmembers() if m.isreg()} - {"MANIFEST.json"}
    assert manifest["format"] == 1 and manifest["graph"].startswith("gen-")
    assert set(manifest["files"]) == files
    assert all(len(info["sha256"]) == 64 for info in manifest["files"].values())
    assert gzip.decompress(archive.read_bytes())[:100], "a plain .tar.gz anyone can inspect"
