"""Synthetic data of realistic shape: more plans, and a larger material corpus.

Plans: the shipped plan text under new plan ids. Materials: new material files recombining the
body passages of the shipped ones (a base material's title, claims and summary, body passages
drawn from several materials), so every synthetic text is a real passage and the real encoder's
vector of it is already in the shipped index: `build_index` reuses it, embeds only what is new,
and runs the rest of the real indexing pipeline (loading, tokens, BM25, faiss, publication).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

from graph.records import PlanRecord
from graph.search.material_store import MaterialRecord
from ingest.corpus_indexer import material_entries
from ingest.material_loader import MAX_PASSAGE_CHARS, load_material_dir, split_passages

_PARAGRAPH_GAP = re.compile(r"\n[ \t]*\n")


def synthetic_plans(path: Path, count: int, prefix: str = "bench-plan") -> list[PlanRecord]:
    """`count` parses of the plan at `path`, each under its own plan id."""
    from ingest.plan_parser import parse_plan_file

    return [parse_plan_file(path, plan_id=f"{prefix}-{i:03d}") for i in range(count)]


def _raw_passages(materials: list[MaterialRecord]) -> list[str]:
    out = []
    for record in materials:
        out += [record.body[s:e].strip() for s, e in split_passages(record.body)]
    return [p for p in out if p and not p.startswith("#")]


def _body(pool: list[str], count: int, rng: random.Random) -> str:
    """`count` passages joined so that neighbours never merge into one passage again (passages group
    paragraphs while the group stays within MAX_PASSAGE_CHARS)."""
    chosen: list[str] = []
    for _ in range(count):
        for _attempt in range(50):
            candidate = rng.choice(pool)
            first_paragraph = _PARAGRAPH_GAP.split(candidate, maxsplit=1)[0]
            if not chosen or len(chosen[-1]) + 2 + len(first_paragraph) > MAX_PASSAGE_CHARS:
                break
        else:
            continue  # nothing fits after this one: a shorter body
        chosen.append(candidate)
    return "\n\n".join(chosen) + "\n"


def entry_count(materials: list[MaterialRecord]) -> int:
    return sum(len(material_entries(m)) for m in materials)


def write_material_corpus(shipped_dir: Path, out_dir: Path, target_entries: int, seed: int = 7) -> dict:
    """Copy the shipped material into `out_dir` and add synthetic files until the index would hold
    about `target_entries` entries (titles, claims, summaries and body passages)."""
    rng = random.Random(seed)
    shipped = load_material_dir(shipped_dir).materials
    out_dir.mkdir(parents=True, exist_ok=True)
    for record in shipped:
        (out_dir / Path(record.source_file).name).write_text(Path(record.source_file).read_text("utf-8"), "utf-8")
    pool = _raw_passages(shipped)
    total = entry_count(shipped)
    made = 0
    while total < target_entries:
        base = shipped[made % len(shipped)]
        record = replace(base, id=f"synth-{made:05d}-{base.id}"[:120], bundled_sample=False,
                         body=_body(pool, rng.randint(2, 5), rng), source_file="", content_hash="")
        (out_dir / f"{record.id}.md").write_text(record.to_markdown(), encoding="utf-8")
        total += len(material_entries(record))
        made += 1
    return {"shipped_materials": len(shipped), "synthetic_materials": made, "entries_planned": total}
