"""系统设置's front page, 维护通知 (the organisation's own maintenance windows) and 节假日.

The holiday calendar is the installation's: the State Council's notice is the same for
every organisation in China, so the operator enters each year once (Django admin) and an
organisation's admin reads it here; a per-organisation copy would only let calendars drift.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fapiao.accounts.models import Department, User
from fapiao.feedback.calendar import missing_holiday_years
from fapiao.feedback.models import Holiday, RoutingRule
from fapiao.lookup.maintenance import active_window, message
from fapiao.lookup.models import MaintenanceWindow
from fapiao.notify.models import MessageTemplate
from fapiao.orgadmin.forms import MaintenanceForm
from fapiao.orgadmin.views.common import admin_page, done, form_page, own


@admin_page
@require_http_methods(["GET"])
def home(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    now = timezone.now()
    counts = {
        "members": User.objects.filter(organisation_id=org, is_active=True).count(),
        "inactive": User.objects.filter(organisation_id=org, is_active=False).count(),
        "departments": Department.objects.filter(organisation_id=org).count(),
        "rules": RoutingRule.objects.filter(organisation_id=org).count(),
        "templates": MessageTemplate.objects.filter(organisation_id=org).count(),
        "notices": MaintenanceWindow.objects.filter(organisation_id=org, ends_at__gt=now).count(),
    }
    return render(
        request,
        "orgadmin/home.html",
        {
            "nav": "settings",
            "counts": counts,
            "missing_holiday_years": missing_holiday_years(timezone.localdate()),
        },
    )


@admin_page
@require_http_methods(["GET", "POST"])
def maintenance(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    """The organisation's notices, and the form that announces one (writes of this
    organisation's people answer 503 while it lasts; the installation's stay the
    operator's)."""
    form = MaintenanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        window = form.save(commit=False)
        window.organisation_id = org
        window.created_by = admin
        window.save()
        return done(request, "维护通知已发布：" + message(window), "orgadmin-maintenance")
    now = timezone.now()
    rows = MaintenanceWindow.objects.filter(organisation_id=org, ends_at__gt=now)
    past = MaintenanceWindow.objects.filter(organisation_id=org, ends_at__lte=now)
    current = active_window(org)
    return form_page(
        request,
        "orgadmin/maintenance.html",
        form,
        rows=rows.select_related("created_by").order_by("starts_at"),
        past=past.order_by("-ends_at")[:10],
        installation=current if current is not None and current.organisation_id is None else None,
        now=now,
    )


@admin_page
@require_POST
def maintenance_end(request: HttpRequest, admin: User, org: int, window_id: int) -> HttpResponse:
    """End a notice now (or withdraw one not yet begun)."""
    window = own(MaintenanceWindow, org, window_id)
    now = timezone.now()
    if window.starts_at > now:
        window.delete()
        return done(request, "已撤销尚未开始的维护通知。", "orgadmin-maintenance")
    if window.ends_at > now:
        window.ends_at = now
        window.save(update_fields=["ends_at"])
        return done(request, "维护已结束：本组织可以正常提交和修改了。", "orgadmin-maintenance")
    return redirect("orgadmin-maintenance")


@admin_page
@require_http_methods(["GET"])
def holidays(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    today = timezone.localdate()
    rows = Holiday.objects.filter(date__year__gte=today.year - 1).order_by("date")
    return render(
        request,
        "orgadmin/holidays.html",
        {
            "nav": "settings",
            "rows": rows,
            "missing_holiday_years": missing_holiday_years(today),
        },
    )
