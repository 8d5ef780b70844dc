"""Pages of fapiao.lookup, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.lookup import views

urlpatterns: list[URLPattern] = [
    path("lookup/", views.lookup_page, name="lookup"),
    path("status", views.status_page, name="system-status"),
]
