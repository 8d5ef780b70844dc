"""REST endpoints of fapiao.feedback, mounted by fapiao.api.v1 at /api/v1/feedback: one
module per resource (tickets, help articles, reports, surveys)."""

from __future__ import annotations

from ninja import Router

from fapiao.feedback.api import articles, reports, surveys, tickets

router = Router(tags=["反馈与客服"])
for part in (tickets, articles, reports, surveys):
    router.add_router("", part.router)
