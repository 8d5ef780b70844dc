"""What every page needs from a request and for a response: the signed-in user, htmx's
headers, ids and dates typed into a form or an address, and file downloads.

A leaf module: it imports Django, the user model and the domain errors only, so each
app's pages (and fapiao.api.common) can use it without importing the rest of the shell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError

# Primary keys are BIGINT: a larger number names nothing (the API refuses it with 422).
MAX_ID = 2**63 - 1


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a page behind login_required."""
    return cast(User, request.user)


def is_htmx(request: HttpRequest) -> bool:
    """Any request htmx sent, including its history restores."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asks for a piece of the page; a history restore after a cache miss needs the
    whole page, so it gets one."""
    return is_htmx(request) and not request.headers.get("HX-History-Restore-Request")


def page_or_fragment(
    request: HttpRequest,
    *,
    page: str,
    fragment: str,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only `fragment` when htmx asks for it."""
    template = fragment if wants_fragment(request) else page
    response = render(request, template, context, status=status)
    # The same address answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def with_query(base: str, params: QueryDict, **changes: str | None) -> str:
    """`base` with the page's parameters, each change applied (None or "" drops it); empty
    parameters are left out, as they only lengthen the address bar."""
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    for key in [k for k, v in query.lists() if not any(v)]:
        del query[key]
    encoded = query.urlencode()
    return f"{base}?{encoded}" if encoded else base


def htmx_login_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """login_required, but a background htmx request of an expired session gets a 401
    (the page says "登录已过期") instead of the login form swapped into the page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if is_htmx(request):
            return HttpResponse("登录已过期：请刷新页面后重新登录。", status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


def flash_result(request: HttpRequest, step: Callable[[], object], done: str) -> bool:
    """Run one service call and say on the next page what it did, or what went wrong."""
    try:
        step()
    except FapiaoError as exc:
        messages.error(request, exc.detail)
        return False
    messages.success(request, done)
    return True


def parse_id(value: str | None) -> int | None:
    """An id typed into a form or an address; None when it cannot name a row."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def parse_date(value: str | None) -> tuple[dt.date | None, str]:
    """A date from a filter box, or an error a person understands."""
    if not value:
        return None, ""
    try:
        return dt.date.fromisoformat(value.strip()), ""
    except ValueError:
        return None, f"日期“{value}”无法识别：请按 YYYY-MM-DD 填写，例如 2026-03-07。"


def download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save (an export, an original), never shown as a page."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def download_file(file: FieldFile, filename: str) -> FileResponse:
    """A stored file to save, streamed from storage."""
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)
