"""API authentication: a signed-in session (with CSRF, as ninja's SessionAuth does) or
`Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from fapiao.accounts.models import ApiToken
from fapiao.errors import NotAuthenticated, TokenExpired


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.find(token)
        # A token was offered and is wrong: say so rather than fall back to the session.
        if found is not None and found.expired:
            expired = timezone.localtime(found.expires_at).strftime("%Y-%m-%d %H:%M")
            raise TokenExpired(
                f"API 令牌（{found.token_hint}…）已于 {expired} 过期：请在“我的 API 令牌”页面"
                "（/account/tokens/）或用 `fapiao token --username 用户名` 生成新令牌，"
                "并替换脚本中的旧令牌。"
            )
        user = ApiToken.authenticate(token)
        if user is None:
            raise NotAuthenticated(
                "API 令牌无效或已被撤销：请在“我的 API 令牌”页面（/account/tokens/）或用 "
                "`fapiao token --username 用户名` 生成新令牌，或在请求头中提供正确的 "
                "Authorization: Bearer <令牌>。"
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
