"""Escalation before and at breach, counted in working hours, each notice once."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao import jobs
from fapiao.accounts.models import User
from fapiao.feedback.deadlines import check_deadlines
from fapiao.feedback.models import Holiday, Status, Ticket
from fapiao.feedback.services import reply, set_deadlines
from fapiao.notify.models import Notification
from tests.feedback.conftest import bj

pytestmark = pytest.mark.django_db


def sla_notices(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, event="sla_warning")
        .order_by("pk")
        .values_list("dedupe_key", flat=True)
    )


def test_warning_at_80_percent_then_breach_once_each(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    agent, admin = desk["agent_sales"], users["admin"]
    # Friday 16:00, first reply due Monday 11:00 (4 working hours).
    t = open_ticket(users["submitter"], at=bj(2026, 11, 27, 16, 0), category="complaint")
    assert t.assignee == agent
    # Saturday night: still only 2 of 4 hours used, nothing to say.
    assert check_deadlines(now=bj(2026, 11, 28, 23, 0)).warnings == 0
    # Monday 10:15: 3.25 of 4 hours (81%).
    result = check_deadlines(now=bj(2026, 11, 30, 10, 15))
    assert result.warnings == 1 and result.breaches == 0
    assert sla_notices(agent) == [f"feedback:{t.pk}:first_reply:warn"]
    assert check_deadlines(now=bj(2026, 11, 30, 10, 30)).warnings == 0  # deduplicated
    # Monday 11:01: breached; the admin hears of it too (escalation).
    result = check_deadlines(now=bj(2026, 11, 30, 11, 1))
    assert result.breaches == 1
    assert sla_notices(admin) == [f"feedback:{t.pk}:first_reply:breach"]
    assert check_deadlines(now=bj(2026, 11, 30, 11, 30)).breaches == 0
    # A reply stops the first-reply clock; resolution (due Tue 16:00) warns at 12.8h used.
    reply(ticket=t, author=agent, body="收到，正在处理")
    result = check_deadlines(now=bj(2026, 12, 1, 14, 0))
    assert result.warnings == 1
    assert sla_notices(agent)[-1] == f"feedback:{t.pk}:resolution:warn"


def test_admin_added_holiday_moves_the_deadline(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    t = open_ticket(users["submitter"], at=bj(2026, 11, 27, 16, 0))
    assert t.first_reply_due == bj(2026, 11, 30, 11, 0)
    Holiday.objects.create(date=bj(2026, 11, 30, 0, 0).date(), kind="holiday", name="公司假日")
    set_deadlines(t)
    assert t.first_reply_due == bj(2026, 12, 1, 11, 0)


def test_seeded_calendar_is_used_for_chunjie(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    assert Holiday.objects.filter(date__year=2026, kind="holiday").count() == 33
    t = open_ticket(users["submitter"], at=bj(2026, 2, 13, 17, 0), priority="high")
    # 1h on Friday, then Saturday 02-14 is a make-up working day: 10:00.
    assert t.first_reply_due == bj(2026, 2, 14, 10, 0)
    # 8h: 1 + 8 on Saturday would overshoot: 1h Fri, 7h Sat -> Sat 17:00.
    assert t.resolution_due == bj(2026, 2, 14, 17, 0)


def test_resolved_tickets_close_after_the_reopen_window(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    t = open_ticket(users["submitter"], category="complaint")
    Ticket.objects.filter(pk=t.pk).update(status=Status.RESOLVED, resolved_at=bj(2026, 1, 5, 9, 0))
    summary = jobs.get("feedback.deadlines")()
    assert "自动关闭 1 个" in summary
    assert Ticket.objects.get(pk=t.pk).status == Status.CLOSED


def test_resolution_clock_stops_while_waiting_for_the_user(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    from fapiao.feedback.deadlines import overdue
    from fapiao.feedback.workflow import transition

    agent = desk["agent_sales"]
    # Monday 09:00, normal: resolution due Tuesday 18:00 (16 working hours).
    t = open_ticket(users["submitter"], at=bj(2026, 11, 30, 9, 0), category="complaint")
    assert t.resolution_due == bj(2026, 12, 1, 18, 0)
    reply(ticket=t, author=agent, body="请补充截图", waiting_for_user=True)
    Ticket.objects.filter(pk=t.pk).update(waiting_since=bj(2026, 11, 30, 10, 0))
    t.refresh_from_db()
    # Waiting over the deadline is neither warned about nor overdue.
    assert check_deadlines(now=bj(2026, 12, 2, 9, 0)).warnings == 0
    assert not overdue(Ticket.objects.all(), bj(2026, 12, 2, 9, 0)).exists()
    # The user answers Wednesday 10:00 after 16 working hours of waiting: due moves 16 h.
    transition(ticket=t, user=agent, to=Status.IN_PROGRESS, now=bj(2026, 12, 2, 10, 0))
    t.refresh_from_db()
    assert t.waiting_since is None
    assert t.resolution_due == bj(2026, 12, 3, 18, 0)
