"""Hybrid retrieval of materials: dense (faiss) and BM25 entry hits, reduced to materials, fused.

Per query: one faiss search and one BM25 scoring pass over the entries; the union of the
materials they surface is the shortlist. For each shortlisted material the exact best cosine
over all its entries is taken (claims/titles and body separately), so a material found by BM25
alone still gets a fair dense score. Fusion has an explicit mode:

- "rrf": w_dense / (k + dense rank) + w_bm25 / (k + BM25 rank) (rank counted from 1);
- "dense" / "bm25": one side alone (baselines for evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from graph.search.fusion import fuse as fuse_rankings
from graph.search.passage_index import PassageIndex

FUSION_MODES = ("rrf", "dense", "bm25")
SHORT_KINDS = frozenset({"title", "claim"})
SHOWN = 5  # candidates whose supporting passage is looked up (the rumour check shows at most 3)


@dataclass(frozen=True)
class FusionConfig:
    mode: str = "rrf"
    rrf_k: float = 10.0
    w_dense: float = 1.0
    w_bm25: float = 0.3
    depth: int = 48  # entries taken from each side before reducing to materials

    def __post_init__(self) -> None:
        if self.mode not in FUSION_MODES:
            raise ValueError(f"fusion mode must be one of {FUSION_MODES}, not {self.mode!r}")
        if self.rrf_k <= 0 or self.depth <= 0 or self.w_dense < 0 or self.w_bm25 < 0:
            raise ValueError("fusion parameters must be positive")

    def with_mode(self, mode: str) -> FusionConfig:
        return replace(self, mode=mode)


@dataclass
class Candidate:
    """One material shortlisted for one query, with the evidence for it."""

    ordinal: int
    material_id: str
    dense: float = 0.0  # best cosine over all the material's entries
    dense_short: float = 0.0  # best cosine over its title and claims
    dense_body: float = 0.0  # best cosine over its summary and passages
    bm25: float = 0.0  # best BM25 score over its entries
    dense_rank: int = 0  # 1-based among shortlisted materials; 0: not ranked
    bm25_rank: int = 0
    fused: float = 0.0
    best_entry: int = -1  # entry with the best cosine
    best_passage: int = -1  # body passage (or summary) with the best cosine: what to show


@dataclass
class Retrieval:
    """Ranked candidates for one query plus what the scorer needs about the query."""

    tokens: list[str]
    candidates: list[Candidate] = field(default_factory=list)
    dense_pool: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # top entry cosines
    runner_up_dense: float | None = None  # best cosine of any material but the top one
    vector: np.ndarray | None = None  # the query's embedding


class HybridRetriever:
    def __init__(self, fusion: FusionConfig | None = None):
        self.fusion = fusion or FusionConfig()

    def retrieve(self, index: PassageIndex, vectors: np.ndarray, token_lists: list[list[str]],
                 statuses: frozenset[str] | None = frozenset({"approved"}), fusion: FusionConfig | None = None,
                 limit: int | None = None, exclude: frozenset[str] = frozenset()) -> list[Retrieval]:
        """Candidates for each query (one row of `vectors`, one token list each), best first;
        `limit` keeps only the best ones (the shortlist is ranked in full either way).

        `exclude` names materials to leave out as if they did not exist: evaluation uses it to
        turn a covered question into one whose material is missing (a realistic near miss).
        """
        fusion = fusion or self.fusion
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        left_out = {index.material_ids.index(m) for m in exclude if m in index.materials}
        depth = fusion.depth + sum(len(index.material_entries[o]) for o in left_out)
        d_scores, d_ids = index.dense_search(vectors, depth, statuses)
        return [self._one(index, vectors[q], tokens, d_scores[q], d_ids[q], statuses, fusion, limit, left_out)
                for q, tokens in enumerate(token_lists)]

    def _one(self, index: PassageIndex, vector: np.ndarray, tokens: list[str], d_scores: np.ndarray,
             d_ids: np.ndarray, statuses, fusion: FusionConfig, limit: int | None,
             left_out: set[int] | None = None) -> Retrieval:
        valid = d_ids >= 0
        if left_out:
            valid &= ~np.isin(index.entry_material[np.maximum(d_ids, 0)], list(left_out))
        d_ids, d_scores = d_ids[valid][:fusion.depth], d_scores[valid][:fusion.depth]
        bm25_all = index.bm25_scores(tokens, statuses) if fusion.mode != "dense" else None
        if bm25_all is not None and left_out:
            bm25_all = np.where(np.isin(index.entry_material, list(left_out)), 0.0, bm25_all)
        shortlist = dict.fromkeys(index.entry_material[d_ids].tolist()) if fusion.mode != "bm25" else {}
        if bm25_all is not None:
            positive = np.flatnonzero(bm25_all > 0)
            if len(positive) > fusion.depth:
                positive = positive[np.argpartition(-bm25_all[positive], fusion.depth - 1)[:fusion.depth]]
            for ordinal in index.entry_material[positive[np.argsort(-bm25_all[positive])]].tolist():
                shortlist.setdefault(ordinal)
        if not shortlist:
            return Retrieval(tokens=tokens, candidates=[], dense_pool=d_scores, vector=vector)
        ordinals = list(shortlist)
        parts = [index.material_entries[o] for o in ordinals]
        ids = np.concatenate(parts)
        starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
        cos = index.vectors[ids] @ vector
        short = index.entry_is_short[ids]
        dense = np.maximum.reduceat(cos, starts)
        dense_short = np.maximum.reduceat(np.where(short, cos, -1.0), starts)
        dense_body = np.maximum.reduceat(np.where(short, -1.0, cos), starts)
        bm25 = np.maximum.reduceat(bm25_all[ids], starts) if bm25_all is not None else np.zeros(len(ordinals))
        n = len(ordinals)
        dense_rank = np.empty(n, np.int64)
        dense_rank[np.argsort(-dense, kind="stable")] = np.arange(1, n + 1)
        bm25_rank = np.zeros(n, np.int64)
        hit = np.flatnonzero(bm25 > 0)
        bm25_rank[hit[np.argsort(-bm25[hit], kind="stable")]] = np.arange(1, len(hit) + 1)
        fused = _fuse(dense, bm25, dense_rank, bm25_rank, fusion)
        order = np.lexsort((-dense, -fused))  # fused first, then cosine
        if limit is not None:
            order = order[:limit]
        cands = [Candidate(ordinal=ordinals[j], material_id=index.material_ids[ordinals[j]], dense=float(dense[j]),
                           dense_short=max(float(dense_short[j]), 0.0), dense_body=max(float(dense_body[j]), 0.0),
                           bm25=float(bm25[j]), dense_rank=int(dense_rank[j]), bm25_rank=int(bm25_rank[j]),
                           fused=float(fused[j]))
                 for j in order.tolist()]
        for c in cands[:SHOWN]:
            _locate(index, vector, c)
        others = np.delete(dense, int(order[0]))
        return Retrieval(tokens=tokens, candidates=cands, dense_pool=d_scores,
                         runner_up_dense=float(others.max()) if len(others) else None, vector=vector)


def _locate(index: PassageIndex, vector: np.ndarray, cand: Candidate) -> None:
    """The entries behind a shown candidate: best overall, and the body passage to quote."""
    ids = index.material_entries[cand.ordinal]
    cos = index.vectors[ids] @ vector
    cand.best_entry = int(ids[int(cos.argmax())])
    body = ~index.entry_is_short[ids]
    if body.any():
        cand.best_passage = int(ids[body][int(cos[body].argmax())])


def _fuse(dense: np.ndarray, bm25: np.ndarray, dense_rank: np.ndarray, bm25_rank: np.ndarray,
          f: FusionConfig) -> np.ndarray:
    if f.mode == "dense":
        return dense.astype(np.float64)
    if f.mode == "bm25":
        return bm25.astype(np.float64)
    return fuse_rankings("reciprocal_rank", [(dense_rank, f.w_dense), (bm25_rank, f.w_bm25)], k=f.rrf_k)
