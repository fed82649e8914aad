"""The `kepu` command line: the one place that wires ingest/, graph/ and qa_service/ together.

Each command group lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

from qa_service.cli import (  # noqa: F401 - each registers its commands on `app`
    admin_commands,
    graph_commands,
    material_commands,
    plan_commands,
    plan_dry_run,
    qa_commands,
    serve_commands,
    team_commands,
)
from qa_service.cli.base import app


def main() -> None:
    app()
