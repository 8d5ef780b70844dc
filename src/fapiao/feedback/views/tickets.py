"""Ticket pages: the 反馈 dialog's submit, my tickets, one ticket, the actions on a ticket
(for requesters and the desk alike) and attachments. Every action calls the same services
as the API; a domain error becomes a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError
from fapiao.feedback import schemas, selectors, services, workflow
from fapiao.feedback.access import get_ticket, is_agent
from fapiao.feedback.conf import max_attachment_bytes, reopen_window
from fapiao.feedback.models import Category, Channel, MessageKind, Ticket
from fapiao.web.http import download_file, flash_result, is_htmx, parse_id, user_of


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """The 反馈 dialog: category, text, files; page URL and invoice id come along."""
    user = user_of(request)
    category = request.POST.get("category", "")
    body = request.POST.get("body", "").strip()
    errors = []
    if category not in Category.values:
        errors.append("请选择反馈类别。")
    if not body:
        errors.append("请填写反馈内容：描述遇到的问题或建议。")
    files = request.FILES.getlist("files")
    limit = max_attachment_bytes()
    errors += [
        f"附件“{f.name}”超过 {limit // 1048576} MB，请压缩后重新选择。"
        for f in files
        if (f.size or 0) > limit
    ]
    ticket = None
    if not errors:
        try:
            ticket = services.create_ticket(
                requester=user,
                category=category,
                subject=request.POST.get("subject", ""),
                body=body,
                channel=Channel.WEB,
                page_url=request.POST.get("page_url", ""),
                invoice_id=parse_id(request.POST.get("invoice_id")),
            )
            services.attach_uploads(ticket=ticket, user=user, files=files)
        except FapiaoError as exc:
            errors.append(exc.detail)
    context = {"errors": errors, "ticket": ticket}
    if is_htmx(request):
        # htmx swaps only 2xx answers: the errors come back as 200, a new ticket as 201.
        status = 200 if errors else 201
        return render(request, "feedback/_submitted.html", context, status=status)
    if ticket is not None:
        messages.success(request, f"反馈已提交，工单号 {ticket.number}。")
        return redirect("feedback-ticket", ticket.pk)
    for e in errors:
        messages.error(request, e)
    return redirect("help-centre")


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    tickets = selectors.ticket_list(user).filter(requester=user)[:200]
    return render(
        request,
        "feedback/my_tickets.html",
        {"nav": "help", "tickets": tickets, "suggestions": selectors.suggestions(user, limit=10)},
    )


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = user_of(request)
    ticket = get_ticket(user, ticket_id)
    if is_agent(user) and ticket.requester_id != user.pk:
        return redirect("feedback-desk-ticket", ticket.pk)
    data = schemas.detail(ticket, user, timezone.now())
    return render(
        request,
        "feedback/ticket.html",
        {
            "nav": "help",
            "ticket": ticket,
            "data": data,
            "can_rate": ticket.status in ("resolved", "closed") and data["rating"] is None,
            "reopen_days": reopen_window().days,
        },
    )


Step = Callable[[], object]


def _reply(post: QueryDict, ticket: Ticket, user: User) -> tuple[Step | None, str]:
    body = post.get("body", "").strip()
    if not body:
        return None, "回复内容不能为空。"
    internal = post.get("kind") == MessageKind.INTERNAL
    waiting = post.get("waiting") == "1"
    return (
        lambda: services.reply(
            ticket=ticket, author=user, body=body, internal=internal, waiting_for_user=waiting
        ),
        "内部备注已保存。" if internal else "回复已发送。",
    )


def _transition(post: QueryDict, ticket: Ticket, user: User) -> tuple[Step | None, str]:
    to, comment = post.get("to", ""), post.get("comment", "")
    done = "工单状态已更新。"
    return lambda: workflow.transition(ticket=ticket, user=user, to=to, comment=comment), done


def _rate(post: QueryDict, ticket: Ticket, user: User) -> tuple[Step | None, str]:
    score, comment = parse_id(post.get("score")) or 0, post.get("comment", "")
    done = "感谢您的评价！"
    return lambda: workflow.rate(ticket=ticket, user=user, score=score, comment=comment), done


def _priority(post: QueryDict, ticket: Ticket, user: User) -> tuple[Step | None, str]:
    priority = post.get("priority", "")
    done = "优先级已调整，期限已重新计算。"
    return lambda: services.set_priority(ticket=ticket, agent=user, priority=priority), done


def _assign(post: QueryDict, ticket: Ticket, user: User) -> tuple[Step | None, str]:
    agent = User.objects.filter(
        pk=parse_id(post.get("assignee")) or 0, organisation_id=ticket.organisation_id
    ).first()
    if agent is None:
        return None, "请选择本组织的客服。"
    return lambda: services.assign(
        ticket=ticket, agent=agent, actor=user
    ), f"工单已分派给 {agent}。"


ACTIONS = {
    "reply": _reply,
    "transition": _transition,
    "rate": _rate,
    "priority": _priority,
    "assign": _assign,
}


@login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    """reply / transition / rate / priority / assign, for the requester's page and the desk."""
    if action not in ACTIONS:
        raise Http404
    user = user_of(request)
    ticket = get_ticket(user, ticket_id)
    post = request.POST
    step, text = ACTIONS[action](post, ticket, user)
    if step is None:
        messages.error(request, text)
    else:
        flash_result(request, step, text)
    back = post.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("feedback-ticket", ticket.pk)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    att = selectors.get_attachment(user_of(request), attachment_id)
    return download_file(att.file, att.name)
