"""Request and response shapes of the feedback API, and the functions that fill them.
Internal notes and internal attachments appear only in what an agent receives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from fapiao.accounts.models import User
from fapiao.api.common import DbId
from fapiao.feedback.access import is_agent
from fapiao.feedback.models import Category, MessageKind, Priority, Status, Ticket
from fapiao.feedback.workflow import allowed_moves


class TicketIn(Schema):
    category: Category = Field(
        description="problem 问题 / suggestion 建议 / complaint 投诉 / enquiry 咨询"
    )
    subject: str = Field("", max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    priority: Priority = Priority.NORMAL
    page_url: str = Field("", max_length=500)
    invoice_id: DbId | None = None


class ReplyIn(Schema):
    body: str = Field(..., min_length=1, max_length=20000)
    internal: bool = Field(False, description="内部备注（仅客服可见）")
    waiting_for_user: bool = Field(False, description="回复后转为“待用户回复”")


class TicketTransitionIn(Schema):
    to: Status
    comment: str = Field("", max_length=2000)


class PriorityIn(Schema):
    priority: Priority


class AssignIn(Schema):
    assignee_id: DbId


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class PersonOut(Schema):
    id: int
    name: str


class TicketSummary(Schema):
    id: int
    number: str
    category: str
    category_label: str
    priority: str
    status: str
    status_label: str
    subject: str
    requester: PersonOut
    assignee: PersonOut | None
    department: str | None
    created_at: dt.datetime
    first_reply_due: dt.datetime
    resolution_due: dt.datetime
    first_reply_at: dt.datetime | None
    resolved_at: dt.datetime | None
    overdue: bool


class MessageOut(Schema):
    id: int
    author: PersonOut | None
    internal: bool
    body: str
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    internal: bool
    url: str


EVENT_LABELS = {
    "created": "提交",
    "assigned": "分派",
    "reassigned": "改派",
    "status": "状态变更",
    "reopened": "重新打开",
    "priority": "调整优先级",
}
STATUS_LABELS = dict(Status.choices)


class EventOut(Schema):
    kind: str
    kind_label: str
    to_label: str
    actor: PersonOut | None
    from_status: str
    to_status: str
    detail: str
    created_at: dt.datetime


class TicketDetail(TicketSummary):
    body: str
    page_url: str
    invoice_id: int | None
    channel: str
    allowed_transitions: list[str]
    messages: list[MessageOut]
    attachments: list[AttachmentOut]
    events: list[EventOut]
    rating: int | None


class TicketPage(Schema):
    items: list[TicketSummary]
    next_before: int | None


def person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


def is_overdue(ticket: Ticket, now: dt.datetime) -> bool:
    if not ticket.is_open:
        return False
    waiting = ticket.status == Status.WAITING_USER  # the resolution clock is stopped
    return (not waiting and ticket.resolution_due < now) or (
        ticket.first_reply_at is None and ticket.first_reply_due < now
    )


def summary(ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "category": ticket.category,
        "category_label": ticket.get_category_display(),
        "priority": ticket.priority,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "subject": ticket.subject,
        "requester": person(ticket.requester),
        "assignee": person(ticket.assignee),
        "department": ticket.department.name if ticket.department else None,
        "created_at": ticket.created_at,
        "first_reply_due": ticket.first_reply_due,
        "resolution_due": ticket.resolution_due,
        "first_reply_at": ticket.first_reply_at,
        "resolved_at": ticket.resolved_at,
        "overdue": is_overdue(ticket, now),
    }


def detail(ticket: Ticket, user: User, now: dt.datetime) -> dict[str, Any]:
    agent = is_agent(user)
    messages = ticket.messages.select_related("author")
    attachments = ticket.attachments.all()
    if not agent:
        messages = messages.filter(kind=MessageKind.PUBLIC)
        attachments = attachments.filter(internal=False)
    rating = getattr(ticket, "rating", None)
    return {
        **summary(ticket, now),
        "body": ticket.body,
        "page_url": ticket.page_url,
        "invoice_id": ticket.invoice_id,
        "channel": ticket.channel,
        "allowed_transitions": allowed_moves(ticket, user),
        "messages": [
            {
                "id": m.pk,
                "author": person(m.author),
                "internal": m.kind == MessageKind.INTERNAL,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in messages
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "internal": a.internal,
                "url": reverse("feedback-attachment", args=[a.pk]),
            }
            for a in attachments
        ],
        "events": [
            {
                "kind": e.kind,
                "kind_label": EVENT_LABELS.get(e.kind, e.kind),
                "to_label": STATUS_LABELS.get(e.to_status, ""),
                "actor": person(e.actor),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "detail": e.detail,
                "created_at": e.created_at,
            }
            for e in ticket.events.select_related("actor")
        ]
        if agent
        else [],
        "rating": rating.score if rating else None,
    }
