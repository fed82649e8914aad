"""What the question generators of the plans labelled in tests/data/plans/real/*.gold.json share:
selecting labelled items by unit and role, and writing the question rows. Gold comes from the
labels only, never from kepu's output."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


class PlanGold:
    def __init__(self, plan: str, gold_file: str, paths: list[str], co_is_units_without_lead: bool = False):
        self.plan = plan
        self.items = json.loads(Path(gold_file).read_text(encoding="utf-8"))
        self.paths = paths  # kepu's clause path of each labelled item, in order
        # a plan whose labels leave co empty where no lead can be told apart (its README, rule 5)
        self.co_is_units_without_lead = co_is_units_without_lead
        self.rows: list[dict] = []
        assert len(self.items) == len(paths)

    def has(self, i: int, unit: str, role: str) -> bool:
        m = self.items[i]
        if role == "lead":
            return unit in m["lead"]
        if role == "co":
            return unit in m["units"] and unit not in m["lead"] if self.co_is_units_without_lead else unit in m["co"]
        if role == "local":
            return unit in m["local"]
        return unit in m["units"]

    def sel(self, terms, within=None) -> list[int]:
        idx = within if within is not None else range(len(self.items))
        return [i for i in idx if all(self.has(i, u, r) != neg for u, r, neg in terms)]

    def clauses(self, idx) -> dict:
        return {"clauses": [self.paths[i] for i in idx], "count": len(idx)}

    def count(self, unit: str, role: str = "any", within=None) -> int:
        return len(self.sel([(unit, role, False)], within))

    def winners(self, role: str, within=None, low: bool = False) -> dict:
        c: Counter = Counter()
        for i in within if within is not None else range(len(self.items)):
            for u in self.items[i]["lead"] if role == "lead" else self.items[i]["units"]:
                c[u] += 1
        n = (min if low else max)(c.values())
        return {"units": [u for u, v in c.items() if v == n], "n": n}

    def union(self, idx) -> list[str]:
        out: list[str] = []
        for i in idx:
            out += [u for u in self.items[i]["units"] if u not in out]
        return out

    def add(self, q: str, kind: str, gold: dict, spec: dict | None = None) -> None:
        self.rows.append({"q": q, "kind": kind, "plan": self.plan, "gold": gold, "spec": spec or {}, "split": "dev"})

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            for r in self.rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(len(self.rows), Counter(r["kind"] for r in self.rows))
