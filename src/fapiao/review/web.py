"""Small helpers shared by the review pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def htmx_login_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """login_required, but a background htmx request of an expired session gets a 401
    (the page says "登录已过期") instead of the login form swapped into the page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.headers.get("HX-Request") == "true":
            return HttpResponse("登录已过期：请刷新页面后重新登录。", status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


def parse_date(value: str | None) -> tuple[dt.date | None, str]:
    """A date from a filter box, or an error a person understands."""
    if not value:
        return None, ""
    try:
        return dt.date.fromisoformat(value.strip()), ""
    except ValueError:
        return None, f"日期“{value}”无法识别：请按 YYYY-MM-DD 填写，例如 2026-03-07。"


def parse_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None
