"""The Django admin, for the installation's operator only.

An organisation's people manage their organisation in 系统设置 (fapiao.orgadmin); the
admin sees every organisation's rows, so only an operator (a superuser outside every
organisation: `fapiao createuser --operator` or `createsuperuser`) may enter it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fapiao.accounts import permissions


class OperatorAdminSite(admin.AdminSite):
    site_header = "发票管家 安装运维"
    site_title = "发票管家 运维"
    index_title = "安装运维（所有组织）"

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.is_operator(request.user)
