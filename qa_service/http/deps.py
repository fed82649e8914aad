"""What routers and pages get through FastAPI dependencies: the parts of the one `Services`
(qa_service/services.py) the app was created with. Use the `Annotated` aliases in signatures:

    @router.get("/api/units")
    async def units(policy: PolicyDep): ...

Tests swap a part with `app.dependency_overrides[get_chat] = lambda: fake`, or build the app with
`create_app(settings, services=...)`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.settings import Settings
from qa_service.chat.service import ChatService
from qa_service.policy.qa import PolicyQA
from qa_service.services import Services
from qa_service.team.services import Team


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_settings(request: Request) -> Settings:
    return get_services(request).settings


def get_chat(request: Request) -> ChatService:
    return get_services(request).chat


def get_policy(request: Request) -> PolicyQA:
    return get_services(request).policy


def get_rumor_checker(request: Request):
    """The rumour checker, or None when the rumour side could not be loaded (see /healthz)."""
    return get_services(request).rumor


def get_material_search(request: Request):
    return get_services(request).search


def get_material_index(request: Request):
    return get_services(request).material_index


def get_wechat(request: Request):
    return get_services(request).wechat


def get_team(request: Request):
    """The team's services (qa_service/team), or None in an app assembled without them."""
    return getattr(getattr(request.app.state, "services", None), "team", None)


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
PolicyDep = Annotated[PolicyQA, Depends(get_policy)]
RumorCheckerDep = Annotated[object, Depends(get_rumor_checker)]
MaterialSearchDep = Annotated[object, Depends(get_material_search)]
MaterialIndexDep = Annotated[object, Depends(get_material_index)]
WeChatDep = Annotated[object, Depends(get_wechat)]
TeamDep = Annotated[Team, Depends(get_team)]
