"""The interface every graph store implements (graph/store/factory.py picks one from settings)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from graph.records import PlanRecord


class GraphStore(ABC):
    """A knowledge-graph store holding any number of plans, each replaced whole on re-ingest."""

    @abstractmethod
    def put_plan(self, plan: PlanRecord) -> None:
        """Write a plan, replacing any plan with the same id atomically."""

    def put_plans(self, plans: list[PlanRecord]) -> None:
        """Write several plans; stores that can make this one atomic step override it."""
        for plan in plans:
            self.put_plan(plan)

    @abstractmethod
    def remove_plan(self, plan_id: str) -> None:
        """Delete one plan; raises PlanNotFound if absent."""

    @abstractmethod
    def plan_ids(self) -> list[str]: ...

    @abstractmethod
    def get_plan(self, plan_id: str) -> PlanRecord:
        """Read a plan back as records (the view qa_service answers from)."""

    def plans(self) -> list[PlanRecord]:
        return [self.get_plan(pid) for pid in self.plan_ids()]

    def health(self) -> dict:
        return {"status": "ok"}

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
