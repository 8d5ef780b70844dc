"""Writes of fapiao.feedback: open a ticket (number, routing, deadlines), reply, add an
internal note, attach a file, reassign. Status changes live in fapiao.feedback.workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.errors import InvoiceNotFound, PermissionDenied
from fapiao.feedback import notices
from fapiao.feedback.access import is_agent, require_agent
from fapiao.feedback.calendar import work_calendar
from fapiao.feedback.clock import CLOCK_FIELDS, set_status
from fapiao.feedback.conf import SLA_HOURS, max_attachment_bytes
from fapiao.feedback.errors import AttachmentTooLarge, TicketTransitionNotAllowed
from fapiao.feedback.models import (
    Attachment,
    Channel,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from fapiao.feedback.routing import least_loaded_agent, match_rule
from fapiao.invoices.scope import visible_invoices

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _next_number(year: int) -> str:
    prefix = f"FK-{year}-"
    last = (
        Ticket.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1 if last else 1):06d}"


def set_deadlines(ticket: Ticket) -> None:
    first, resolution = SLA_HOURS[ticket.priority]
    calendar = work_calendar()
    ticket.first_reply_due = calendar.add(ticket.created_at, first)
    ticket.resolution_due = calendar.add(ticket.created_at, resolution)


def create_ticket(
    *,
    requester: User,
    category: str,
    subject: str,
    body: str,
    priority: str = Priority.NORMAL,
    channel: str = Channel.WEB,
    page_url: str = "",
    invoice_id: int | None = None,
    email_message_id: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    if requester.organisation_id is None:
        raise PermissionDenied("您的账户不属于任何组织，不能提交反馈：请联系系统管理员。")
    invoice = None
    if invoice_id is not None:
        invoice = visible_invoices(requester).filter(pk=invoice_id).first()
        if invoice is None:
            raise InvoiceNotFound()
    created = now or timezone.now()
    subject = (subject.strip() or (body.strip().splitlines() or [""])[0])[:200]
    route = match_rule(
        organisation_id=requester.organisation_id, category=category, text=f"{subject}\n{body}"
    )
    ticket = Ticket(
        organisation_id=requester.organisation_id,
        category=category,
        priority=priority,
        channel=channel,
        subject=subject or "（无标题）",
        body=body,
        requester=requester,
        department=route.department,
        topic=route.topic,
        page_url=page_url[:500],
        invoice=invoice,
        email_message_id=email_message_id[:300],
        created_at=created,
    )
    set_deadlines(ticket)
    year = created.astimezone(BEIJING).year
    for _ in range(5):
        ticket.number = _next_number(year)
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:
            # Two tickets took the same number at once: take the next one.
            continue
    else:
        raise IntegrityError("could not allocate a ticket number")
    TicketEvent.objects.create(ticket=ticket, actor=requester, kind="created", to_status=Status.NEW)
    agent = least_loaded_agent(
        organisation_id=requester.organisation_id, department=route.department
    )
    if agent is not None:
        assign(ticket=ticket, agent=agent, actor=None, reason="按分派规则自动分派")
    return ticket


def assign(*, ticket: Ticket, agent: User, actor: User | None, reason: str = "") -> Ticket:
    """Give the ticket to `agent`; a manual reassignment (actor set) is recorded as such."""
    if actor is not None:
        require_agent(actor)
    if not is_agent(agent) or agent.organisation_id != ticket.organisation_id:
        raise PermissionDenied("只能把工单分派给本组织的客服。")
    if not ticket.is_open:
        raise TicketTransitionNotAllowed("已解决或已关闭的工单不能再分派：请先重新打开。")
    previous = ticket.assignee
    if previous is not None and previous.pk == agent.pk:
        return ticket
    old_status = ticket.status
    ticket.assignee = agent
    if ticket.status == Status.NEW:
        ticket.status = Status.ASSIGNED
    ticket.save(update_fields=["assignee", "status", "updated_at"])
    detail = f"{previous} → {agent}" if previous else f"分派给 {agent}"
    if actor is not None:
        detail = f"{actor} 手动分派：{detail}"
    TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind="reassigned" if previous else "assigned",
        from_status=old_status,
        to_status=ticket.status,
        detail=f"{detail}{'：' + reason if reason else ''}"[:300],
    )
    notices.assigned(ticket, agent)
    return ticket


def reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    waiting_for_user: bool = False,
    email_message_id: str = "",
) -> TicketMessage:
    """A public reply (agent or requester) or an internal note (agents only)."""
    agent = is_agent(author) and author.organisation_id == ticket.organisation_id
    if internal and not agent:
        raise PermissionDenied("只有客服可以添加内部备注。")
    if not agent and author.pk != ticket.requester_id:
        raise PermissionDenied("只有提交人和客服可以回复这个工单。")
    if not internal and not ticket.is_open:
        raise TicketTransitionNotAllowed(
            "工单已解决或已关闭，不能再回复：如问题仍在，请先重新打开工单（或提交新的反馈）。"
        )
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket,
            author=author,
            kind=MessageKind.INTERNAL if internal else MessageKind.PUBLIC,
            body=body,
            email_message_id=email_message_id[:300],
        )
        if internal:
            return message
        old = ticket.status
        if agent:
            if ticket.first_reply_at is None:
                ticket.first_reply_at = message.created_at
            set_status(
                ticket,
                Status.WAITING_USER if waiting_for_user else Status.IN_PROGRESS,
                message.created_at,
            )
            if ticket.assignee_id is None:
                ticket.assignee = author
            notices.reply_to_requester(ticket, body)
        else:
            if ticket.status == Status.WAITING_USER:
                set_status(ticket, Status.IN_PROGRESS, message.created_at)
            notices.reply_to_agent(ticket, body)
        ticket.save(update_fields=["first_reply_at", "assignee", "updated_at", *CLOCK_FIELDS])
        if ticket.status != old:
            TicketEvent.objects.create(
                ticket=ticket, actor=author, kind="status", from_status=old, to_status=ticket.status
            )
    return message


def attach(
    *,
    ticket: Ticket,
    user: User,
    name: str,
    stream: IO[bytes],
    size: int,
    content_type: str = "",
    message: TicketMessage | None = None,
    internal: bool = False,
) -> Attachment:
    if size > max_attachment_bytes():
        limit = max_attachment_bytes() // (1024 * 1024)
        raise AttachmentTooLarge(
            f"附件“{name}”超过 {limit} MB：请压缩图片或截取关键部分后重新上传。"
        )
    if internal and not is_agent(user):
        raise PermissionDenied("只有客服可以添加内部附件。")
    suffix = PurePath(name).suffix.lower()[:10]
    attachment = Attachment(
        ticket=ticket,
        message=message,
        name=(PurePath(name).name or "附件")[:200],
        size=size,
        content_type=content_type[:100],
        uploaded_by=user,
        internal=internal,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{suffix}", File(stream), save=False)
    attachment.save()
    return attachment


def attach_uploads(
    *, ticket: Ticket, user: User, files: Iterable[UploadedFile], internal: bool = False
) -> list[Attachment]:
    """Files a person uploaded through a page or the API."""
    return [
        attach(
            ticket=ticket,
            user=user,
            name=f.name or "附件",
            stream=f,
            size=f.size or 0,
            content_type=f.content_type or "",
            internal=internal,
        )
        for f in files
    ]


def set_priority(*, ticket: Ticket, agent: User, priority: str) -> Ticket:
    """An agent re-prioritises a ticket; both deadlines are recomputed from its creation."""
    require_agent(agent)
    if priority not in Priority.values:
        raise TicketTransitionNotAllowed(
            f"未知的优先级“{priority}”：可用 {', '.join(Priority.values)}。"
        )
    if priority == ticket.priority:
        return ticket
    old = ticket.get_priority_display()
    ticket.priority = priority
    set_deadlines(ticket)
    ticket.save(update_fields=["priority", "first_reply_due", "resolution_due", "updated_at"])
    TicketEvent.objects.create(
        ticket=ticket,
        actor=agent,
        kind="priority",
        detail=f"优先级 {old} → {ticket.get_priority_display()}",
    )
    return ticket
