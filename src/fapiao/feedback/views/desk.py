"""The support desk 客服工作台 (support agents and admins): queues, overdue list, a ticket
with reply / internal note / status / reassignment, and the reports page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.core.workhours import BEIJING
from fapiao.feedback import reports, schemas, selectors
from fapiao.feedback.access import agents_of, get_ticket, require_agent
from fapiao.feedback.calendar import missing_holiday_years
from fapiao.feedback.deadlines import overdue
from fapiao.feedback.models import Priority, Status
from fapiao.feedback.workflow import allowed_moves
from fapiao.web.http import page_or_fragment, parse_date, user_of

QUEUES = [
    ("mine", "我的待办"),
    ("unassigned", "未分派"),
    ("open", "全部未解决"),
    ("overdue", "已超时"),
    ("all", "全部工单"),
]


def _agent(request: HttpRequest) -> User:
    user = user_of(request)
    require_agent(user)
    return user


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    queue = request.GET.get("queue", "mine")
    if queue not in dict(QUEUES):
        queue = "mine"
    now = timezone.now()
    tickets = list(
        selectors.ticket_list(user, queue=queue, q=request.GET.get("q", "")[:100], now=now)[:200]
    )
    rows = [(t, schemas.is_overdue(t, now)) for t in tickets]
    base = selectors.ticket_list(user)
    counts = {
        "overdue": overdue(base, now).count(),
        "mine": selectors.ticket_list(user, queue="mine").count(),
        "unassigned": selectors.ticket_list(user, queue="unassigned").count(),
    }
    context = {
        "nav": "support",
        "queue": queue,
        "queues": QUEUES,
        "rows": rows,
        "counts": counts,
        "q": request.GET.get("q", ""),
        "missing_holiday_years": missing_holiday_years(timezone.localdate()),
        "can_manage_organisation": permissions.may_manage_organisation(user),
    }
    return page_or_fragment(
        request,
        page="feedback/desk/queue.html",
        fragment="feedback/desk/_queue.html",
        context=context,
    )


@login_required
def desk_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = _agent(request)
    ticket = get_ticket(user, ticket_id)
    assert user.organisation_id is not None
    moves = allowed_moves(ticket, user)
    return render(
        request,
        "feedback/desk/ticket.html",
        {
            "nav": "support",
            "ticket": ticket,
            "data": schemas.detail(ticket, user, timezone.now()),
            "moves": [(m, Status(m).label) for m in moves],
            "agents": agents_of(user.organisation_id),
            "priorities": Priority.choices,
        },
    )


@login_required
def desk_reports(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    assert user.organisation_id is not None
    today = timezone.now().astimezone(BEIJING).date()
    since = parse_date(request.GET.get("since"))[0] or today.replace(day=1) - dt.timedelta(days=150)
    until = parse_date(request.GET.get("until"))[0] or today
    data = reports.full_report(user.organisation_id, since, until, "month")
    return render(
        request,
        "feedback/desk/reports.html",
        {"nav": "support", "report": data, "since": since, "until": until},
    )
