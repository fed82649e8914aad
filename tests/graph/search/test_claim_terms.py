"""Claim terms beside an index generation: cards, ranked claim words, reuse, and indexes without them."""

from __future__ import annotations

import numpy as np
import pytest

from graph.search.claim_terms import (
    TERMS_JSON,
    TERMS_VECTORS,
    ClaimTerms,
    card_text,
    claim_terms,
    plain_words,
)
from graph.search.passage_index import PassageIndex, current_generation
from graph.settings import Settings
from ingest.corpus_indexer import build_index
from tests.material_fakes import FakeEncoder, good_materials


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("terms")
    settings = Settings(data_dir=root / "data")
    report = build_index(settings, FakeEncoder(), good_materials(root / "corpus"))
    return settings, report


def _index(settings) -> PassageIndex:
    return PassageIndex.load(current_generation(settings.index_dir))


def test_build_writes_a_card_per_material_and_the_words_of_every_title_and_claim(built):
    settings, report = built
    index = _index(settings)
    terms = ClaimTerms.load(index.path)

    assert terms is not None and report.terms_embedded == len(terms.cards) + len(terms.words)
    assert terms.cards.shape == (len(index.material_ids), FakeEncoder().dim)
    garlic = index.materials["garlic-virus"]
    expected = FakeEncoder().encode_query(card_text(garlic.title, garlic.claims, garlic.summary))
    assert np.allclose(terms.cards[index.material_ids.index("garlic-virus")], expected, atol=1e-6)
    for entry, ids in zip(index.entries, terms.entry_words, strict=True):
        assert (ids is not None) == (entry.kind in ("title", "claim")), entry


def test_a_claims_words_come_most_material_specific_first(built):
    settings, _ = built
    index = _index(settings)
    terms = ClaimTerms.load(index.path)
    claim = next(i for i, e in enumerate(index.entries) if e.text == "吃大蒜可以杀死新冠病毒")
    ranked = [terms.words[i] for i in terms.entry_words[claim]]

    assert ranked[:3] == ["大蒜", "新冠病毒", "杀死"], ranked  # its subject first, 吃 (said everywhere) last
    assert ranked[-1] == "吃"


def test_question_that_writes_out_the_claim_words_evokes_all_of_them(built):
    settings, _ = built
    index = _index(settings)
    terms = ClaimTerms.load(index.path)
    encoder = FakeEncoder()
    garlic = index.material_ids.index("garlic-virus")

    same, _ = terms.term_support(index, garlic, encoder.encode_query("吃大蒜可以杀死新冠病毒吗"), "吃大蒜可以杀死新冠病毒吗")
    other, _ = terms.term_support(index, garlic, encoder.encode_query("喝咖啡会导致骨质疏松吗"), "喝咖啡会导致骨质疏松吗")
    assert same >= 3.0 > other


def test_an_unchanged_corpus_reuses_every_term_vector(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    corpus = good_materials(tmp_path / "corpus")
    build_index(settings, FakeEncoder(), corpus)
    path = corpus / "garlic-virus.md"
    path.write_text(path.read_text("utf-8").replace("勤洗手。", "勤洗手，多通风。"), "utf-8")

    report = build_index(settings, FakeEncoder(), corpus)

    assert report.published and report.terms_embedded == 1, "only the edited material's card is new"


def test_an_index_written_without_terms_gets_them_computed_once(built, tmp_path):
    settings, _ = built
    index = _index(settings)
    stored = ClaimTerms.load(index.path)
    import shutil

    copy = tmp_path / "gen"
    shutil.copytree(index.path, copy)
    (copy / TERMS_JSON).unlink()
    (copy / TERMS_VECTORS).unlink()
    old = PassageIndex.load(copy)

    assert claim_terms(old) is None, "no encoder: nothing to compute them with"
    encoder = FakeEncoder()
    computed = claim_terms(old, encoder)
    assert computed is claim_terms(old, encoder), "computed once per loaded generation"
    assert computed.words == stored.words and np.allclose(computed.cards, stored.cards, atol=1e-6)


def test_plain_words_drop_the_shorter_words_jieba_lists_inside_longer_ones():
    assert plain_words(["血压", "降血压", "吃", "大蒜"]) == ["降血压", "吃", "大蒜"]
    assert plain_words(["深海", "海鱼", "深海鱼", "油"]) == ["深海鱼", "油"]
