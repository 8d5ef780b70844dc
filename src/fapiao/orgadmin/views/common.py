"""What every 系统设置 page shares: only the organisation's admin enters (anyone else gets
the 403 page), objects are looked up within the admin's organisation (another
organisation's id is a 404), and a form page answers 422 while the form has errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.web.http import user_of

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def admin_page(view: Callable[..., HttpResponse]) -> View:
    """login_required, then the organisation's admin only: the view gets (request, admin,
    organisation_id, ...)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        admin = user_of(request)
        org = permissions.ensure_may_manage_organisation(admin)
        return view(request, admin, org, *args, **kwargs)

    return wrapped


def own(model: type[M], organisation_id: int, pk: int) -> M:
    """One row of the admin's organisation; another organisation's is not found."""
    found = model._default_manager.filter(organisation_id=organisation_id, pk=pk).first()
    if found is None:
        raise Http404("没有找到：它不存在，或不属于本组织。")
    return found


def form_page(
    request: HttpRequest, template: str, form: Any, *, status: int | None = None, **context: Any
) -> HttpResponse:
    """The form again, with its errors (422) after a failed POST."""
    if status is None:
        status = 422 if request.method == "POST" and form.errors else 200
    return render(request, template, {"nav": "settings", "form": form, **context}, status=status)


def done(request: HttpRequest, text: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, text)
    return redirect(to, *args)


def member_name(user: User) -> str:
    return f"{user}（{user.username}）"
