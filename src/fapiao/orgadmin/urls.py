"""Pages of 系统设置 (fapiao.orgadmin) under /settings/, included by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.orgadmin.views import members, notices, setup

urlpatterns: list[URLPattern] = [
    path("settings/", notices.home, name="orgadmin-home"),
    path("settings/users/", members.member_list, name="orgadmin-members"),
    path("settings/users/new/", members.member_new, name="orgadmin-member-new"),
    path("settings/users/<int:user_id>/", members.member_edit, name="orgadmin-member"),
    path(
        "settings/users/<int:user_id>/password/",
        members.member_password,
        name="orgadmin-member-password",
    ),
    path("settings/departments/", setup.departments, name="orgadmin-departments"),
    path(
        "settings/departments/<int:department_id>/",
        setup.department_edit,
        name="orgadmin-department",
    ),
    path(
        "settings/departments/<int:department_id>/delete/",
        setup.department_delete,
        name="orgadmin-department-delete",
    ),
    path("settings/routing/", setup.routing_rules, name="orgadmin-routing"),
    path("settings/routing/new/", setup.routing_rule_edit, name="orgadmin-routing-new"),
    path("settings/routing/<int:pk>/", setup.routing_rule_edit, name="orgadmin-routing-rule"),
    path(
        "settings/routing/<int:pk>/delete/",
        setup.routing_rule_delete,
        name="orgadmin-routing-delete",
    ),
    path("settings/templates/", setup.templates, name="orgadmin-templates"),
    path("settings/templates/new/", setup.template_edit, name="orgadmin-template-new"),
    path("settings/templates/<int:pk>/", setup.template_edit, name="orgadmin-template"),
    path(
        "settings/templates/<int:pk>/delete/",
        setup.template_delete,
        name="orgadmin-templates-delete",
    ),
    path("settings/maintenance/", notices.maintenance, name="orgadmin-maintenance"),
    path(
        "settings/maintenance/<int:window_id>/end/",
        notices.maintenance_end,
        name="orgadmin-maintenance-end",
    ),
    path("settings/holidays/", notices.holidays, name="orgadmin-holidays"),
]
