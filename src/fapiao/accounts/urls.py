"""The account's own pages: 我的 API 令牌."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.accounts import views

urlpatterns: list[URLPattern] = [
    path("account/tokens/", views.tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
]
