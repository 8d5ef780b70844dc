"""Models of fapiao.feedback, one module per concern."""

from fapiao.feedback.models.chat import AgentPresence, ChatMessage, ChatSession, ChatStatus
from fapiao.feedback.models.help import Article
from fapiao.feedback.models.setup import Holiday, HolidayKind, RoutingRule
from fapiao.feedback.models.surveys import Rating, SuggestionVote, Survey, SurveyResponse
from fapiao.feedback.models.tickets import (
    OPEN_STATUSES,
    Attachment,
    Category,
    Channel,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)

__all__ = [
    "OPEN_STATUSES",
    "AgentPresence",
    "Article",
    "Attachment",
    "Category",
    "Channel",
    "ChatMessage",
    "ChatSession",
    "ChatStatus",
    "Holiday",
    "HolidayKind",
    "MessageKind",
    "Priority",
    "Rating",
    "RoutingRule",
    "Status",
    "SuggestionVote",
    "Survey",
    "SurveyResponse",
    "Ticket",
    "TicketEvent",
    "TicketMessage",
]
