"""Rumour check: does vetted, approved material answer this message? If so, say what it says.

A message is normalised; a long one (a forwarded article) is also split into sentences and
clauses, each checked, and the best-supported one wins, so a rumour buried in 400 characters is
found. The answer is built from the material's own summary with its source named. When nothing
vetted matches, the reply says so — never an unrelated rebuttal — and the question is logged for
staff.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from graph.encoder.factory import get_encoder
from graph.errors import GraphError, ModelUnavailable
from graph.lru import GenerationCache
from graph.search.claim_terms import ClaimTerms, claim_terms
from graph.search.material_store import UnansweredLog, unanswered_log
from graph.search.passage_index import IndexHandle, PassageIndex
from graph.search.serving import ServingRule
from graph.settings import Settings
from graph.text_normalizer import normalize
from qa_service.rumors.calibration import Calibration, candidate_features, load_calibration
from qa_service.rumors.decision import (
    CONFIRMED,
    SUGGESTED,
    PairScorer,
    Pick,
    confirmed_picks,
    load_pair_scorer,
    picks,
)
from qa_service.rumors.retrieval import FusionConfig, HybridRetriever, Retrieval

log = logging.getLogger(__name__)

MAX_CHARS = 2000
PUBLIC = frozenset({"approved"})
SHORT_MESSAGE = 60  # longer messages are also checked clause by clause
MAX_CLAUSES = 24
MAX_EMBEDDED = 4  # texts embedded per long message: all of it and its three likeliest clauses
MAX_SUMMARY = 220
SHOWN_MATERIALS = 3
RESULT_CACHE_SIZE = 20_000  # checked messages remembered per index generation
RANKED = 20  # candidates kept per clause: enough for Recall@3/MRR, few enough to stay fast
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")

NO_MATERIAL_REPLY = (
    "kepu 暂时还没有经过核实的相关科普材料，无法判断这条说法的真假。"
    "您的问题已记录，我们会转给科普团队核实补充。在权威信息发布前，建议不轻信、不转发。"
)
SUGGESTION_REPLY = "您说的是不是“{title}”？回复 1 查看核实结果。"
# A suggestion whose claim's key words the message does not evoke: often the same subject and another
# claim (大蒜*降血压* against the material on 大蒜*杀病毒*), sometimes a paraphrase of the very claim
# (of the bundled query sets' nine such suggestions, four were). Say what is true of both: no material
# says exactly this; is the related one what was meant?
NEAR_TOPIC_REPLY = "kepu 没有找到与这一说法完全对应的核实材料。相关的有：“{title}”，是您要问的吗？回复 1 查看。"
LINKS_ONLY_REPLY = (
    "您发来的内容只有链接或网页代码，kepu 无法打开链接核实。"
    "请把需要核实的说法直接用文字发给我们。"
)


class InvalidText(ValueError):
    """The text cannot be checked at all (empty or too long); `user_message` is Chinese."""

    def __init__(self, message: str, user_message: str):
        super().__init__(message)
        self.user_message = user_message


@dataclass
class MaterialMatch:
    id: str
    title: str
    verdict: str
    summary: str
    score: float
    passage: str
    source: str


@dataclass
class ClauseEvidence:
    clause: str
    retrieval: Retrieval
    features: list[dict]  # of the top candidates, best first


@dataclass
class RumorResult:
    matched: bool
    verdict: str | None
    reply: str
    materials: list[MaterialMatch] = field(default_factory=list)
    confidence: float = 0.0
    query: str = ""  # the normalised sentence or clause that was matched
    ranking: list[str] = field(default_factory=list)  # material ids, best first (also when abstaining)
    level: str = ""  # "confirmed", "suggested" or "none" (pair decision); "" under the calibration
    suggestion: MaterialMatch | None = None  # level "suggested": the material asked about, never a verdict
    suggestion_reply: str = ""  # the rebuttal to give if the asker says yes

    def to_json(self) -> dict:
        body = {"matched": self.matched, "verdict": self.verdict, "reply": self.reply,
                "materials": [asdict(m) for m in self.materials], "confidence": round(self.confidence, 4)}
        if self.level:
            body["level"] = self.level
        if self.suggestion is not None:
            body["suggestion"] = {"id": self.suggestion.id, "title": self.suggestion.title,
                                  "reply": self.suggestion_reply}
        return body


def check_input(text: str | None) -> str:
    """Reject what cannot be checked at all; returns the raw text."""
    if text is None or not str(text).strip():
        raise InvalidText("empty text", "请输入要核实的内容。")
    if len(text) > MAX_CHARS:
        raise InvalidText(f"text too long ({len(text)} chars)",
                          f"内容过长（{len(text)} 字），请只发送需要核实的说法，不超过 {MAX_CHARS} 字。")
    return text


def split_clauses(text: str) -> list[str]:
    """A short message whole; a long one whole (first 400 characters) and as its sentences and the
    clauses of its long sentences."""
    if len(text) <= SHORT_MESSAGE:
        return [text]
    out = [text[:400]]
    for sentence in (m.group().strip() for m in _SENTENCE.finditer(text)):
        if len(sentence) < 4:
            continue
        out.append(sentence)
        if len(sentence) > SHORT_MESSAGE:
            out += [c.strip() for c in (m.group() for m in _CLAUSE.finditer(sentence)) if len(c.strip()) >= 6]
    out = list(dict.fromkeys(out))
    return out[:MAX_CLAUSES]


def _likely_clauses(index: PassageIndex, clauses: list[str]) -> list[str]:
    """The whole message plus the clauses most likely to carry a claim we know, at most MAX_EMBEDDED.

    Embedding is the expensive step (one model pass per text); a clause that shares no weighty
    word with any vetted claim or title is unlikely to be the one a rebuttal answers.
    """
    if len(clauses) <= MAX_EMBEDDED:
        return clauses
    vocabulary = index.claim_vocabulary

    def weight(clause: str) -> float:
        return sum(index.idf(t) for t in set(index.tokenizer.tokens(clause)) if t in vocabulary)

    ranked = set(sorted(clauses[1:], key=weight, reverse=True)[: MAX_EMBEDDED - 1])
    return [clauses[0], *(c for c in clauses[1:] if c in ranked)]


def _short_summary(summary: str) -> str:
    if len(summary) <= MAX_SUMMARY:
        return summary
    cut = max(summary.rfind(p, 0, MAX_SUMMARY) for p in "。；！？")
    return summary[: cut + 1] if cut > 40 else summary[:MAX_SUMMARY] + "……"


def build_reply(verdict: str, title: str, summary: str, source: str) -> str:
    """Chat-bubble answer from the material's own words: 【verdict】title, summary, source."""
    return f"【{verdict}】{title}\n{_short_summary(summary)}（依据：{source}）"


class RumorChecker:
    """Matches messages against approved material; safe to share between threads."""

    def __init__(self, handle: IndexHandle | PassageIndex, encoder=None, *,
                 encoder_factory: Callable[[], object] | None = None, calibration: Calibration | None = None,
                 unanswered: UnansweredLog | None = None, pair: PairScorer | None | bool = True):
        """`pair`: the pair scorer (qa_service.rumors.pair, .decision); True loads the committed one, None or
        False decides with the calibration alone."""
        self._handle = handle
        self._encoder = encoder
        self._encoder_factory = encoder_factory
        self._encoder_lock = threading.Lock()
        self.calibration = calibration or load_calibration()
        self.retriever = HybridRetriever(self.calibration.fusion)
        self.pair = load_pair_scorer() if pair is True else (pair or None)
        self.unanswered = unanswered
        # Checked messages of the current index and calibration: a rumour going round arrives
        # thousands of times in the same words, and each check costs a model call and a retrieval.
        self._results = GenerationCache(RESULT_CACHE_SIZE)

    # -- plumbing ----------------------------------------------------------------------------
    def index(self) -> PassageIndex:
        if isinstance(self._handle, PassageIndex):
            return self._handle
        return self._handle.require()

    @property
    def encoder(self):
        if self._encoder is None:
            with self._encoder_lock:
                if self._encoder is None:
                    if self._encoder_factory is None:
                        raise ModelUnavailable("rumour checker has no encoder")
                    self._encoder = self._encoder_factory()
        return self._encoder

    def encode(self, queries: list[str]) -> np.ndarray:
        if len(queries) == 1 and hasattr(self.encoder, "encode_query"):
            return np.atleast_2d(self.encoder.encode_query(queries[0]))
        return np.atleast_2d(self.encoder.encode_queries(queries))

    def warm(self) -> None:
        """Load the index, the model and the tokenizer's dictionary now rather than on the first question."""
        index = self.index()
        index.tokenizer.tokens("隔夜菜会致癌吗")  # jieba's dictionary: ~0.7 s on first use
        self.encode(["隔夜菜会致癌吗"])
        self.terms(index)

    def terms(self, index: PassageIndex) -> ClaimTerms:
        """The index's claim terms (computed with the model if the generation was written without them)."""
        return claim_terms(index, self.encoder)

    # -- checking ----------------------------------------------------------------------------
    def gather(self, query: str, fusion: FusionConfig | None = None, statuses: frozenset[str] = PUBLIC,
               index: PassageIndex | None = None, exclude: frozenset[str] = frozenset(),
               features: bool = True) -> list[ClauseEvidence]:
        """Retrieval and features of the top candidates for each clause of a normalised message;
        `exclude` leaves materials out as if they did not exist (evaluation); `features=False`
        skips the calibration's features (the pair decision does not use them)."""
        index = index or self.index()
        clauses = _likely_clauses(index, split_clauses(query))
        tokens = [index.tokenizer.tokens(c) for c in clauses]
        retrievals = self.retriever.retrieve(index, self.encode(clauses), tokens, statuses, fusion, RANKED,
                                             exclude=exclude)
        terms = self.terms(index)
        if not features:
            return [ClauseEvidence(clause, retrieval, []) for clause, retrieval in zip(clauses, retrievals, strict=True)]
        # Only the top candidate decides; the others are scored if and when an answer is given.
        return [ClauseEvidence(clause, retrieval, [candidate_features(index, retrieval, cand, clause, terms)
                                                   for cand in retrieval.candidates[:1]])
                for clause, retrieval in zip(clauses, retrievals, strict=True)]

    def best_clause(self, evidence: list[ClauseEvidence], calibration: Calibration | None = None
                    ) -> tuple[ClauseEvidence, list[float]]:
        """The clause whose top candidate is best supported, and its candidates' probabilities."""
        calibration = calibration or self.calibration
        best, best_probs = evidence[0], [calibration.probability(f) for f in evidence[0].features]
        for ev in evidence[1:]:
            probs = [calibration.probability(f) for f in ev.features]
            if probs and (not best_probs or probs[0] > best_probs[0]):
                best, best_probs = ev, probs
        return best, best_probs

    def check(self, text: str, *, log_unanswered: bool = True, fusion: FusionConfig | None = None) -> RumorResult:
        """Check one message; raises InvalidText for empty/over-long input, GraphError if not ready."""
        check_input(text)
        query = normalize(text)
        if not query:
            return RumorResult(matched=False, verdict=None, reply=LINKS_ONLY_REPLY)
        index = self.index()
        generation = (index, index.serving(), self.calibration, self.pair)  # a new day may withdraw material
        result = self._results.lookup(generation, query) if fusion is None else None
        if result is None:
            result = self._check(index, query, fusion)
            if fusion is None:
                self._results.store(generation, query, result)
        if log_unanswered:
            self._record_unanswered(query, result)
        return result

    def log_unanswered(self, text: str, result: RumorResult) -> None:
        """Log `result` of checking `text` (with log_unanswered=False) for the science team, if no
        material answered it, without checking again."""
        self._record_unanswered(normalize(text), result)

    def _record_unanswered(self, query: str, result: RumorResult) -> None:
        if not result.matched and self.unanswered is not None:
            self.unanswered.record(query, result.ranking[0] if result.ranking else None, result.confidence)

    def _check(self, index: PassageIndex, query: str, fusion: FusionConfig | None) -> RumorResult:
        if self._pair_for(index) is not None and fusion is None:
            return self._check_pairs(index, query)
        best, probs = self.best_clause(self.gather(query, fusion, index=index))
        ranking = [c.material_id for c in best.retrieval.candidates]
        confidence = probs[0] if probs else 0.0
        threshold = self.calibration.threshold
        if not probs or confidence < threshold:
            return RumorResult(matched=False, verdict=None, reply=NO_MATERIAL_REPLY, confidence=confidence,
                               query=best.clause, ranking=ranking)
        matches = []
        for rank, cand in enumerate(best.retrieval.candidates[:SHOWN_MATERIALS]):
            prob = confidence if rank == 0 else self.calibration.probability(
                candidate_features(index, best.retrieval, cand, best.clause, self.terms(index)))
            if prob < threshold:
                continue
            record = index.materials[cand.material_id]
            passage = index.entries[cand.best_passage].text if cand.best_passage >= 0 else record.summary
            matches.append(MaterialMatch(id=record.id, title=record.title, verdict=record.verdict,
                                         summary=record.summary, score=round(prob, 4), passage=passage,
                                         source=record.source))
        top = matches[0]
        return RumorResult(matched=True, verdict=top.verdict, reply=build_reply(top.verdict, top.title, top.summary,
                                                                               top.source),
                           materials=matches, confidence=confidence, query=best.clause, ranking=ranking)

    def _pair_for(self, index: PassageIndex) -> PairScorer | None:
        """The pair scorer if it was fitted for this index's vectors (same model, same width)."""
        if self.pair is None or self.pair.model.dim != index.vectors.shape[1]:
            return None
        return self.pair

    def _match(self, index: PassageIndex, pick: Pick) -> MaterialMatch:
        record = index.materials[pick.material_id]
        cand = pick.candidate
        passage = index.entries[cand.best_passage].text if cand.best_passage >= 0 else record.summary
        return MaterialMatch(id=record.id, title=record.title, verdict=record.verdict, summary=record.summary,
                             score=round(pick.probability, 4), passage=passage, source=record.source)

    def scored_picks(self, index: PassageIndex, query: str, evidence: list[ClauseEvidence] | None = None
                     ) -> list[Pick]:
        """Every checked clause's pair-decision pick, best first."""
        evidence = evidence if evidence is not None else self.gather(query, index=index, features=False)
        return picks(self.pair.model, self.pair.decision, index, self.terms(index), evidence)

    def _check_pairs(self, index: PassageIndex, query: str) -> RumorResult:
        """Two levels. Confirmed: what the calibration and the pair decision confirm
        (`confirmed_picks`), one rebuttal per rumour the message carries; otherwise the pair
        decision's suggestion ("您说的是不是……？"), never a verdict; otherwise nothing."""
        evidence = self.gather(query, index=index)
        scored = self.scored_picks(index, query, evidence)
        confirmed = confirmed_picks(self.calibration, self.pair.decision, evidence, scored)
        if confirmed:
            matches = [self._match(index, p) for p in confirmed]
            reply = "\n\n".join(build_reply(m.verdict, m.title, m.summary, m.source) for m in matches)
            return RumorResult(matched=True, verdict=matches[0].verdict, reply=reply, materials=matches,
                               confidence=confirmed[0].probability, query=confirmed[0].clause,
                               ranking=confirmed[0].ranking, level=CONFIRMED)
        if not scored:
            return RumorResult(matched=False, verdict=None, reply=NO_MATERIAL_REPLY, level="none")
        top = scored[0]
        if self.pair.decision.level(top.probability, top.features) == SUGGESTED:
            match = self._match(index, top)
            evoked = self.pair.decision.keys_evoked(top.features)
            reply = (SUGGESTION_REPLY if evoked else NEAR_TOPIC_REPLY).format(title=match.title)
            return RumorResult(matched=False, verdict=None, reply=reply,
                               confidence=top.probability, query=top.clause, ranking=top.ranking, level=SUGGESTED,
                               suggestion=match, suggestion_reply=build_reply(match.verdict, match.title,
                                                                              match.summary, match.source))
        return RumorResult(matched=False, verdict=None, reply=NO_MATERIAL_REPLY, confidence=top.probability,
                           query=top.clause, ranking=top.ranking, level="none")

    def looks_like_rumor(self, text: str) -> float:
        """How confident we are that vetted material answers `text` (0..1); never logs, never raises."""
        try:
            query = normalize(check_input(text))
            if not query:
                return 0.0
            evidence = self.gather(query)
            _, probs = self.best_clause(evidence)
            if self._pair_for(self.index()) is not None:
                scored = self.scored_picks(self.index(), query, evidence)
                return max([probs[0] if probs else 0.0, *(p.probability for p in scored[:1])])
        except (InvalidText, GraphError):
            return 0.0
        return probs[0] if probs else 0.0


def default_encoder_factory(settings: Settings) -> Callable[[], object]:
    def factory():
        return get_encoder(settings)

    return factory


def load_rumor_checker(settings: Settings, encoder=None, handle: IndexHandle | None = None) -> RumorChecker:
    """A checker over the index under `settings.index_dir`, following rebuilds; the model loads lazily."""
    handle = handle or IndexHandle(settings.index_dir, rule=ServingRule.from_settings(settings))
    return RumorChecker(handle, encoder,
                        encoder_factory=default_encoder_factory(settings),
                        unanswered=unanswered_log(settings.data_dir))
