"""The feedback report under /api/v1/feedback/reports (agents and admins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from fapiao.api.common import caller, problems
from fapiao.core.workhours import BEIJING
from fapiao.feedback import reports
from fapiao.feedback.access import require_agent

router = Router()


@router.get(
    "/reports",
    response={200: dict[str, Any], **problems(401, 403, 404, 409)},
    summary="反馈报表：数量、时效达标率、满意度、热点主题",
    description="按工单创建日期（北京时间，含首尾两天）统计本组织的工单；period 为 day / "
    "week / month。客服和系统管理员可用。",
)
def report(
    request: HttpRequest,
    since: dt.date | None = None,
    until: dt.date | None = None,
    period: str = Query("month", max_length=5, pattern="^(day|week|month)$"),
) -> dict[str, Any]:
    user = caller(request)
    org_id = require_agent(user)
    today = timezone.now().astimezone(BEIJING).date()
    until = until or today
    since = since or until - dt.timedelta(days=365)
    return reports.full_report(org_id, since, until, period)
