"""Search indexes over one graph view: measures, targets, and sections/chapters.

Each index scores every document on three signals: BM25 over jieba words, and the cosine of the
question's embedding with each document's title and with its text. `fuse` turns them into one
ranking with tuned weights; the answerer derives its confidence features from the same signals.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import bm25s
import numpy as np

from graph.records import MeasureRecord, PlanRecord, TargetRecord
from graph.search import fusion
from graph.search.tokenizer import policy_tokenizer
from qa_service.chat.question import normalize
from qa_service.policy.params import SIGNALS, Weights

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_QUOTED = re.compile(r"[“\"《]([^”\"》]{2,20})[”\"》]")


@dataclass
class TargetDoc:
    target: TargetRecord
    measure: MeasureRecord | None  # None for plan-level goals
    plan: PlanRecord


@dataclass
class SectionDoc:
    plan: PlanRecord
    label: str  # "二、（二）" or "二、"
    title: str
    measures: list[MeasureRecord] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # section titles of a chapter


class DocIndex:
    """BM25 plus title/text embeddings over one list of documents."""

    def __init__(self, tokens: list[list[str]], titles: list[str], texts: list[str], encoder, cache: dict,
                 sentences: list[list[str]] | None = None):
        self.size = len(tokens)
        self.tokens = [set(t) for t in tokens]
        self._bm25 = None
        if self.size and any(tokens):
            self._bm25 = bm25s.BM25()
            self._bm25.index([t or ["\u2205"] for t in tokens], show_progress=False)
        self.title_vecs = _embed(encoder, titles, cache)
        self.text_vecs = _embed(encoder, texts, cache)
        # Questions often paraphrase one sentence of a long clause: best sentence per document.
        self.sent_vecs, self._sent_starts = None, None
        if sentences and encoder is not None and all(sentences):
            self.sent_vecs = _embed(encoder, [x for group in sentences for x in group], cache)
            self._sent_starts = np.cumsum([0] + [len(g) for g in sentences[:-1]])

    def signals(self, query_tokens: list[str], query_vec: np.ndarray | None) -> dict[str, np.ndarray]:
        zeros = np.zeros(self.size, dtype=np.float32)
        bm25 = zeros
        if self._bm25 is not None and query_tokens:
            bm25 = np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float32)
        cos_title = self.title_vecs @ query_vec if query_vec is not None and self.title_vecs is not None else zeros
        cos_text = self.text_vecs @ query_vec if query_vec is not None and self.text_vecs is not None else zeros
        cos_sent = cos_text
        if query_vec is not None and self.sent_vecs is not None:
            cos_sent = np.maximum.reduceat(self.sent_vecs @ query_vec, self._sent_starts)
        return {"bm25": bm25, "cos_title": cos_title, "cos_text": cos_text, "cos_sent": cos_sent}


def fuse(signals: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted sum of per-question z-scores (graph/search/fusion.py, mode "zscore"): puts BM25
    and cosines on one scale."""
    return fusion.fuse("zscore", [(signals[name], getattr(weights, name)) for name in SIGNALS])


class PolicyIndex:
    """Everything needed to answer from one set of plans; built once per graph version."""

    def __init__(self, plans: list[PlanRecord], encoder=None, unit_words: list[str] = (),
                 embedding_cache: dict | None = None):
        self.plans = plans
        self.encoder = encoder
        self.cache = embedding_cache if embedding_cache is not None else {}
        self.measures = [m for plan in plans for m in plan.measures]
        self.by_id = {m.id: m for m in self.measures}
        self.plan_of = {m.id: plan for plan in plans for m in plan.measures}
        self.tokenizer = policy_tokenizer(self._user_words(unit_words))
        tok = self.tokenizer.index_tokens

        self.measure_index = DocIndex(
            [tok(normalize(m.title)) * 2 + tok(normalize(m.text)) + tok(normalize(m.section_title))
             for m in self.measures],
            [normalize(m.title) for m in self.measures],
            [normalize(f"{m.title}。{m.text}")[:480] for m in self.measures],
            encoder, self.cache,
            sentences=[_sentences(normalize(m.text)) or [normalize(m.title)] for m in self.measures],
        )
        self.target_docs = [TargetDoc(goal, None, plan) for plan in plans for goal in plan.goals] + [
            TargetDoc(t, m, self.plan_of[m.id]) for m in self.measures for t in m.targets
        ]
        # A target's words, its measure's title and the section it sits in: the section names the
        # group a population action is for (农民科学素质提升行动), which the target's own sentence may
        # not ("每年培育高素质农民…" vs "每年资助1500名农民工…" under 产业工人).
        self.target_index = DocIndex(
            [tok(normalize(f"{d.target.text} {d.target.subject}")) * 2
             + tok(normalize(f"{d.measure.title} {d.measure.section_title} {_context(d)}" if d.measure
                             else "主要目标 科学素质"))
             for d in self.target_docs],
            [normalize(d.target.subject or d.target.text) for d in self.target_docs],
            [normalize(d.target.text) for d in self.target_docs],
            encoder, self.cache,
        )
        self.section_docs = self._sections()
        self.section_index = DocIndex(
            [tok(normalize(d.title)) for d in self.section_docs],
            [normalize(d.title) for d in self.section_docs],
            [normalize(d.title + "：" + "；".join(m.title for m in d.measures[:6])) for d in self.section_docs],
            encoder, self.cache,
        )
        self.idf, self.max_idf = self._idf()

    # ------------------------------------------------------------------ building

    def _user_words(self, unit_words) -> list[str]:
        words = list(unit_words)
        for plan in self.plans:
            words += [c.title for c in plan.chapters] + [s.title for s in plan.sections]
            for m in plan.measures:
                words += [m.title, m.section_title, m.chapter_title]
                words += [t.subject for t in m.targets if t.subject]
                words += _QUOTED.findall(m.text)
        return [normalize(w) for w in words if w]

    def _sections(self) -> list[SectionDoc]:
        docs: list[SectionDoc] = []
        for plan in self.plans:
            chapters = {c.label: c for c in plan.chapters}
            by_key: dict[tuple[str, str], SectionDoc] = {}
            for section in plan.sections:
                doc = SectionDoc(plan, f"{section.chapter_label}{section.label}", section.title)
                by_key[(section.chapter_label, section.label)] = doc
            for m in plan.measures:
                key = (m.path[0], m.path[1]) if len(m.path) > 1 else None
                if key and key not in by_key:
                    by_key[key] = SectionDoc(plan, "".join(key), m.section_title)
                if key:
                    by_key[key].measures.append(m)
            for doc in by_key.values():
                if doc.measures or doc.title:
                    docs.append(doc)
            for label, chapter in chapters.items():
                children = [d for (c, _), d in by_key.items() if c == label]
                measures = [m for d in children for m in d.measures]
                docs.append(SectionDoc(plan, label, chapter.title, measures, [d.title for d in children]))
        return docs

    def _idf(self) -> tuple[dict[str, float], float]:
        """Document frequency over every searchable text, for the coverage features."""
        docs = self.measure_index.tokens + self.target_index.tokens + self.section_index.tokens
        extra = []
        for plan in self.plans:
            extra.append(set(self.tokenizer.index_tokens(normalize(
                " ".join([plan.title, plan.goal_text, plan.region, plan.period, plan.status,
                          *plan.basis_titles, *[c.title for c in plan.chapters]])))))
        docs = docs + extra
        df = Counter(t for d in docs for t in d)
        n = max(len(docs), 1)
        idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        return idf, math.log((n + 1) / 0.5)

    # ------------------------------------------------------------------ querying

    def query_vector(self, text: str) -> np.ndarray | None:
        if self.encoder is None:
            return None
        return np.asarray(self.encoder.encode_query(text), dtype=np.float32)

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.max_idf)

    def coverage(self, words: list[str], tokens: set[str] | None = None) -> float:
        """IDF-weighted share of `words` found in `tokens` (default: anywhere in the plans)."""
        if not words:
            return 0.0
        total = sum(self.weight(w) for w in words)
        if tokens is None:
            hit = sum(self.weight(w) for w in words if w in self.idf)
        else:
            hit = sum(self.weight(w) for w in words if w in tokens or _parts_in(w, tokens))
        return hit / total if total else 0.0

    def matched_idf(self, words: list[str], tokens: set[str], cap: float = 15.0) -> float:
        """How specific the words the top document shares with the question are (0..1)."""
        total = sum(self.weight(w) for w in dict.fromkeys(words) if w in tokens or _parts_in(w, tokens))
        return min(total, cap) / cap


def _context(doc: TargetDoc) -> str:
    """The sentence of the measure's text a target was read from (its own words plus what it is
    for: "分层次开展农民职业技能培训…每年培育高素质农民3000名以上"), or "" when not found."""
    key = normalize(doc.target.text)[:12]
    return next((s for s in _SENTENCE.findall(normalize(doc.measure.text)) if key in s), "")


def _sentences(text: str) -> list[str]:
    return [x.strip() for x in _SENTENCE.findall(text) if len(x.strip()) >= 6]


def _parts_in(word: str, tokens: set[str]) -> bool:
    """A question word the precise cut kept whole (智能手机) still counts if its search-mode parts do."""
    return len(word) >= 4 and word[:2] in tokens and word[-2:] in tokens


def _embed(encoder, texts: list[str], cache: dict) -> np.ndarray | None:
    if encoder is None or not texts:
        return None
    missing = [t for t in dict.fromkeys(texts) if t not in cache]
    if missing:
        vecs = np.asarray(encoder.encode_passages(missing), dtype=np.float32)
        for text, vec in zip(missing, vecs, strict=True):
            cache[text] = vec
    return np.stack([cache[t] for t in texts]).astype(np.float32)
