"""The sign-in forms (the site's and the admin's), telling a locked-out person why instead
of "wrong password".

django.contrib.auth.authenticate() swallows the PermissionDenied the throttling backend
raises, so each form asks the throttle itself once authentication has failed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from fapiao.accounts.throttle import client_address, lockout_reason


class _SaysWhenLocked(AuthenticationForm):
    def get_invalid_login_error(self) -> forms.ValidationError:
        username = self.cleaned_data.get("username") or ""
        reason = lockout_reason(username, client_address(self.request))
        if reason:
            return forms.ValidationError(reason, code="locked")
        return super().get_invalid_login_error()


class LoginForm(_SaysWhenLocked):
    """The sign-in page's form, in Chinese."""

    error_messages = {
        "invalid_login": "用户名或密码不正确：请检查后重试（密码区分大小写）。"
        "多次失败后账户会被暂时锁定。",
        "inactive": "该账户已停用：如需继续使用，请联系本组织的系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请填写用户名"
        self.fields["password"].error_messages["required"] = "请填写密码"


class AdminLoginForm(_SaysWhenLocked, AdminAuthenticationForm):
    """The admin's sign-in form."""
