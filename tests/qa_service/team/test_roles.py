"""Every admin and team route against every role: 403 below the route's role, allowed from it up.

A route added without an entry in ROUTE_ROLES fails `test_every_admin_route_is_in_the_table`.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from qa_service.team.roles import ROLES, allows
from tests.qa_service.team.conftest import team_app

# (method, path) -> (lowest role allowed, JSON body or form for the call)
ROUTE_ROLES = {
    ("GET", "/api/admin/materials"): ("viewer", None),
    ("GET", "/api/admin/materials/{material_id}"): ("viewer", None),
    ("POST", "/api/admin/materials"): ("editor", {"json": {"title": "x"}}),
    ("PUT", "/api/admin/materials/{material_id}"): ("editor", {"json": {"summary": "x"}}),
    ("POST", "/api/admin/materials/{material_id}/status"): ("reviewer", {"json": {"status": "approved"}}),
    ("GET", "/api/admin/audit"): ("viewer", None),
    ("GET", "/api/admin/unanswered"): ("viewer", None),
    ("GET", "/api/team/me"): ("viewer", None),
    ("GET", "/api/team/audit"): ("viewer", None),
    ("GET", "/team"): ("viewer", None),
    ("GET", "/team/users"): ("admin", None),
    ("POST", "/team/users"): ("admin", {"data": {"name": "", "role": "编辑"}}),
    ("POST", "/team/users/{name}/{action}"): ("admin", {"data": {"role": "编辑"}}),
    ("GET", "/team/queue"): ("viewer", None),
    ("GET", "/team/queue.csv"): ("viewer", None),
    ("GET", "/team/queue.xlsx"): ("viewer", None),
    ("GET", "/team/queue/{group_id}"): ("viewer", None),
    ("GET", "/api/team/queue"): ("viewer", None),
    ("GET", "/team/feedback"): ("viewer", None),
    ("GET", "/team/materials"): ("viewer", None),
    ("GET", "/team/charts/{name}.svg"): ("viewer", None),
    ("GET", "/team/materials/new"): ("editor", None),
    ("POST", "/team/materials"): ("editor", {"data": {"title": ""}}),
    ("GET", "/team/materials/{material_id}"): ("viewer", None),
    ("POST", "/team/materials/{material_id}"): ("editor", {"data": {"action": "save"}}),
    ("POST", "/team/materials/{material_id}/{action}"): ("editor", None),  # submit; the rest below
    ("POST", "/team/review/withdraw-overdue"): ("reviewer", None),
}
# The same route, other actions: (path as called, lowest role).
EXTRA_CALLS = [
    ("/team/materials/no-such-material/approve", "reviewer"),
    ("/team/materials/no-such-material/send-back", "reviewer"),
    ("/team/materials/no-such-material/retire", "reviewer"),
]
# Open to anyone (sign-in itself) or to every signed-in member whatever the role.
NOT_ROLE_GUARDED = {
    ("GET", "/team/login"),
    ("POST", "/team/login"),
    ("GET", "/team/password"),
    ("POST", "/team/password"),
    ("POST", "/team/logout"),
}
GUARDED_PREFIXES = ("/api/admin", "/api/team", "/team")


def _routes(settings):
    app = team_app(settings)
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(GUARDED_PREFIXES):
            for method in route.methods - {"HEAD"}:
                yield method, route.path


def _concrete(path: str) -> str:
    return (
        path.replace("{material_id}", "no-such-material")
        .replace("{name}.svg", "questions.svg")
        .replace("{name}", "nobody")
        .replace("{action}", "submit" if "materials" in path else "role")
        .replace("{group_id}", "999999")
    )


def test_every_admin_route_is_in_the_table(settings):
    missing = sorted(set(_routes(settings)) - set(ROUTE_ROLES) - NOT_ROLE_GUARDED)
    assert not missing, f"routes without a role in ROUTE_ROLES: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_refuses_lower_roles_and_admits_the_rest(client, members, role):
    headers = members[role].headers
    wrong = []
    for (method, path), (needed, body) in ROUTE_ROLES.items():
        response = client.request(
            method, _concrete(path), headers=headers, follow_redirects=False, **(body or {})
        )
        allowed = allows(role, needed)
        if allowed and response.status_code in (401, 403):
            wrong.append(f"{method} {path}: {role} should be allowed, got {response.status_code}")
        if not allowed and response.status_code != 403:
            wrong.append(f"{method} {path}: {role} should get 403, got {response.status_code}")
    for path, needed in EXTRA_CALLS:
        status = client.post(path, headers=headers, follow_redirects=False).status_code
        if allows(role, needed) == (status == 403):
            wrong.append(f"POST {path}: {role} got {status}")
    assert not wrong, "\n".join(wrong)


def test_without_credentials_every_guarded_route_refuses(client):
    for (method, path), (_, body) in ROUTE_ROLES.items():
        response = client.request(method, _concrete(path), follow_redirects=False, **(body or {}))
        assert response.status_code in (401, 303), (
            f"{method} {path} without credentials: {response.status_code}"
        )
        if response.status_code == 303:
            assert response.headers["location"].startswith("/team/login")
