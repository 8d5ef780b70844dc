"""Pages of fapiao.analytics, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.analytics import views

urlpatterns: list[URLPattern] = [
    path("analytics/", views.dashboard_page, name="analytics-dashboard"),
]
