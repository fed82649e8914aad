"""Search over vetted material for the emergency-science team: ranked hits, snippets, facets, paging.

A query runs the same hybrid retrieval as the rumour check (one query embedding, one faiss search,
one BM25 pass). An empty query with or without filters lists materials by `updated_at`, newest
first. Facet counts are per topic, verdict and audience over the matched materials, each facet
counted with the *other* filters applied, so a staff member sees what another choice would give.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import asdict, dataclass, field

from graph.lru import GenerationCache
from graph.search.material_store import STATUSES, VERDICTS, MaterialRecord
from graph.search.passage_index import PassageIndex
from graph.search.serving import WITHDRAWN
from graph.text_normalizer import normalize
from qa_service.rumors.check import InvalidText, RumorChecker
from qa_service.rumors.retrieval import Candidate, FusionConfig

MAX_K = 50
RESULT_CACHE_SIZE = 5_000  # result pages remembered per index generation
MAX_QUERY = 200
SNIPPET_CHARS = 120
SEMANTIC_NEIGHBOURS = 10  # materials found by meaning alone (no shared word) that are kept
STATUS_FILTERS = (*STATUSES, "all")
FACETS = ("topic", "verdict", "audience")


@dataclass
class SearchHit:
    id: str
    title: str
    verdict: str
    summary: str
    topics: list[str]
    audience: list[str]
    status: str
    updated_at: str
    source: str
    url: str
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched terms
    reviewed_at: str = ""
    review_by: str = ""


@dataclass
class SearchResult:
    query: str
    total: int
    offset: int
    k: int
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "offset": self.offset, "k": self.k,
                "hits": [asdict(h) for h in self.hits], "facets": self.facets}


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of `text` around the first matched term, HTML-escaped, terms wrapped in <mark>."""
    lowered = text.lower()
    spans = []
    for term in sorted({t.lower() for t in terms if t}, key=len, reverse=True):
        start = lowered.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    spans = _merge(spans)
    begin = 0
    if spans and len(text) > width:
        begin = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), begin + width)
    parts, cursor = ["……" if begin > 0 else ""], begin
    for s, e in spans:
        s, e = max(s, begin), min(e, end)
        if s >= e:
            continue
        parts += [html.escape(text[cursor:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        cursor = e
    parts += [html.escape(text[cursor:end]), "……" if end < len(text) else ""]
    return "".join(parts)


def _passes(record: MaterialRecord, filters: dict[str, str | None], skip: str | None = None) -> bool:
    for name, value in filters.items():
        if not value or name == skip:
            continue
        if name == "topic" and value not in record.topics:
            return False
        if name == "audience" and value not in record.audience:
            return False
        if name == "verdict" and record.verdict != value:
            return False
    return True


def _facet_counts(records: list[MaterialRecord], filters: dict[str, str | None]) -> dict[str, dict[str, int]]:
    facets = {}
    for facet in FACETS:
        counter: Counter[str] = Counter()
        for record in records:
            if _passes(record, filters, skip=facet):
                values = {"topic": record.topics, "audience": record.audience, "verdict": [record.verdict]}[facet]
                counter.update(set(values))
        facets[facet] = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    return facets


class MaterialSearch:
    """Shares the rumour checker's index handle and encoder (one model per process)."""

    def __init__(self, checker: RumorChecker, fusion: FusionConfig | None = None):
        self.checker = checker
        self.fusion = fusion or FusionConfig(**{**checker.calibration.fusion.__dict__, "depth": 96})
        self._results = GenerationCache(RESULT_CACHE_SIZE)  # pages of the current index generation

    def search(self, q: str = "", *, topic: str | None = None, audience: str | None = None,
               verdict: str | None = None, status: str = "approved", k: int = 10, offset: int = 0) -> SearchResult:
        """Raises InvalidText (Chinese message) for bad parameters, GraphError when not ready."""
        q = q or ""
        if len(q) > MAX_QUERY:
            raise InvalidText("search query too long", f"搜索词过长，请不超过 {MAX_QUERY} 字。")
        if status not in STATUS_FILTERS:
            raise InvalidText(f"bad status {status!r}", f"status 应为以下之一：{'、'.join(STATUS_FILTERS)}")
        if verdict and verdict not in VERDICTS:
            raise InvalidText(f"bad verdict {verdict!r}", f"verdict 应为以下之一：{'、'.join(VERDICTS)}")
        if not 1 <= k <= MAX_K or offset < 0:
            raise InvalidText("bad paging", f"k 应在 1 到 {MAX_K} 之间，offset 不能为负数。")
        index = self.checker.index()
        query = normalize(q)
        key = (q, query, topic, audience, verdict, status, k, offset)
        generation = (index, index.serving())  # a new day may withdraw material
        result = self._results.lookup(generation, key)
        if result is None:
            result = self._search(index, q, query, topic, audience, verdict, status, k, offset)
            self._results.store(generation, key, result)
        return result

    def _search(self, index: PassageIndex, q: str, query: str, topic: str | None, audience: str | None,
                verdict: str | None, status: str, k: int, offset: int) -> SearchResult:
        # "approved" is what the public is served: approved material withdrawn past its review date
        # (graph/search/serving.py) shows only under "all".
        statuses = frozenset({*STATUSES, WITHDRAWN}) if status == "all" else frozenset({status})
        filters = {"topic": topic, "audience": audience, "verdict": verdict}
        view = index.serving()
        if not query:
            ranked = sorted((m for m in index.materials.values() if view.status(m) in statuses),
                            key=lambda m: (m.updated_at, m.id), reverse=True)
            scored = [(m, 0.0, None) for m in ranked]
            terms: list[str] = []
        else:
            scored, terms = self._ranked(index, query, statuses)
        records = [m for m, _, _ in scored]
        matched = [(m, s, c) for m, s, c in scored if _passes(m, filters)]
        hits = [self._hit(index, m, s, c, terms) for m, s, c in matched[offset:offset + k]]
        return SearchResult(query=q, total=len(matched), offset=offset, k=k, hits=hits,
                            facets=_facet_counts(records, filters))

    def _ranked(self, index: PassageIndex, query: str, statuses: frozenset[str]
                ) -> tuple[list[tuple[MaterialRecord, float, Candidate]], list[str]]:
        tokens = index.tokenizer.tokens(query)
        retrieval = self.checker.retriever.retrieve(index, self.checker.encode([query]), [tokens], statuses,
                                                    self.fusion)[0]
        kept = [c for c in retrieval.candidates if c.bm25_rank or c.dense_rank <= SEMANTIC_NEIGHBOURS]
        terms = list(dict.fromkeys(index.tokenizer.words(query) + tokens))
        terms = [t for t in terms if len(t) > 1] or terms  # a lone 吃 or 水 would light up everything
        return [(index.materials[c.material_id], round(c.fused, 6), c) for c in kept], terms

    def _hit(self, index: PassageIndex, record: MaterialRecord, score: float, cand: Candidate | None,
             terms: list[str]) -> SearchHit:
        text = record.summary
        if cand is not None and terms:
            # Show the entry that shares most query words; ties go to the semantically best passage.
            best, best_hits = None, 0
            for i in index.material_entries[cand.ordinal]:
                entry_text = index.entries[i].text.lower()
                hits = sum(1 for t in set(terms) if t.lower() in entry_text)
                if hits > best_hits or (hits == best_hits and i == cand.best_passage):
                    best, best_hits = i, hits
            if best is not None and index.entries[best].kind != "title":
                text = index.entries[best].text
        return SearchHit(id=record.id, title=record.title, verdict=record.verdict, summary=record.summary,
                         topics=list(record.topics), audience=list(record.audience), status=record.status,
                         updated_at=record.updated_at, source=record.source, url=record.url, score=score,
                         snippet=highlight(text.replace("\n", " "), terms),
                         reviewed_at=record.reviewed_at, review_by=record.review_by)
