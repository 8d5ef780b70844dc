"""Sign-in throttling that an attacker cannot turn against other people.

Two limits, each counted over the last LOGIN_LOCKOUT_MINUTES:
- a (username, address) pair is locked after LOGIN_MAX_FAILURES failures. Guessing locks
  only the guesser's own tries at that name: the same person signing in from another
  address is not refused.
- an address is locked after LOGIN_ADDRESS_MAX_FAILURES failures, whatever the names, so
  that one machine cannot spray guesses over every account. It is set well above what an
  office behind one address gets wrong by mistake.
The address is the client's (fapiao.web.proxies: X-Forwarded-For only from a trusted proxy).

Race-free: a try takes its place in the count (a LoginAttempt row) before its password is
checked, in a transaction that holds the address's lock, and gives the place back when the
password was right. So N simultaneous tries get at most the limit's worth of passwords
checked. (django-axes follows the same rules, but checks the lockout before authenticating
and records the failure after it, which is the race this closes; it also has one failure
limit for all its lockout parameters and counts proxies instead of naming them.)

An authentication backend, so the sign-in page, the admin's and the API's session (which
is the page's sign-in) are all covered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fapiao.accounts.models import LoginAttempt
from fapiao.locks import serialise
from fapiao.web.proxies import client_address

LOCKED_MESSAGE = (
    "登录失败次数过多，账户已被暂时锁定：请 {minutes} 分钟后再试，或联系管理员重置密码。"
)
ADDRESS_LOCKED_MESSAGE = (
    "该地址登录失败次数过多，已暂停从这里登录：请 {minutes} 分钟后再试；"
    "如果您并没有多次输错密码，请联系管理员。"
)

__all__ = ["LOCKED_MESSAGE", "ThrottledModelBackend", "client_address", "lockout_reason"]


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _name(username: str) -> str:
    # The field's length; a longer name cannot belong to anyone.
    return username.strip().lower()[:150]


def lockout_reason(username: str, ip: str | None) -> str | None:
    """Why a sign-in with this name from this address is refused now (Chinese), or None."""
    recent = LoginAttempt.objects.filter(created_at__gte=_window_start(), ip_address=ip)
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    if recent.filter(username=_name(username)).count() >= settings.LOGIN_MAX_FAILURES:
        return LOCKED_MESSAGE.format(minutes=minutes)
    if ip and recent.count() >= settings.LOGIN_ADDRESS_MAX_FAILURES:
        return ADDRESS_LOCKED_MESSAGE.format(minutes=minutes)
    return None


def _take_a_place(username: str, ip: str | None) -> None:
    """Count this try as a failure before its password is checked (a right password gives
    the place back); refuse it when a limit is reached."""
    with transaction.atomic():
        serialise(f"login:{ip}")
        reason = lockout_reason(username, ip)
        if reason:
            # PermissionDenied stops Django from trying other backends.
            raise PermissionDenied(reason)
        LoginAttempt.objects.create(username=_name(username), ip_address=ip)


def forget_expired(*, before: dt.datetime | None = None) -> int:
    """Delete failures that no longer count; the number deleted."""
    deleted, _ = LoginAttempt.objects.filter(created_at__lt=before or _window_start()).delete()
    return deleted


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
        ip = client_address(request)
        _take_a_place(username, ip)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # Right: this try was no failure, and the earlier ones from here are forgiven.
            LoginAttempt.objects.filter(username=_name(username), ip_address=ip).delete()
        return user
