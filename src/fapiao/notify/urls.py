"""Pages of fapiao.notify, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.notify import views

urlpatterns: list[URLPattern] = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/settings/", views.preferences, name="notification-settings"),
    path("notifications/badge/", views.badge, name="notification-badge"),
    path("notifications/read-all/", views.read_all, name="notification-read-all"),
    path("notifications/<int:notification_id>/read/", views.read_one, name="notification-read"),
    path("notifications/<int:notification_id>/", views.open_notification, name="notification-open"),
]
