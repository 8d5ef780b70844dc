"""Pages of fapiao.analytics, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
