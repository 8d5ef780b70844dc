"""Pages of the online chat 在线客服. Both sides poll the conversation every second (htmx),
so a new message shows within 2 seconds without WebSockets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fapiao.errors import FapiaoError
from fapiao.feedback import chat
from fapiao.feedback.access import require_agent
from fapiao.feedback.models import AgentPresence, ChatSession, ChatStatus, Ticket
from fapiao.web.http import page_or_fragment, user_of


@login_required
def chat_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        body = request.POST.get("body", "").strip()
        if not body:
            messages.error(request, "请输入要咨询的内容。")
            return redirect("feedback-chat")
        result = chat.start_chat(user=user, body=body[:4000])
        if isinstance(result, Ticket):
            messages.info(
                request,
                f"现在没有客服在线，您的留言已生成工单 {result.number}，"
                f"我们会在 {result.first_reply_due:%m月%d日 %H:%M} 前回复。",
            )
            return redirect("feedback-ticket", result.pk)
        return redirect("feedback-chat")
    session = chat.active_session(user)
    online = bool(chat.on_duty_agents(user.organisation_id)) if user.organisation_id else False
    return render(
        request, "feedback/chat.html", {"nav": "help", "session": session, "online": online}
    )


@login_required
def chat_messages(request: HttpRequest, session_id: int) -> HttpResponse:
    user = user_of(request)
    session = chat.get_session(user, session_id)
    if session.agent_id == user.pk:
        chat.heartbeat(user)
    return render(request, "feedback/_chat_messages.html", {"session": session, "me": user})


@login_required
@require_POST
def chat_send(request: HttpRequest, session_id: int) -> HttpResponse:
    user = user_of(request)
    session = chat.get_session(user, session_id)
    body = request.POST.get("body", "").strip()
    error = ""
    if body:
        try:
            chat.send(session=session, author=user, body=body[:4000])
        except FapiaoError as exc:
            error = exc.detail
    return render(
        request, "feedback/_chat_messages.html", {"session": session, "me": user, "error": error}
    )


@login_required
@require_POST
def chat_close(request: HttpRequest, session_id: int) -> HttpResponse:
    user = user_of(request)
    session = chat.close(session=chat.get_session(user, session_id), user=user)
    messages.success(request, "会话已结束。")
    if session.user_id == user.pk:
        return redirect("feedback-chat")
    return redirect("feedback-desk-chat")


@login_required
def desk_chat(request: HttpRequest) -> HttpResponse:
    """The agent's chat console: duty switch and the conversations (polled, which also
    keeps the agent's presence fresh)."""
    agent = user_of(request)
    org_id = require_agent(agent)
    if request.method == "POST":
        chat.set_duty(agent=agent, on_duty=request.POST.get("on_duty") == "1")
        return redirect("feedback-desk-chat")
    chat.heartbeat(agent)
    presence = AgentPresence.objects.filter(agent=agent).first()
    sessions = ChatSession.objects.filter(
        organisation_id=org_id, status=ChatStatus.ACTIVE
    ).select_related("user", "agent")
    context = {
        "nav": "support",
        "on_duty": bool(presence and presence.on_duty),
        "sessions": sessions,
        "me": agent,
    }
    return page_or_fragment(
        request,
        page="feedback/desk/chat.html",
        fragment="feedback/desk/_chat_sessions.html",
        context=context,
    )


@login_required
def desk_chat_session(request: HttpRequest, session_id: int) -> HttpResponse:
    agent = user_of(request)
    require_agent(agent)
    session = chat.get_session(agent, session_id)
    return render(
        request,
        "feedback/desk/chat_session.html",
        {"nav": "support", "session": session, "me": agent},
    )
