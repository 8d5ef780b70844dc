"""Maintenance mode: while an announced window is active every page shows a banner and
writes answer 503 with Retry-After; reads (lookups included) keep working, and admins can
still sign in and end the window early.

A window is the installation's (its operator's, in the Django admin: every organisation
stops) or one organisation's (its admin's, in 系统设置: only that organisation's writes
stop; everyone else never hears of it).

Register `fapiao.lookup.maintenance.MaintenanceMiddleware` in MIDDLEWARE after the
authentication middleware.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from fapiao.accounts.models import ApiToken
from fapiao.lookup.models import MaintenanceWindow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Signing in and out, the admin and 系统设置's notices (where windows are ended) stay writable.
EXEMPT_PREFIXES = ("/login/", "/logout/", "/admin/", "/settings/maintenance/")
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, list[MaintenanceWindow]]] = {}


def _active_windows() -> list[MaintenanceWindow]:
    """Every active window, read at most every few seconds per process (writes ask)."""
    now = time.monotonic()
    hit = _cache.get("windows")
    if hit is None or now - hit[0] >= _CACHE_SECONDS:
        hit = (now, MaintenanceWindow.active_all())
        _cache["windows"] = hit
    moment = timezone.now()
    return [w for w in hit[1] if w.ends_at > moment]


def active_window(organisation_id: int | None = None) -> MaintenanceWindow | None:
    """The window that holds for this organisation: the installation's first, then its own;
    without an organisation only the installation's."""
    windows = _active_windows()
    for window in windows:
        if window.organisation_id is None:
            return window
    if organisation_id is None:
        return None
    return next((w for w in windows if w.organisation_id == organisation_id), None)


def clear_cache(*args: object, **kwargs: object) -> None:
    _cache.clear()


def retry_after(window: MaintenanceWindow, now: dt.datetime | None = None) -> int:
    seconds = (window.ends_at - (now or timezone.now())).total_seconds()
    return max(1, math.ceil(seconds))


def message(window: MaintenanceWindow) -> str:
    ends = timezone.localtime(window.ends_at).strftime("%Y-%m-%d %H:%M")
    note = f"（{window.message}）" if window.message else ""
    who = "系统维护中" if window.organisation_id is None else "本组织系统维护中"
    return (
        f"{who}{note}，预计 {ends} 结束：期间可以查询和查看发票，"
        "暂时不能提交或修改，请在维护结束后再试。"
    )


def organisation_of(request: HttpRequest) -> int | None:
    """The organisation a request acts for: the signed-in user's, or an API token's (the
    API authenticates tokens after the middleware has run)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return getattr(user, "organisation_id", None)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        owner = ApiToken.authenticate(header[len("Bearer ") :].strip())
        return owner.organisation_id if owner is not None else None
    return None


class MaintenanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and not request.path.startswith(EXEMPT_PREFIXES):
            windows = _active_windows()
            # Only an organisation's window needs to know whose request this is.
            if windows:
                org = None
                if all(w.organisation_id is not None for w in windows):
                    org = organisation_of(request)
                window = active_window(org)
                if window is not None:
                    return self._refuse(request, window)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, window: MaintenanceWindow) -> HttpResponse:
        detail = message(window)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "type": "https://fapiao.local/problems/maintenance",
                    "title": "系统维护中",
                    "status": 503,
                    "code": "maintenance",
                    "detail": detail,
                    "instance": request.path,
                },
                status=503,
                content_type="application/problem+json",
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = render(
                request,
                "web/error.html",
                {"status": 503, "title": "系统维护中", "detail": detail},
                status=503,
            )
        response["Retry-After"] = str(retry_after(window))
        return response
