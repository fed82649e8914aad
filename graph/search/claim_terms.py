"""Claim terms of the vetted material: what each rumour is about, to tell a near miss from a paraphrase.

The passage index answers "which material is closest". A near miss (大蒜 *降血压* asked of a
material on 大蒜 and viruses, *深海鱼油* softening blood vessels asked of one on 醋) is often
closer to its material than a covered question put in the asker's own words. Two things, built
from the material's own text and stored beside each index generation, help tell them apart
without any extra model call per question:

- a *card* per material: its title, claims and summary as one text, embedded like a question (the
  rumour and its rebuttal as one statement; a paraphrase is often nearer to it than to any one claim);
- the words of each title and claim, ranked by how much the material is about them (their count
  in the material times their idf), each embedded alone, with the mean and spread of its cosine
  against the corpus's titles and claims. How strongly a question evokes a claim's *least* evoked
  key word, compared with how strongly questions evoke that word in general, says whether the
  question is about that claim or only shares its topic.

Files: `claim_terms.json` (card texts, vocabulary, word statistics, ranked words per title/claim
entry) and `claim_terms.npy` (vectors: one per card, then one per word). Vectors are keyed by text
and reused across builds like entry vectors. An index written before these files existed gets them
computed in memory on first use (one batch of model calls, logged).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.text_normalizer import normalize

log = logging.getLogger(__name__)

TERMS_JSON = "claim_terms.json"
TERMS_VECTORS = "claim_terms.npy"
TERMS_FORMAT = 1
SHORT_KINDS = frozenset({"title", "claim"})
BACKGROUND = 2048  # titles/claims sampled for each word's cosine statistics
KEY_WORDS = 3  # a claim's key words: its most material-specific ones
LITERAL_Z = 3.0  # a key word written out in the question counts as strongly evoked
EMBED_CHUNK = 64


def _key(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\x00{text}".encode()).hexdigest()


def card_text(title: str, claims: list[str], summary: str) -> str:
    return normalize("。".join([title, *dict.fromkeys(claims), summary]))


@dataclass
class TermsPlan:
    """What a build embeds: a card per material and the ranked words of every title and claim."""

    cards: list[str]  # aligned with the materials
    words: list[str]  # vocabulary, sorted
    entry_words: list[list[int] | None]  # aligned with the entries: word ids, most specific first


def plan_terms(materials, entries, tokens: list[list[str]], tokenizer) -> TermsPlan:
    """Cards and ranked claim words; `tokens` are the entries' BM25 tokens (for counts and idf)."""
    n_docs = max(len(entries), 1)
    doc_freq = Counter(t for toks in tokens for t in set(toks))

    def idf(token: str) -> float:
        df = doc_freq.get(token, 0)
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    counts: dict[str, Counter] = {}
    for entry, toks in zip(entries, tokens, strict=True):
        counts.setdefault(entry.material_id, Counter()).update(toks)
    ranked_entries: list[list[str] | None] = []
    for entry in entries:
        if entry.kind not in SHORT_KINDS:
            ranked_entries.append(None)
            continue
        words = list(dict.fromkeys(tokenizer.words(normalize(entry.text) or entry.text)))
        here = counts.get(entry.material_id, Counter())
        ranked_entries.append(sorted(words, key=lambda w: -max(here.get(w, 0), 1) * idf(w)))
    vocabulary = sorted({w for ws in ranked_entries if ws for w in ws})
    ids = {w: i for i, w in enumerate(vocabulary)}
    return TermsPlan(cards=[card_text(m.title, m.claims, m.summary) for m in materials], words=vocabulary,
                     entry_words=[[ids[w] for w in ws] if ws is not None else None for ws in ranked_entries])


def _previous_vectors(path: Path | None) -> dict[str, np.ndarray]:
    if path is None:
        return {}
    try:
        data = json.loads((path / TERMS_JSON).read_text(encoding="utf-8"))
        vectors = np.load(path / TERMS_VECTORS, mmap_mode="r")
    except (OSError, ValueError):
        return {}
    keys = [_key("card", t) for t in data.get("cards", [])] + [_key("word", w) for w in data.get("words", [])]
    if len(keys) != len(vectors):
        return {}
    return {k: np.asarray(vectors[i]) for i, k in enumerate(keys)}


def _word_statistics(word_vectors: np.ndarray, short_vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of each word's cosine with (a sample of) the corpus's titles and claims."""
    if not len(word_vectors) or not len(short_vectors):
        return np.zeros(len(word_vectors)), np.ones(len(word_vectors))
    pick = np.unique(np.linspace(0, len(short_vectors) - 1, min(BACKGROUND, len(short_vectors))).astype(np.int64))
    sample = np.asarray(short_vectors[pick], dtype=np.float32)
    mean, std = np.empty(len(word_vectors)), np.empty(len(word_vectors))
    for start in range(0, len(word_vectors), 1024):
        sims = word_vectors[start:start + 1024] @ sample.T
        mean[start:start + 1024] = sims.mean(axis=1)
        std[start:start + 1024] = sims.std(axis=1)
    return mean, np.maximum(std, 1e-3)


def build_terms(path: Path, materials, entries, tokens: list[list[str]], tokenizer, encoder,
                entry_vectors: np.ndarray, previous: Path | None = None) -> int:
    """Write the claim-term files into generation directory `path`; returns how many texts were embedded."""
    plan = plan_terms(materials, entries, tokens, tokenizer)
    texts = [("card", t) for t in plan.cards] + [("word", w) for w in plan.words]
    reuse = _previous_vectors(previous)
    dim = int(encoder.dim)
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    missing = []
    for i, (kind, text) in enumerate(texts):
        old = reuse.get(_key(kind, text))
        if old is not None and len(old) == dim:
            vectors[i] = old
        else:
            missing.append(i)
    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start:start + EMBED_CHUNK]
        vectors[chunk] = np.asarray(encoder.encode_queries([texts[i][1] for i in chunk]), dtype=np.float32)
    short = np.array([e.kind in SHORT_KINDS for e in entries], dtype=bool)
    mean, std = _word_statistics(vectors[len(plan.cards):], np.asarray(entry_vectors)[short] if len(entries) else
                                 np.zeros((0, dim), np.float32))
    np.save(path / TERMS_VECTORS, vectors)
    data = {"format": TERMS_FORMAT, "cards": plan.cards, "words": plan.words,
            "word_mean": [round(float(x), 6) for x in mean], "word_std": [round(float(x), 6) for x in std],
            "entry_words": plan.entry_words}
    (path / TERMS_JSON).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return len(missing)


def plain_words(tokens: list[str]) -> list[str]:
    """The words of a search-mode token list without the shorter words it also lists inside them
    (jieba lists 血压 and then 降血压): each sub-word comes right before the word containing it."""
    out: list[str] = []
    for token in tokens:
        while out and len(out[-1]) < len(token) and out[-1] in token:
            out.pop()
        out.append(token)
    return list(dict.fromkeys(out))


class ClaimTerms:
    """The loaded claim terms of one index generation."""

    def __init__(self, cards: np.ndarray, words: list[str], word_vectors: np.ndarray, word_mean: np.ndarray,
                 word_std: np.ndarray, entry_words: list[list[int] | None]):
        self.cards = np.ascontiguousarray(cards, dtype=np.float32)
        self.words = words
        self.word_vectors = np.ascontiguousarray(word_vectors, dtype=np.float32)
        self.word_mean = np.asarray(word_mean, dtype=np.float32)
        self.word_std = np.asarray(word_std, dtype=np.float32)
        self.entry_words = [np.asarray(ids, dtype=np.int64) if ids else None for ids in entry_words]
        self._texts: dict[int, str] = {}

    @classmethod
    def load(cls, path: Path) -> ClaimTerms | None:
        try:
            data = json.loads((Path(path) / TERMS_JSON).read_text(encoding="utf-8"))
            vectors = np.load(Path(path) / TERMS_VECTORS)
        except (OSError, ValueError):
            return None
        n_cards = len(data["cards"])
        if data.get("format") != TERMS_FORMAT or len(vectors) != n_cards + len(data["words"]):
            return None
        return cls(vectors[:n_cards], data["words"], vectors[n_cards:], np.array(data["word_mean"]),
                   np.array(data["word_std"]), data["entry_words"])

    def card_scores(self, ordinals: list[int], vector: np.ndarray) -> np.ndarray:
        return self.cards[ordinals] @ vector

    def term_support(self, index, ordinal: int, vector: np.ndarray, query: str) -> tuple[float, float]:
        """How strongly the question evokes the least evoked word of the material's best-matched
        title or claim: all its words, and only its key words (z-scores; a written-out key word counts
        as LITERAL_Z)."""
        best_all = best_key = -LITERAL_Z
        seen = False
        for entry in index.material_entries[ordinal]:
            ids = self.entry_words[entry] if entry < len(self.entry_words) else None
            if ids is None or not len(ids):
                continue
            z = (self.word_vectors[ids] @ vector - self.word_mean[ids]) / self.word_std[ids]
            for j, i in enumerate(ids.tolist()):
                if self.words[i] in query:
                    z[j] = max(z[j], LITERAL_Z)
            best_all = max(best_all, float(z.min()))
            best_key = max(best_key, float(z[:KEY_WORDS].min()))
            seen = True
        return (best_all, best_key) if seen else (0.0, 0.0)

    def material_text(self, index, ordinal: int) -> str:
        text = self._texts.get(ordinal)
        if text is None:
            record = index.materials[index.material_ids[ordinal]]
            text = normalize("。".join([record.title, *record.claims, record.summary, record.body])).lower()
            self._texts[ordinal] = text
        return text


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _computed(index, encoder) -> ClaimTerms:
    """Claim terms of an index generation written without them, built in memory with `encoder`."""
    log.warning("index %s has no claim terms; computing them now (re-index to store them)", index.generation)
    try:
        stored = json.loads((Path(index.path) / "tokens.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    tokens = [stored.get(e.key) or index.tokenizer.tokens(normalize(e.text)) for e in index.entries]
    materials = [index.materials[mid] for mid in index.material_ids]
    plan = plan_terms(materials, index.entries, tokens, index.tokenizer)
    texts = plan.cards + plan.words
    vectors = (np.asarray(encoder.encode_queries(texts), dtype=np.float32) if texts
               else np.zeros((0, index.vectors.shape[1]), np.float32))
    n_cards = len(plan.cards)
    mean, std = _word_statistics(vectors[n_cards:], index.vectors[index.entry_is_short])
    return ClaimTerms(vectors[:n_cards], plan.words, vectors[n_cards:], mean, std, plan.entry_words)


def claim_terms(index, encoder=None) -> ClaimTerms | None:
    """The claim terms of a loaded index (once per generation); None if absent and no encoder is given."""
    terms = _CACHE.get(index)
    if terms is not None:
        return terms
    with _LOCK:
        terms = _CACHE.get(index)
        if terms is None:
            terms = ClaimTerms.load(index.path)
            if terms is None:
                if encoder is None:
                    return None
                terms = _computed(index, encoder)
            _CACHE[index] = terms
    return terms
