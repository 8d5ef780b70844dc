"""API authentication: a signed-in session (with CSRF, as ninja's SessionAuth does) or
`Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from fapiao.accounts.models import ApiToken
from fapiao.errors import NotAuthenticated


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is None:
            # A token was offered and is wrong: say so rather than fall back to the session.
            raise NotAuthenticated(
                "API 令牌无效或已被撤销：请用 `fapiao token --username 用户名` 生成新令牌，"
                "或在请求头中提供正确的 Authorization: Bearer <令牌>。"
            )
        request.user = user
        return user


class OrganisationSession(SessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing for CSRF to protect: answer 401.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


API_AUTH = [BearerToken(), OrganisationSession()]
