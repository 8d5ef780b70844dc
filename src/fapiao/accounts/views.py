"""我的 API 令牌: a person lists, creates and revokes their own API tokens. Only their own:
every lookup is filtered by the signed-in user, so another person's token id is a 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fapiao.accounts.models import ApiToken
from fapiao.web.http import user_of

NAME_MAX = 100  # ApiToken.name


def day_choices() -> list[int]:
    """The validity periods offered, the installation's default among them."""
    return sorted({30, 90, 180, ApiToken.MAX_DAYS, settings.API_TOKEN_DAYS})


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=user_of(request)).order_by("-created_at")[:100])
    now = timezone.now()
    rows = [
        {
            "token": t,
            "state": "revoked" if t.revoked_at else "expired" if t.expires_at <= now else "active",
        }
        for t in tokens
    ]
    context.setdefault("days", settings.API_TOKEN_DAYS)
    response = render(
        request,
        "accounts/tokens.html",
        {"rows": rows, "day_choices": day_choices(), "name_max": NAME_MAX, **context},
    )
    # A new token is shown on this page once: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    name = request.POST.get("name", "").strip()
    days = request.POST.get("days", "")
    if not days.isdigit() or int(days) not in day_choices():
        return _page(request, error="请选择令牌的有效期。", name=name)
    if len(name) > NAME_MAX:
        return _page(request, error=f"用途最多 {NAME_MAX} 个字：请写短一些。", name=name)
    token, raw = ApiToken.issue(user=user_of(request), name=name, days=int(days))
    return _page(request, new_raw=raw, new_token=token, days=int(days))


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=user_of(request), pk=token_id).first()
    if token is None:
        raise Http404("没有这个令牌")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, f"令牌 {token.token_hint}… 已撤销，使用它的脚本将无法再访问。")
    return redirect("api-tokens")
