"""Pages for requesters: the 反馈 dialog, the help centre 帮助中心, my tickets, surveys.
Every action calls the same services as the API; a domain error becomes a message."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError
from fapiao.feedback import schemas, selectors, services, workflow
from fapiao.feedback.access import get_ticket, is_agent
from fapiao.feedback.conf import max_attachment_bytes, reopen_window, support_address
from fapiao.feedback.errors import ArticleNotFound, SurveyNotFound
from fapiao.feedback.models import Category, Channel, MessageKind, SurveyResponse
from fapiao.feedback.surveys import answer_survey


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@login_required
def help_centre(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    articles = selectors.search_articles(_user(request), q)
    context = {"nav": "help", "q": q, "articles": articles, "support": support_address()}
    if request.headers.get("HX-Request") == "true":
        return render(request, "feedback/_article_list.html", context)
    return render(request, "feedback/help.html", context)


@login_required
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.visible_articles(_user(request)).filter(slug=slug).first()
    if article is None:
        raise ArticleNotFound()
    return render(request, "feedback/article.html", {"nav": "help", "article": article})


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles beside the feedback form while the user types (htmx)."""
    text = (request.GET.get("subject", "") + " " + request.GET.get("body", ""))[:300]
    articles = selectors.search_articles(_user(request), text, limit=4) if text.strip() else []
    return render(request, "feedback/_suggestions.html", {"articles": articles})


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """The 反馈 dialog: category, text, files; page URL and invoice id come along."""
    user = _user(request)
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
                invoice_id=_int(request.POST.get("invoice_id")),
            )
            services.attach_uploads(ticket=ticket, user=user, files=files)
        except FapiaoError as exc:
            errors.append(exc.detail)
    context = {"errors": errors, "ticket": ticket}
    if request.headers.get("HX-Request") == "true":
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
    user = _user(request)
    tickets = selectors.ticket_list(user).filter(requester=user)[:200]
    return render(
        request,
        "feedback/my_tickets.html",
        {"nav": "help", "tickets": tickets, "suggestions": selectors.suggestions(user, limit=10)},
    )


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = _user(request)
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


ACTIONS = frozenset({"reply", "transition", "rate", "assign", "priority"})


def _act(request: HttpRequest, action: Any, ok: str) -> None:
    try:
        action()
        messages.success(request, ok)
    except FapiaoError as exc:
        messages.error(request, exc.detail)


@login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    """reply / transition / rate, for the requester's page and the desk alike."""
    if action not in ACTIONS:
        raise Http404
    user = _user(request)
    ticket = get_ticket(user, ticket_id)
    post = request.POST
    if action == "reply":
        body = post.get("body", "").strip()
        internal = post.get("kind") == MessageKind.INTERNAL
        if not body:
            messages.error(request, "回复内容不能为空。")
        else:
            _act(
                request,
                lambda: services.reply(
                    ticket=ticket,
                    author=user,
                    body=body,
                    internal=internal,
                    waiting_for_user=post.get("waiting") == "1",
                ),
                "内部备注已保存。" if internal else "回复已发送。",
            )
    elif action == "transition":
        to = post.get("to", "")
        _act(
            request,
            lambda: workflow.transition(
                ticket=ticket, user=user, to=to, comment=post.get("comment", "")
            ),
            "工单状态已更新。",
        )
    elif action == "rate":
        score = _int(post.get("score")) or 0
        _act(
            request,
            lambda: workflow.rate(
                ticket=ticket, user=user, score=score, comment=post.get("comment", "")
            ),
            "感谢您的评价！",
        )
    elif action == "priority":
        priority = post.get("priority", "")
        _act(
            request,
            lambda: services.set_priority(ticket=ticket, agent=user, priority=priority),
            "优先级已调整，期限已重新计算。",
        )
    elif action == "assign":
        agent = User.objects.filter(
            pk=_int(post.get("assignee")) or 0, organisation_id=ticket.organisation_id
        ).first()
        if agent is None:
            messages.error(request, "请选择本组织的客服。")
        else:
            _act(
                request,
                lambda: services.assign(ticket=ticket, agent=agent, actor=user),
                f"工单已分派给 {agent}。",
            )
    back = post.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("feedback-ticket", ticket.pk)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    att = selectors.get_attachment(_user(request), attachment_id)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@login_required
def survey_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = _user(request)
    response = (
        SurveyResponse.objects.select_related("survey")
        .filter(survey_id=survey_id, user=user)
        .first()
    )
    if response is None:
        raise SurveyNotFound()
    if request.method == "POST":
        score = _int(request.POST.get("score")) or 0
        _act(
            request,
            lambda: answer_survey(
                survey_id=survey_id, user=user, score=score, comment=request.POST.get("comment", "")
            ),
            "感谢您的评价！",
        )
        return redirect("feedback-survey", survey_id)
    return render(request, "feedback/survey.html", {"nav": "help", "response": response})
