"""Crashes and broken disks during `kepu ingest plan` and `kepu ingest corpus`.

A writer is killed with SIGKILL at each named stage (KEPU_FAULT_INJECT, graph/failpoints.py) and
at the moment its new generation appears on disk; after each kill, a reader that was serving
before still serves the previous data, a fresh reader does too, and a re-run completes. A full
disk (a small tmpfs, or RLIMIT_FSIZE where mounting is not allowed) and an unwritable data
directory give exit code 2 and a Chinese message, and leave the previous data intact.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.failpoints import ENV as FAULT_ENV
from graph.search.passage_index import IndexHandle, PassageIndex, current_generation
from graph.settings import PROJECT_ROOT
from graph.store.oxigraph import OxigraphStore

pytestmark = pytest.mark.slow

PLAN_V1 = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
PLAN_V2 = PROJECT_ROOT / "tests" / "data" / "plans" / "city_plan_lead_co.txt"
PLAN_ID = "demo"
MATERIALS = PROJECT_ROOT / "tests" / "data" / "materials_small"
V1_MATERIALS = ("garlic-virus", "overnight-dishes", "5g-radiation")
KILLED = -signal.SIGKILL
CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
             "KEPU_GRAPH_URI": ""}


def kepu_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from qa_service.cli import main; main()", "--data-dir", str(data_dir), *args]


def child_env(fault: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    env.update(CHILD_ENV)
    if fault:
        env[FAULT_ENV] = fault
    return env


def kepu(data_dir: Path, *args: str, fault: str | None = None, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run(kepu_command(data_dir, *args), cwd=PROJECT_ROOT, env=child_env(fault), capture_output=True,
                          text=True, timeout=900, preexec_fn=preexec, check=False)


def kill_when_a_generation_appears(data_dir: Path, part: str, *args: str) -> int:
    """Start kepu and SIGKILL it the moment a new generation directory shows up under `part`."""
    root = data_dir / part
    before = {p.name for p in root.glob("gen-*")}
    process = subprocess.Popen(kepu_command(data_dir, *args), cwd=PROJECT_ROOT, env=child_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    while process.poll() is None and time.monotonic() < deadline:
        if any(p.is_dir() and p.name not in before for p in root.glob("gen-*")):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    return process.wait(60)


def plan_title(path: Path) -> str:
    from ingest.plan_parser import parse_plan_file

    return parse_plan_file(path, plan_id=PLAN_ID).title


def served_titles(data_dir: Path) -> dict[str, str]:
    """What a freshly started server would read."""
    store = OxigraphStore(data_dir / "graph")
    try:
        return {pid: store.get_plan(pid).title for pid in store.plan_ids()}
    finally:
        store.close()


def served_materials(data_dir: Path) -> set[str]:
    generation = current_generation(data_dir / "index")
    assert generation is not None, "the index must still have a current generation"
    return set(PassageIndex.load(generation).materials)


def assert_clean_failure(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    for word in words:
        assert word in done.stderr, f"expected {word!r} in the error:\n{done.stderr[-1000:]}"


# --- fixtures: data directories with version 1 ingested ----------------------------------------------
@pytest.fixture(scope="module")
def titles():
    return plan_title(PLAN_V1), plan_title(PLAN_V2)


@pytest.fixture(scope="module")
def plan_base(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("plan-base") / "data"
    done = kepu(data_dir, "ingest", "plan", str(PLAN_V1), "--plan-id", PLAN_ID)
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """Version 1: three materials; version 2: the same plus one new one."""
    root = tmp_path_factory.mktemp("corpora")
    v1, v2 = root / "v1", root / "v2"
    v1.mkdir()
    for name in V1_MATERIALS:
        shutil.copy(MATERIALS / f"{name}.md", v1 / f"{name}.md")
    shutil.copytree(v1, v2)
    text = (MATERIALS / "garlic-virus.md").read_text(encoding="utf-8")
    (v2 / "garlic-again.md").write_text(text.replace("id: garlic-virus", "id: garlic-again")
                                        .replace("吃大蒜能杀死新冠病毒吗？", "生吃大蒜能防病毒吗？"), encoding="utf-8")
    return v1, v2


@pytest.fixture(scope="module")
def corpus_base(tmp_path_factory, corpora) -> Path:
    data_dir = tmp_path_factory.mktemp("corpus-base") / "data"
    done = kepu(data_dir, "ingest", "corpus", str(corpora[0]))
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture
def data_copy(tmp_path):
    def copy(base: Path) -> Path:
        return Path(shutil.copytree(base, tmp_path / "data"))
    return copy


# --- kill -9 during `kepu ingest plan` ---------------------------------------------------------------
def test_killed_plan_ingest_keeps_the_previous_plan_serving_and_a_rerun_completes(plan_base, data_copy, titles):
    v1, v2 = titles
    data = data_copy(plan_base)
    server = OxigraphStore(data / "graph")  # a server that was reading all along
    assert server.get_plan(PLAN_ID).title == v1
    args = ("ingest", "plan", str(PLAN_V2), "--plan-id", PLAN_ID)
    for stage in ("graph-building", "graph-before-publish"):
        assert kepu(data, *args, fault=stage).returncode == KILLED, f"the writer should have died at {stage}"
        assert server.get_plan(PLAN_ID).title == v1, f"after a kill at {stage} the server must serve the old plan"
        assert served_titles(data) == {PLAN_ID: v1}, f"after a kill at {stage} a restart must see the old plan"
    code = kill_when_a_generation_appears(data, "graph", *args)
    assert served_titles(data) == {PLAN_ID: v1 if code == KILLED else v2}
    listed = kepu(data, "plans")
    assert listed.returncode == 0 and PLAN_ID in listed.stdout

    rerun = kepu(data, *args)
    assert rerun.returncode == 0, rerun.stderr
    assert served_titles(data) == {PLAN_ID: v2}
    assert server.get_plan(PLAN_ID).title == v2, "the running server must switch to the new plan"
    current = (data / "graph" / "CURRENT").read_text().strip()
    leftovers = sorted(p.name for p in (data / "graph").glob("gen-*") if p.is_dir() and p.name > current)
    assert not leftovers, f"half-built generations must be cleaned up by the next write: {leftovers}"
    server.close()


def test_plan_ingest_killed_right_after_publishing_serves_the_new_plan(plan_base, data_copy, titles):
    data = data_copy(plan_base)
    args = ("ingest", "plan", str(PLAN_V2), "--plan-id", PLAN_ID)
    assert kepu(data, *args, fault="graph-after-publish").returncode == KILLED
    assert served_titles(data) == {PLAN_ID: titles[1]}, "once CURRENT is renamed the new plan is the data"
    assert kepu(data, *args).returncode == 0
    assert served_titles(data) == {PLAN_ID: titles[1]}


# --- kill -9 during `kepu ingest corpus` -------------------------------------------------------------
def test_killed_corpus_ingest_keeps_the_previous_index_serving_and_a_rerun_completes(corpus_base, corpora,
                                                                                      data_copy):
    v1, v2 = set(V1_MATERIALS), {*V1_MATERIALS, "garlic-again"}
    data = data_copy(corpus_base)
    server = IndexHandle(data / "index", check_interval=0, background=False)
    assert set(server.require().materials) == v1
    args = ("ingest", "corpus", str(corpora[1]))
    for stage in ("index-embedded", "index-before-publish"):
        assert kepu(data, *args, fault=stage).returncode == KILLED, f"the indexer should have died at {stage}"
        assert served_materials(data) == v1, f"after a kill at {stage} the old index must still be current"
        assert set(server.require().materials) == v1
    code = kill_when_a_generation_appears(data, "index", *args)
    assert served_materials(data) == (v1 if code == KILLED else v2)

    rerun = kepu(data, *args)
    assert rerun.returncode == 0, rerun.stderr
    assert served_materials(data) == v2 and set(server.require().materials) == v2
    partial = [p.name for p in (data / "index").glob("gen-*") if p.is_dir() and not (p / "meta.json").exists()]
    assert not partial, f"half-written generations must be removed by the next build: {partial}"


def test_corpus_ingest_killed_right_after_publishing_serves_the_new_index(corpus_base, corpora, data_copy):
    data = data_copy(corpus_base)
    args = ("ingest", "corpus", str(corpora[1]))
    assert kepu(data, *args, fault="index-after-publish").returncode == KILLED
    assert "garlic-again" in served_materials(data)
    rerun = kepu(data, *args)
    assert rerun.returncode == 0 and "没有变化" in rerun.stdout, rerun.stdout


# --- a full disk -------------------------------------------------------------------------------------
@contextmanager
def mounted_tmpfs(path: Path, size: str, read_only_copy_of: Path | None = None):
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the RLIMIT_FSIZE variant covers this")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno in (28, 27), exc  # ENOSPC, EFBIG
    finally:
        os.close(fd)
    return filler


def small_files_only(limit: int = 64 * 1024):
    def limit_file_size() -> None:  # in the child: writes past `limit` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_full_disk_during_plan_ingest_fails_cleanly_and_keeps_the_old_plan(plan_base, tmp_path, titles, how):
    args = ("ingest", "plan", str(PLAN_V2), "--plan-id", PLAN_ID)
    if how == "tmpfs":
        with mounted_tmpfs(tmp_path / "disk", "24m") as disk:
            data = Path(shutil.copytree(plan_base, disk / "data"))
            filler = fill(disk)
            assert_clean_failure(kepu(data, *args), "磁盘空间不足", "原有图谱保持不变")
            assert served_titles(data) == {PLAN_ID: titles[0]}
            filler.unlink()
            assert kepu(data, *args).returncode == 0
            assert served_titles(data) == {PLAN_ID: titles[1]}
        return
    data = Path(shutil.copytree(plan_base, tmp_path / "data"))
    assert_clean_failure(kepu(data, *args, preexec=small_files_only()), "原有图谱保持不变")
    assert served_titles(data) == {PLAN_ID: titles[0]}
    assert kepu(data, *args).returncode == 0 and served_titles(data) == {PLAN_ID: titles[1]}


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_full_disk_during_corpus_ingest_fails_cleanly_and_keeps_the_old_index(corpus_base, corpora, tmp_path, how):
    args = ("ingest", "corpus", str(corpora[1]), "--force")
    if how == "tmpfs":
        with mounted_tmpfs(tmp_path / "disk", "8m") as disk:
            data = Path(shutil.copytree(corpus_base, disk / "data"))
            filler = fill(disk)
            assert_clean_failure(kepu(data, *args), "磁盘空间不足", "原有索引保持不变")
            assert served_materials(data) == set(V1_MATERIALS)
            filler.unlink()
            assert kepu(data, *args).returncode == 0
            assert "garlic-again" in served_materials(data)
        return
    data = Path(shutil.copytree(corpus_base, tmp_path / "data"))
    assert_clean_failure(kepu(data, *args, preexec=small_files_only(4096)), "原有索引保持不变")
    assert served_materials(data) == set(V1_MATERIALS)


# --- an unwritable data directory ----------------------------------------------------------------------
def test_data_directory_that_cannot_exist_gives_a_clear_error(tmp_path, corpora):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a regular file where the data directory's parent should be")
    data = blocker / "data"
    assert_clean_failure(kepu(data, "ingest", "plan", str(PLAN_V1)), "数据目录不可写")
    assert_clean_failure(kepu(data, "ingest", "corpus", str(corpora[0])), "数据目录不可写")


def test_read_only_data_directory_refuses_writes_and_still_serves(plan_base, tmp_path, titles):
    data = Path(shutil.copytree(plan_base, tmp_path / "data"))
    kepu(data, "plans")  # create the readers' lock files while the directory is still writable
    bound = subprocess.run(["mount", "--bind", str(data), str(data)], capture_output=True, text=True, check=False)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({bound.stderr.strip()}); the not-a-directory test covers this")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(data)], capture_output=True, text=True,
                                 check=False)
        assert remount.returncode == 0, remount.stderr
        assert_clean_failure(kepu(data, "ingest", "plan", str(PLAN_V2), "--plan-id", PLAN_ID), "数据目录不可写")
        listed = kepu(data, "plans")
        assert listed.returncode == 0 and PLAN_ID in listed.stdout, listed.stderr
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)
    assert served_titles(data) == {PLAN_ID: titles[0]}
