"""Notifications of ticket events through fapiao.notify (imported lazily: notify is
optional for this app's imports and is built alongside it)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.urls import reverse

from fapiao.accounts.models import User
from fapiao.feedback.models import Ticket

# Loading the demo replays ticket histories; it must not send anyone mail.
_silenced: ContextVar[bool] = ContextVar("feedback_notices_silenced", default=False)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _send(
    event: str, recipients: Iterable[User], title: str, body: str, link: str, key: str = ""
) -> int:
    if _silenced.get():
        return 0
    from fapiao.notify.services import notify

    return notify(
        event=event, recipients=list(recipients), title=title, body=body, link=link, dedupe_key=key
    )


def user_link(ticket: Ticket) -> str:
    return reverse("feedback-ticket", args=[ticket.pk])


def desk_link(ticket: Ticket) -> str:
    return reverse("feedback-desk-ticket", args=[ticket.pk])


def reply_to_requester(ticket: Ticket, body: str) -> int:
    return _send(
        "ticket_reply",
        [ticket.requester],
        f"工单 {ticket.number} 有新回复",
        f"客服回复了您的反馈“{ticket.subject}”：{body[:200]}",
        user_link(ticket),
    )


def reply_to_agent(ticket: Ticket, body: str) -> int:
    if ticket.assignee is None:
        return 0
    return _send(
        "ticket_reply",
        [ticket.assignee],
        f"工单 {ticket.number} 用户已回复",
        f"{ticket.requester} 回复了工单“{ticket.subject}”：{body[:200]}",
        desk_link(ticket),
    )


def resolved(ticket: Ticket) -> int:
    return _send(
        "ticket_resolved",
        [ticket.requester],
        f"工单 {ticket.number} 已解决",
        f"您的反馈“{ticket.subject}”已处理完毕。请在工单页面为这次服务评分（1–5 分）；"
        "如果问题仍未解决，可在解决后规定天数内重新打开。",
        user_link(ticket),
    )


def assigned(ticket: Ticket, agent: User) -> int:
    return _send(
        "ticket_assigned",
        [agent],
        f"新工单分派给您：{ticket.number}",
        f"{ticket.get_category_display()}（优先级{ticket.get_priority_display()}）："
        f"{ticket.subject}。首次回复期限 {ticket.first_reply_due:%Y-%m-%d %H:%M}。",
        desk_link(ticket),
    )


def sla(ticket: Ticket, recipients: Iterable[User], *, what: str, breached: bool) -> int:
    label = "首次回复" if what == "first_reply" else "解决"
    due = ticket.first_reply_due if what == "first_reply" else ticket.resolution_due
    if breached:
        title = f"工单 {ticket.number} 已超过{label}期限"
        body = f"工单“{ticket.subject}”的{label}期限（{due:%Y-%m-%d %H:%M}）已过，请立即处理。"
    else:
        title = f"工单 {ticket.number} 即将超过{label}期限"
        body = f"工单“{ticket.subject}”的{label}期限为 {due:%Y-%m-%d %H:%M}，请尽快处理。"
    key = f"feedback:{ticket.pk}:{what}:{'breach' if breached else 'warn'}"
    return _send("sla_warning", recipients, title, body, desk_link(ticket), key)


def survey(recipients: Iterable[User], *, title: str, link: str, key: str) -> int:
    return _send(
        "survey", recipients, f"满意度调查：{title}", "请花一分钟为我们的服务评分。", link, key
    )
