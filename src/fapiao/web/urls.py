"""The site shell's own pages: the home redirect, sign-in and sign-out."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from fapiao.web import views

urlpatterns: list[URLPattern] = [
    path("", RedirectView.as_view(pattern_name="invoice-list", permanent=False), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
