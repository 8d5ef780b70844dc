"""An account outside every organisation (the installation's operator) works in the
Django admin: the organisation's pages answer it with a 403 page that says where to go,
and the site's front page takes it to the admin. The API refuses it in
fapiao.api.common.caller().

Register after the authentication middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from fapiao.accounts import permissions
from fapiao.web.views import error_page

# What such an account may open: the admin, signing in and out, the API (which answers
# for itself), and the installation's status page.
OPEN_PREFIXES = ("/admin/", "/login/", "/logout/", "/api/", "/status", "/static/")
NOT_A_MEMBER = (
    "这个账号不属于任何组织（如安装运维账号），不能使用组织的页面："
    "运维请进入运维后台 /admin/；处理发票请用组织成员的账号登录。"
)


class MembersOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not permissions.is_member(user)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path == "/" and permissions.is_operator(user):
                return redirect("admin:index")
            return error_page(request, status=403, title="没有权限", detail=NOT_A_MEMBER)
        return self.get_response(request)
