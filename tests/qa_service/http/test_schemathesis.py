"""Property-based testing of the whole HTTP API from its OpenAPI schema (schemathesis): whatever a
client sends, valid or not, no operation answers with a server error (5xx).

The app is the real one, on the shipped plan and the shipped materials ingested with the real
model, with the admin token, so admin operations run too. Each operation gets a bounded number
of schema-valid and schema-violating requests (about two minutes in all on two cores); every 5xx
is collected with a curl command that reproduces it.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from typer.testing import CliRunner

from graph.settings import PROJECT_ROOT, Settings
from qa_service.app import create_app

pytestmark = pytest.mark.slow

PLAN = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
MATERIALS = PROJECT_ROOT / "corpus" / "materials"
ADMIN_TOKEN = "schemathesis-admin"
EXAMPLES = int(os.environ.get("KEPU_SCHEMATHESIS_EXAMPLES", "25"))  # per operation and mode


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from qa_service.cli import app as cli

    data_dir = tmp_path_factory.mktemp("schemathesis") / "data"
    runner = CliRunner(env={"KEPU_GRAPH_URI": ""})
    for args in (["ingest", "plan", str(PLAN)], ["ingest", "corpus", str(MATERIALS)]):
        result = runner.invoke(cli, ["--data-dir", str(data_dir), *args])
        assert result.exit_code == 0, result.output
    settings = Settings.from_env(data_dir)
    settings = Settings(data_dir=data_dir, model_dir=settings.model_dir, admin_token=ADMIN_TOKEN,
                        wechat_token="schemathesis-wechat", rate_limit_per_minute=0, wechat_rate_limit_per_minute=0)
    app = create_app(settings)
    with TestClient(app):  # run start-up (model warm-up) once, outside the timed calls
        pass
    return app


def exercise(operation, mode: GenerationMode, failures: list[str]) -> int:
    """Send up to EXAMPLES generated requests to one operation; returns how many were sent."""
    headers = {"x-kepu-token": ADMIN_TOKEN} if operation.path.startswith("/api/admin") else None
    sent = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal sent
        response = case.call(headers=headers)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{operation.label} ({mode}): {response.status_code} {response.text[:200]}\n  "
                            f"{case.as_curl_command(headers=headers)}")
        assert "Traceback" not in response.text

    try:
        run()
    except Unsatisfiable:  # nothing can violate this operation's schema (e.g. only free-text parameters)
        pass
    return sent


def test_no_operation_answers_with_a_server_error(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the schema should list the API's operations"
    failures: list[str] = []
    sent = sum(exercise(op, mode, failures) for op in operations
               for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE))
    assert sent >= len(operations) * EXAMPLES // 2, f"only {sent} requests were generated"
    assert not failures, f"{len(failures)} requests got a server error:\n" + "\n".join(failures[:20])
