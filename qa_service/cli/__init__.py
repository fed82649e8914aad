"""The `kepu` command line: the one place that wires ingest/, graph/ and qa_service/ together.

Each command group lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

from qa_service.cli.base import app

for _optional in ("plan_commands", "plan_dry_run", "material_commands", "qa_commands", "serve_commands", "graph_commands", "admin_commands",
                  "team_commands"):
    try:
        __import__(f"qa_service.cli.{_optional}")
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"qa_service.cli.{_optional}":
            raise


def main() -> None:
    app()
