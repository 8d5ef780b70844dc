"""Maintenance mode: while an announced window is active every page shows a banner and
writes answer 503 with Retry-After; reads (lookups included) keep working, and admins can
still sign in and end the window early.

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

from fapiao.lookup.models import MaintenanceWindow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Signing in and out, and the admin (where the window is ended), stay writable.
EXEMPT_PREFIXES = ("/login/", "/logout/", "/admin/")
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, MaintenanceWindow | None]] = {}


def active_window() -> MaintenanceWindow | None:
    """The active window, read at most every few seconds per process (every request asks)."""
    now = time.monotonic()
    hit = _cache.get("window")
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        window = hit[1]
        if window is None or window.ends_at > timezone.now():
            return window
    window = MaintenanceWindow.active()
    _cache["window"] = (now, window)
    return window


def clear_cache(*args: object, **kwargs: object) -> None:
    _cache.clear()


def retry_after(window: MaintenanceWindow, now: dt.datetime | None = None) -> int:
    seconds = (window.ends_at - (now or timezone.now())).total_seconds()
    return max(1, math.ceil(seconds))


def message(window: MaintenanceWindow) -> str:
    ends = timezone.localtime(window.ends_at).strftime("%Y-%m-%d %H:%M")
    note = f"（{window.message}）" if window.message else ""
    return (
        f"系统维护中{note}，预计 {ends} 结束：期间可以查询和查看发票，"
        "暂时不能提交或修改，请在维护结束后再试。"
    )


class MaintenanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and not request.path.startswith(EXEMPT_PREFIXES):
            window = active_window()
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
