"""Pages of fapiao.feedback, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.feedback.views import chat, desk, help_centre, surveys, tickets

urlpatterns: list[URLPattern] = [
    path("help/", help_centre.help_centre, name="help-centre"),
    path("help/suggest/", help_centre.suggest, name="help-suggest"),
    path("help/<slug:slug>/", help_centre.help_article, name="help-article"),
    path("feedback/new/", tickets.submit, name="feedback-submit"),
    path("feedback/", tickets.my_tickets, name="feedback-mine"),
    path("feedback/<int:ticket_id>/", tickets.ticket_page, name="feedback-ticket"),
    path(
        "feedback/<int:ticket_id>/<str:action>/",
        tickets.ticket_action,
        name="feedback-ticket-action",
    ),
    path(
        "feedback/attachments/<int:attachment_id>/", tickets.attachment, name="feedback-attachment"
    ),
    path("feedback/surveys/<int:survey_id>/", surveys.survey_page, name="feedback-survey"),
    path("desk/", desk.desk, name="feedback-desk"),
    path("desk/tickets/<int:ticket_id>/", desk.desk_ticket, name="feedback-desk-ticket"),
    path("desk/reports/", desk.desk_reports, name="feedback-reports"),
    path("chat/", chat.chat_page, name="feedback-chat"),
    path("chat/<int:session_id>/messages/", chat.chat_messages, name="chat-messages"),
    path("chat/<int:session_id>/send/", chat.chat_send, name="chat-send"),
    path("chat/<int:session_id>/close/", chat.chat_close, name="chat-close"),
    path("desk/chat/", chat.desk_chat, name="feedback-desk-chat"),
    path(
        "desk/chat/<int:session_id>/",
        chat.desk_chat_session,
        name="feedback-desk-chat-session",
    ),
]
