"""Sign-in throttling: too many failures for one username or one address lock it out for
a while. Implemented as an authentication backend so the sign-in page, the admin and any
other form of password login are all covered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from fapiao.accounts.models import LoginAttempt

LOCKED_MESSAGE = (
    "登录失败次数过多，账户已被暂时锁定：请 {minutes} 分钟后再试，或联系管理员重置密码。"
)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def is_locked(username: str, ip: str | None) -> bool:
    recent = LoginAttempt.objects.filter(created_at__gte=_window_start())
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    # An address may try a few more than one username would, to allow an office's NAT.
    return bool(ip) and recent.filter(ip_address=ip).count() >= limit * 4


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            return None
        ip = client_ip(request)
        if is_locked(username, ip):
            # PermissionDenied stops Django from trying other backends.
            raise PermissionDenied(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            LoginAttempt.objects.create(username=username.lower(), ip_address=ip)
        else:
            LoginAttempt.objects.filter(username=username.lower()).delete()
        return user
