"""Roles of the team, each including the ones before it: 查看 < 编辑 < 审核 < 管理.

viewer   查看  staff: read everything, drafts included
editor   编辑  write and edit drafts, start drafts from the queue
reviewer 审核  approve, send back, retire (never their own draft)
admin    管理  users and settings
"""

from __future__ import annotations

from qa_service.team.errors import InvalidInput

ROLES = ("viewer", "editor", "reviewer", "admin")
ROLE_NAMES = {"viewer": "查看", "editor": "编辑", "reviewer": "审核", "admin": "管理"}
_BY_NAME = {**{v: k for k, v in ROLE_NAMES.items()}, **{k: k for k in ROLES}}


def parse_role(value: str) -> str:
    """A role key from its key or Chinese name; InvalidInput otherwise."""
    role = _BY_NAME.get((value or "").strip())
    if role is None:
        raise InvalidInput(f"unknown role {value!r}", f"角色应为以下之一：{'、'.join(ROLE_NAMES.values())}")
    return role


def allows(role: str, needed: str) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)
