"""Status changes that touch the resolution clock: it stops while a ticket waits for the
requester (待用户回复) and the deadline moves by the working time spent waiting."""

from __future__ import annotations

import datetime as dt

from fapiao.feedback.calendar import work_calendar
from fapiao.feedback.models import Status, Ticket

CLOCK_FIELDS = ["status", "waiting_since", "resolution_due"]


def set_status(ticket: Ticket, new_status: str, now: dt.datetime) -> None:
    """Set `ticket.status` (not saved; save CLOCK_FIELDS)."""
    if ticket.status == new_status:
        return
    if ticket.status == Status.WAITING_USER and ticket.waiting_since is not None:
        calendar = work_calendar()
        paused = calendar.between(ticket.waiting_since, now)
        if paused > dt.timedelta(0):
            ticket.resolution_due = calendar.add(ticket.resolution_due, paused)
        ticket.waiting_since = None
    if new_status == Status.WAITING_USER:
        ticket.waiting_since = now
    ticket.status = new_status
