"""The ticket states: 新建 -> 已分派 -> 处理中 -> 待用户回复 -> 已解决 -> 已关闭, who may move
a ticket where, reopening within FAPIAO_FEEDBACK_REOPEN_DAYS, the satisfaction rating and
+1 on suggestions."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.errors import PermissionDenied
from fapiao.feedback import notices
from fapiao.feedback.access import is_agent
from fapiao.feedback.clock import CLOCK_FIELDS, set_status
from fapiao.feedback.conf import reopen_window
from fapiao.feedback.errors import (
    AlreadyRated,
    ReopenWindowClosed,
    TicketTransitionNotAllowed,
)
from fapiao.feedback.models import (
    Category,
    Rating,
    Status,
    SuggestionVote,
    Ticket,
    TicketEvent,
    TicketMessage,
)

S = Status
# Agents move tickets along; "assigned" is reached through assignment, not a transition.
AGENT_MOVES: dict[str, set[str]] = {
    S.NEW: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED},
    S.ASSIGNED: {S.IN_PROGRESS, S.WAITING_USER, S.RESOLVED, S.CLOSED},
    S.IN_PROGRESS: {S.WAITING_USER, S.RESOLVED, S.CLOSED},
    S.WAITING_USER: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: {S.IN_PROGRESS},
}
# A requester confirms (closes) a resolved ticket or reopens it.
REQUESTER_MOVES: dict[str, set[str]] = {
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: {S.IN_PROGRESS},
}


def allowed_moves(ticket: Ticket, user: User) -> list[str]:
    moves: set[str] = set()
    if is_agent(user) and user.organisation_id == ticket.organisation_id:
        moves |= AGENT_MOVES.get(ticket.status, set())
    if user.pk == ticket.requester_id:
        moves |= REQUESTER_MOVES.get(ticket.status, set())
    return [s for s in S.values if s in moves]


def _reopen_allowed(ticket: Ticket, now: dt.datetime) -> bool:
    finished = ticket.resolved_at or ticket.closed_at
    return finished is None or now - finished <= reopen_window()


def transition(
    *, ticket: Ticket, user: User, to: str, comment: str = "", now: dt.datetime | None = None
) -> Ticket:
    now = now or timezone.now()
    if to not in allowed_moves(ticket, user):
        if user.pk != ticket.requester_id and not is_agent(user):
            raise PermissionDenied("只有提交人和客服可以更改这个工单的状态。")
        raise TicketTransitionNotAllowed(
            f"工单当前为“{ticket.get_status_display()}”，不能改为“{Status(to).label}”"
            if to in S.values
            else f"未知的状态“{to}”：可用 {', '.join(S.values)}。"
        )
    reopening = ticket.status in (S.RESOLVED, S.CLOSED) and to == S.IN_PROGRESS
    if reopening and not _reopen_allowed(ticket, now):
        raise ReopenWindowClosed(
            f"工单解决已超过 {reopen_window().days} 天，不能重新打开："
            "请提交一个新的反馈，并注明原工单号。"
        )
    old = ticket.status
    with transaction.atomic():
        set_status(ticket, to, now)
        if to == S.RESOLVED:
            ticket.resolved_at = now
        elif to == S.CLOSED:
            ticket.closed_at = now
        elif reopening:
            ticket.resolved_at = None
            ticket.closed_at = None
        ticket.save(update_fields=["resolved_at", "closed_at", "updated_at", *CLOCK_FIELDS])
        TicketEvent.objects.create(
            ticket=ticket,
            actor=user,
            kind="reopened" if reopening else "status",
            from_status=old,
            to_status=to,
            detail=comment[:300],
        )
        if comment.strip():
            # A comment given with the change is a reply the requester reads.
            TicketMessage.objects.create(ticket=ticket, author=user, body=comment.strip())
        if to == S.RESOLVED:
            notices.resolved(ticket)
        elif reopening and user.pk == ticket.requester_id:
            notices.reply_to_agent(ticket, comment or "用户重新打开了工单。")
    return ticket


def rate(*, ticket: Ticket, user: User, score: int, comment: str = "") -> Rating:
    if user.pk != ticket.requester_id:
        raise PermissionDenied("只有工单的提交人可以评价。")
    if ticket.status not in (S.RESOLVED, S.CLOSED):
        raise TicketTransitionNotAllowed("工单解决后才能评价：请等客服处理完毕。")
    if not 1 <= score <= 5:
        raise TicketTransitionNotAllowed("评分应为 1 到 5 分。")
    try:
        with transaction.atomic():
            return Rating.objects.create(
                ticket=ticket,
                score=score,
                comment=comment.strip(),
                agent=ticket.assignee,
                department=ticket.department,
                category=ticket.category,
            )
    except IntegrityError as exc:
        raise AlreadyRated() from exc


def vote(*, ticket: Ticket, user: User) -> int:
    """+1 on a suggestion; returns how many users now ask for it (its author included)."""
    if ticket.category != Category.SUGGESTION:
        raise TicketTransitionNotAllowed("只能为“建议”类反馈附议（+1）。")
    if user.organisation_id != ticket.organisation_id:
        raise PermissionDenied()
    if user.pk != ticket.requester_id:
        SuggestionVote.objects.get_or_create(ticket=ticket, user=user)
    return 1 + SuggestionVote.objects.filter(ticket=ticket).count()
