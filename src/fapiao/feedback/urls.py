"""Pages of fapiao.feedback, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.feedback import views, views_chat, views_desk

urlpatterns: list[URLPattern] = [
    path("help/", views.help_centre, name="help-centre"),
    path("help/suggest/", views.suggest, name="help-suggest"),
    path("help/<slug:slug>/", views.help_article, name="help-article"),
    path("feedback/new/", views.submit, name="feedback-submit"),
    path("feedback/", views.my_tickets, name="feedback-mine"),
    path("feedback/<int:ticket_id>/", views.ticket_page, name="feedback-ticket"),
    path(
        "feedback/<int:ticket_id>/<str:action>/",
        views.ticket_action,
        name="feedback-ticket-action",
    ),
    path("feedback/attachments/<int:attachment_id>/", views.attachment, name="feedback-attachment"),
    path("feedback/surveys/<int:survey_id>/", views.survey_page, name="feedback-survey"),
    path("desk/", views_desk.desk, name="feedback-desk"),
    path("desk/tickets/<int:ticket_id>/", views_desk.desk_ticket, name="feedback-desk-ticket"),
    path("desk/reports/", views_desk.desk_reports, name="feedback-reports"),
    path("chat/", views_chat.chat_page, name="feedback-chat"),
    path("chat/<int:session_id>/messages/", views_chat.chat_messages, name="chat-messages"),
    path("chat/<int:session_id>/send/", views_chat.chat_send, name="chat-send"),
    path("chat/<int:session_id>/close/", views_chat.chat_close, name="chat-close"),
    path("desk/chat/", views_chat.desk_chat, name="feedback-desk-chat"),
    path(
        "desk/chat/<int:session_id>/",
        views_chat.desk_chat_session,
        name="feedback-desk-chat-session",
    ),
]
