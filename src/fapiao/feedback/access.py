"""Who sees which ticket. Requesters see their own tickets; support agents and admins of
the organisation see all of its tickets (the desk); nobody sees another organisation's."""

from __future__ import annotations

from django.db.models import QuerySet

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.errors import PermissionDenied
from fapiao.feedback.errors import TicketNotFound
from fapiao.feedback.models import Ticket


def is_agent(user: User) -> bool:
    return permissions.is_support_desk(user)


def require_agent(user: User) -> int:
    """Refuse anyone but an agent; returns the agent's organisation id."""
    if not is_agent(user) or user.organisation_id is None:
        raise PermissionDenied("只有客服和系统管理员可以执行此操作。")
    return user.organisation_id


def visible_tickets(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(permissions.ticket_q(user))


def get_ticket(user: User, ticket_id: int) -> Ticket:
    ticket = (
        visible_tickets(user)
        .select_related("requester", "assignee", "department", "invoice")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise TicketNotFound()
    return ticket


def agents_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id, role=Role.SUPPORT_AGENT, is_active=True
    )
