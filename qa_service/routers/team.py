"""The science team's pages and API (qa_service/team): accounts, queue, review, feedback, dashboard.
The team's services are built by qa_service/services.py (`Services.team`)."""

from __future__ import annotations

from fastapi import APIRouter

from qa_service.team import web_accounts, web_feedback, web_followup, web_home, web_materials, web_queue

router = APIRouter()
for _module in (web_accounts, web_home, web_queue, web_feedback, web_materials, web_followup):
    router.include_router(_module.router)
