"""Incremental, atomic index builds: what staff see after `kepu ingest corpus`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.search.passage_index import IndexHandle, PassageIndex, current_generation
from graph.settings import Settings
from ingest.corpus_indexer import build_index
from tests.material_fakes import SMALL_MATERIALS, FakeEncoder, good_materials

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus(tmp_path):
    return good_materials(tmp_path / "corpus")


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data")


def test_first_build_indexes_every_material_with_titles_claims_and_passages(settings, corpus):
    report = build_index(settings, FakeEncoder(), corpus)

    assert report.published and report.materials == 5 and report.public_materials == 3
    index = PassageIndex.load(current_generation(settings.index_dir))
    assert set(index.materials) == {"5g-radiation", "banana-retired", "garlic-virus", "msg-draft", "overnight-dishes"}
    kinds = {e.kind for e in index.entries if e.material_id == "garlic-virus"}
    assert kinds == {"title", "claim", "summary", "passage"}
    claim_texts = [e.text for e in index.entries if e.kind == "claim"]
    assert "吃大蒜可以杀死新冠病毒" in claim_texts


def test_unchanged_files_are_not_embedded_again(settings, corpus):
    encoder = FakeEncoder()
    first = build_index(settings, encoder, corpus)
    encoded_once = len(encoder.encoded)

    second = build_index(settings, encoder, corpus)

    assert not second.published, "nothing changed, so no new generation"
    assert second.generation == first.generation
    assert len(encoder.encoded) == encoded_once, "no text should be embedded twice"


def test_editing_one_file_embeds_only_its_changed_text(settings, corpus):
    encoder = FakeEncoder()
    build_index(settings, encoder, corpus)
    path = corpus / "garlic-virus.md"
    path.write_text(path.read_text("utf-8").replace("勤洗手。\ntopics", "勤洗手，多通风。\ntopics"), "utf-8")
    before = len(encoder.encoded)

    report = build_index(settings, encoder, corpus)

    assert report.published and report.changed == ["garlic-virus"]
    summary = "大蒜有一定的抑菌作用,但没有任何证据表明吃大蒜能杀死新冠病毒或预防新冠肺炎。预防感染要靠接种疫苗、戴口罩、勤洗手,多通风。"
    assert encoder.encoded[before] == summary, "only the edited summary is embedded again (normalised text)"
    assert report.embedded == 1 and report.reused == report.entries - 1
    # ... and the material's card (title, claims and summary in one text); its claim words are unchanged.
    assert len(encoder.encoded[before + 1:]) == 1 and encoder.encoded[-1].endswith(summary)
    assert report.terms_embedded == 1


def test_removed_file_leaves_the_index(settings, corpus):
    build_index(settings, FakeEncoder(), corpus)
    (corpus / "5g-radiation.md").unlink()

    report = build_index(settings, FakeEncoder(), corpus)

    assert report.removed == ["5g-radiation"]
    index = PassageIndex.load(current_generation(settings.index_dir))
    assert "5g-radiation" not in index.materials
    assert all(e.material_id != "5g-radiation" for e in index.entries)


def test_broken_files_are_reported_and_the_rest_indexed(settings):
    report = build_index(settings, FakeEncoder(), SMALL_MATERIALS)

    assert report.materials == 5
    assert sorted(Path(i.file).name for i in report.issues) == [
        "broken-missing-claims.md", "broken-no-front-matter.md", "broken-verdict.md", "broken-yaml.md"]


def test_reader_swaps_to_new_generation_and_old_keeps_serving_until_then(settings, corpus):
    build_index(settings, FakeEncoder(), corpus)
    handle = IndexHandle(settings.index_dir, check_interval=0.0, background=False)
    old = handle.get()
    assert "5g-radiation" in old.materials

    (corpus / "5g-radiation.md").unlink()
    build_index(settings, FakeEncoder(), corpus)

    assert "5g-radiation" in old.materials, "an index already loaded is never changed under a reader"
    new = handle.get()
    assert new is not old and "5g-radiation" not in new.materials


def test_background_reload_serves_old_index_until_new_one_is_loaded(settings, corpus):
    build_index(settings, FakeEncoder(), corpus)
    handle = IndexHandle(settings.index_dir, check_interval=0.0, background=True)
    old = handle.get()
    (corpus / "5g-radiation.md").unlink()
    build_index(settings, FakeEncoder(), corpus)

    first = handle.get()
    assert first is not None, "a request during the reload is still answered"
    deadline = time.monotonic() + 10
    while handle.get() is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "5g-radiation" not in handle.get().materials


_KILL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from graph.settings import Settings
from ingest.corpus_indexer import build_index
from tests.material_fakes import FakeEncoder
marker = Path({marker!r})
def progress(stage, done, total):
    marker.write_text(stage)
build_index(Settings(data_dir=Path({data!r})), FakeEncoder(delay=30), Path({corpus!r}), progress=progress, force=True)
"""


def test_kill_9_during_a_build_leaves_the_old_index_serving(settings, corpus, tmp_path):
    build_index(settings, FakeEncoder(), corpus)
    old_generation = current_generation(settings.index_dir)
    (corpus / "garlic-virus.md").unlink()
    marker = tmp_path / "started"
    script = _KILL_SCRIPT.format(root=str(ROOT), marker=str(marker), data=str(settings.data_dir), corpus=str(corpus))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the build never started embedding"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)

    assert current_generation(settings.index_dir) == old_generation
    index = PassageIndex.load(old_generation)
    assert "garlic-virus" in index.materials, "the old index is complete and still served"
    report = build_index(settings, FakeEncoder(), corpus)
    assert report.published and "garlic-virus" not in PassageIndex.load(current_generation(settings.index_dir)).materials


def test_admin_overlay_wins_by_id_and_survives_reingest(settings, corpus):
    build_index(settings, FakeEncoder(), corpus)
    settings.materials_dir.mkdir(parents=True)
    text = (corpus / "garlic-virus.md").read_text("utf-8").replace("status: approved", "status: retired")
    (settings.materials_dir / "garlic-virus.md").write_text(text, "utf-8")

    build_index(settings, FakeEncoder(), corpus)

    index = PassageIndex.load(current_generation(settings.index_dir))
    assert index.materials["garlic-virus"].status == "retired"


def test_hnsw_is_used_above_the_threshold(settings, corpus):
    build_index(settings, FakeEncoder(), corpus, hnsw_threshold=5)
    index = PassageIndex.load(current_generation(settings.index_dir))
    assert index.meta["faiss"] == "IndexHNSWFlat"


def test_cli_ingest_reports_bad_files_and_exits_non_zero(tmp_path, monkeypatch):
    from qa_service.cli import app
    from qa_service.rumors import check as rumor_check

    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "ingest", "corpus", str(SMALL_MATERIALS)])

    assert result.exit_code == 1, result.output
    assert "broken-verdict.md" in result.output and "verdict" in result.output
    assert "已索引 5 份素材" in result.output
    meta = json.loads((current_generation(tmp_path / "d" / "index") / "meta.json").read_text())
    assert meta["materials"] == 5


def test_cli_ingest_rejects_missing_directory(tmp_path, monkeypatch):
    from qa_service.cli import app
    from qa_service.rumors import check as rumor_check

    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "ingest", "corpus", str(tmp_path / "nope")])

    assert result.exit_code == 2
    assert "素材目录不存在" in result.output


def test_review_dates_travel_into_the_index_records(settings, corpus):
    build_index(settings, FakeEncoder(), corpus)

    index = PassageIndex.load(current_generation(settings.index_dir))
    garlic = index.materials["garlic-virus"]
    assert (garlic.reviewed_at, garlic.review_by) == ("2023-01-10", "2099-01-10")
    assert garlic.to_json()["review_by"] == "2099-01-10"
    assert index.materials["overnight-dishes"].review_by == "", "a material without one has no date, not a guess"
