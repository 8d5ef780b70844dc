"""The 数据分析 page. It renders the frame; the charts fetch /api/v1/analytics/* as JSON, so
switching period, grouping or filters never reloads the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fapiao.accounts import permissions
from fapiao.accounts.models import Department
from fapiao.analytics.categorise import custom_categories
from fapiao.core import taxonomy
from fapiao.errors import PermissionDenied
from fapiao.web.http import user_of


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not permissions.may_manage_spending(user):
        raise PermissionDenied("数据分析页面仅对财务管理员和系统管理员开放；如需查看，请联系财务。")
    org = user.organisation_id or 0
    today = timezone.localdate()
    categories = [*taxonomy.DEFAULT_CATEGORIES, *sorted(custom_categories(org))]
    return render(
        request,
        "analytics/dashboard.html",
        {
            "nav": "analytics",
            "departments": Department.objects.filter(organisation_id=org).order_by("name"),
            "categories": categories,
            "year": today.year,
            "years": list(range(today.year, today.year - 6, -1)),
            "today": today,
        },
    )
