"""Deadline watch: warn agents when a ticket has used FAPIAO_FEEDBACK_SLA_WARN_PERCENT of
its first-reply or resolution time (in working hours) and again at breach; the admins of the
organisation are told of a breach too (escalation). Notices carry a dedupe key, so running
the check every few minutes sends each notice once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.core.workhours import WorkCalendar
from fapiao.feedback import notices
from fapiao.feedback.access import agents_of
from fapiao.feedback.calendar import work_calendar
from fapiao.feedback.conf import reopen_window, warn_fraction
from fapiao.feedback.models import OPEN_STATUSES, Status, Ticket, TicketEvent


@dataclass
class CheckResult:
    warnings: int = 0
    breaches: int = 0
    auto_closed: int = 0


def overdue(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Open tickets past their first-reply (unanswered) or resolution deadline."""
    now = now or timezone.now()
    # While waiting for the requester the resolution clock is stopped (see clock.py).
    return qs.filter(status__in=OPEN_STATUSES).filter(
        Q(first_reply_at__isnull=True, first_reply_due__lt=now)
        | (Q(resolution_due__lt=now) & ~Q(status=Status.WAITING_USER))
    )


def used_fraction(
    calendar: WorkCalendar, start: dt.datetime, due: dt.datetime, now: dt.datetime
) -> float:
    target = calendar.between(start, due)
    if target <= dt.timedelta(0):
        return 1.0 if now >= due else 0.0
    return calendar.between(start, now) / target


def _recipients(ticket: Ticket, *, breached: bool) -> list[User]:
    people: list[User] = []
    if ticket.assignee is not None:
        people.append(ticket.assignee)
    else:
        agents = agents_of(ticket.organisation_id)
        if (
            ticket.department_id is not None
            and agents.filter(department_id=ticket.department_id).exists()
        ):
            agents = agents.filter(department_id=ticket.department_id)
        people += list(agents)
    if breached:
        people += list(
            User.objects.filter(
                organisation_id=ticket.organisation_id, role=Role.ADMIN, is_active=True
            )
        )
    return people


def check_deadlines(*, now: dt.datetime | None = None) -> CheckResult:
    now = now or timezone.now()
    calendar = work_calendar()
    result = CheckResult()
    warn_at = warn_fraction()
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related(
        "assignee", "requester"
    )
    for ticket in open_tickets.iterator():
        checks = []
        if ticket.status != Status.WAITING_USER:
            checks.append(("resolution", ticket.resolution_due))
        if ticket.first_reply_at is None:
            checks.insert(0, ("first_reply", ticket.first_reply_due))
        for what, due in checks:
            # Time spent waiting for the requester already moved `due` (clock.py).
            used = used_fraction(calendar, ticket.created_at, due, now)
            if used < warn_at:
                continue
            breached = now >= due
            sent = notices.sla(
                ticket, _recipients(ticket, breached=breached), what=what, breached=breached
            )
            if sent:
                if breached:
                    result.breaches += 1
                else:
                    result.warnings += 1
    result.auto_closed = close_resolved(now=now)
    return result


def close_resolved(*, now: dt.datetime) -> int:
    """Resolved tickets nobody reopened within the reopen window are closed."""
    stale = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=now - reopen_window())
    closed = 0
    for ticket in stale:
        ticket.status = Status.CLOSED
        ticket.closed_at = now
        ticket.save(update_fields=["status", "closed_at", "updated_at"])
        TicketEvent.objects.create(
            ticket=ticket,
            kind="status",
            from_status=Status.RESOLVED,
            to_status=Status.CLOSED,
            detail="超过重新打开期限，自动关闭",
        )
        closed += 1
    return closed
