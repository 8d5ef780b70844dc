"""Online chat 在线客服: a user talks to an on-duty agent; when nobody is on duty the
message becomes a ticket instead, answered within the usual deadlines."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.errors import PermissionDenied
from fapiao.feedback import services
from fapiao.feedback.access import is_agent, require_agent
from fapiao.feedback.errors import ChatNotFound, TicketTransitionNotAllowed
from fapiao.feedback.models import (
    AgentPresence,
    Category,
    Channel,
    ChatMessage,
    ChatSession,
    ChatStatus,
    Ticket,
)

# The desk page polls every 2 s; an agent whose page has been silent this long has left.
PRESENCE_TIMEOUT = dt.timedelta(seconds=60)


def set_duty(*, agent: User, on_duty: bool) -> AgentPresence:
    require_agent(agent)
    presence, _ = AgentPresence.objects.update_or_create(
        agent=agent, defaults={"on_duty": on_duty, "last_seen_at": timezone.now()}
    )
    return presence


def heartbeat(agent: User) -> None:
    AgentPresence.objects.filter(agent=agent).update(last_seen_at=timezone.now())


def on_duty_agents(organisation_id: int, now: dt.datetime | None = None) -> list[User]:
    since = (now or timezone.now()) - PRESENCE_TIMEOUT
    agents = User.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        chat_presence__on_duty=True,
        chat_presence__last_seen_at__gte=since,
    )
    ranked = agents.annotate(
        active_chats=Count("agent_chats", filter=Q(agent_chats__status=ChatStatus.ACTIVE))
    ).order_by("active_chats", "pk")
    return [a for a in ranked if is_agent(a)]


def active_session(user: User) -> ChatSession | None:
    return ChatSession.objects.filter(user=user, status=ChatStatus.ACTIVE).first()


def start_chat(*, user: User, body: str) -> ChatSession | Ticket:
    """Open (or continue) a conversation; with no agent on duty, file a ticket."""
    if user.organisation_id is None:
        raise PermissionDenied("您的账户不属于任何组织，不能使用在线客服：请联系系统管理员。")
    session = active_session(user)
    if session is None:
        agents = on_duty_agents(user.organisation_id)
        if not agents:
            return services.create_ticket(
                requester=user,
                category=Category.ENQUIRY,
                subject=f"在线客服留言：{body.strip()[:40]}",
                body=body,
                channel=Channel.CHAT,
            )
        session = ChatSession.objects.create(
            organisation_id=user.organisation_id, user=user, agent=agents[0]
        )
    ChatMessage.objects.create(session=session, author=user, body=body)
    return session


def get_session(user: User, session_id: int) -> ChatSession:
    session = ChatSession.objects.select_related("user", "agent").filter(pk=session_id).first()
    if session is None:
        raise ChatNotFound()
    mine = session.user_id == user.pk
    desk = is_agent(user) and user.organisation_id == session.organisation_id
    if not (mine or desk):
        raise ChatNotFound()
    return session


def send(*, session: ChatSession, author: User, body: str) -> ChatMessage:
    if session.status != ChatStatus.ACTIVE:
        raise TicketTransitionNotAllowed("会话已结束：如需继续咨询，请重新发起在线客服或提交反馈。")
    if author.pk != session.user_id and session.agent_id != author.pk:
        # Another agent of the organisation takes the conversation over.
        require_agent(author)
        session.agent = author
        session.save(update_fields=["agent"])
    return ChatMessage.objects.create(session=session, author=author, body=body)


def close(*, session: ChatSession, user: User) -> ChatSession:
    if session.status == ChatStatus.ACTIVE:
        session.status = ChatStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
        ChatMessage.objects.create(session=session, author=None, body=f"{user} 结束了会话。")
    return session
