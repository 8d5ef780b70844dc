"""系统设置 › 部门, 分派规则 and 通知模板: the organisation's own rows of each, created,
changed and deleted by its admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fapiao.accounts import services
from fapiao.accounts.models import Department, User
from fapiao.feedback.models import RoutingRule
from fapiao.notify.models import MessageTemplate
from fapiao.orgadmin.forms import DepartmentForm, MessageTemplateForm, RoutingRuleForm
from fapiao.orgadmin.views.common import admin_page, done, form_page, own
from fapiao.web.http import flash_result

# --- 部门 -------------------------------------------------------------------------------


@admin_page
@require_http_methods(["GET", "POST"])
def departments(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    """The list, with the form that adds one."""
    form = DepartmentForm(request.POST or None, organisation_id=org, current=None)
    if request.method == "POST" and form.is_valid():
        department = Department(organisation_id=org)
        services.save_department(admin=admin, department=department, name=form.cleaned_data["name"])
        return done(request, f"已添加部门“{department.name}”。", "orgadmin-departments")
    rows = (
        Department.objects.filter(organisation_id=org)
        .annotate(people=Count("members", distinct=True))
        .order_by("name")
    )
    return form_page(request, "orgadmin/departments.html", form, rows=rows)


@admin_page
@require_http_methods(["GET", "POST"])
def department_edit(
    request: HttpRequest, admin: User, org: int, department_id: int
) -> HttpResponse:
    department = own(Department, org, department_id)
    form = DepartmentForm(
        request.POST or None,
        organisation_id=org,
        current=department,
        initial={"name": department.name},
    )
    if request.method == "POST" and form.is_valid():
        services.save_department(admin=admin, department=department, name=form.cleaned_data["name"])
        return done(request, f"部门已改名为“{department.name}”。", "orgadmin-departments")
    return form_page(
        request,
        "orgadmin/form.html",
        form,
        title=f"部门“{department.name}”",
        tab="departments",
        back="orgadmin-departments",
        delete_url_name="orgadmin-department-delete",
        obj=department,
    )


@admin_page
@require_POST
def department_delete(
    request: HttpRequest, admin: User, org: int, department_id: int
) -> HttpResponse:
    department = own(Department, org, department_id)
    name = department.name
    flash_result(
        request,
        lambda: services.delete_department(admin=admin, department=department),
        f"已删除部门“{name}”。",
    )
    return redirect("orgadmin-departments")


# --- 分派规则 and 通知模板: the organisation's own rows through a ModelForm --------------


@dataclass(frozen=True)
class OrganisationRows:
    """The edit and delete pages of one kind of the organisation's rows."""

    model: type[Any]
    form: type[Any]
    tab: str  # the 系统设置 tab, and the list page (orgadmin-<tab>)
    noun: str  # 分派规则, 通知模板

    @property
    def back(self) -> str:
        return f"orgadmin-{self.tab}"

    def edit(
        self, request: HttpRequest, admin: User, org: int, pk: int | None = None
    ) -> HttpResponse:
        instance = own(self.model, org, pk) if pk else self.model(organisation_id=org)
        form = self.form(request.POST or None, instance=instance, organisation_id=org)
        if request.method == "POST" and form.is_valid():
            saved = form.save(commit=False)
            saved.organisation_id = org  # a new row is the admin's organisation's
            saved.save()
            return done(request, f"已保存{self.noun}：{saved}。", self.back)
        return form_page(
            request,
            "orgadmin/form.html",
            form,
            title=f"{self.noun}“{instance}”" if instance.pk else f"新建{self.noun}",
            tab=self.tab,
            back=self.back,
            delete_url_name=f"{self.back}-delete" if instance.pk else "",
            obj=instance,
        )

    def delete(self, request: HttpRequest, admin: User, org: int, pk: int) -> HttpResponse:
        obj = own(self.model, org, pk)
        text = str(obj)
        obj.delete()
        messages.success(request, f"已删除{self.noun}：{text}。")
        return redirect(self.back)


ROUTING = OrganisationRows(RoutingRule, RoutingRuleForm, "routing", "分派规则")
TEMPLATES = OrganisationRows(MessageTemplate, MessageTemplateForm, "templates", "通知模板")
routing_rule_edit = admin_page(require_http_methods(["GET", "POST"])(ROUTING.edit))
routing_rule_delete = admin_page(require_POST(ROUTING.delete))
template_edit = admin_page(require_http_methods(["GET", "POST"])(TEMPLATES.edit))
template_delete = admin_page(require_POST(TEMPLATES.delete))


@admin_page
@require_http_methods(["GET"])
def routing_rules(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    rows = RoutingRule.objects.filter(organisation_id=org).select_related("department")
    return render(request, "orgadmin/routing.html", {"nav": "settings", "rows": rows})


@admin_page
@require_http_methods(["GET"])
def templates(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    rows = MessageTemplate.objects.filter(organisation_id=org).order_by("channel", "event")
    # The installation's wording applies wherever the organisation has none of its own.
    defaults = MessageTemplate.objects.filter(organisation__isnull=True).order_by(
        "channel", "event"
    )
    return render(
        request,
        "orgadmin/templates.html",
        {"nav": "settings", "rows": rows, "defaults": defaults},
    )
