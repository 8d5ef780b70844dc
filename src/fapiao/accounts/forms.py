"""The admin sign-in form, telling a locked-out person why instead of "wrong password".

django.contrib.auth.authenticate() swallows the PermissionDenied the throttling backend
raises, so the form asks the throttle itself once authentication has failed (as the sign-in
page's form in web/forms.py does).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm

from fapiao.accounts.throttle import LOCKED_MESSAGE, client_ip, is_locked


class AdminLoginForm(AdminAuthenticationForm):
    def get_invalid_login_error(self) -> forms.ValidationError:
        username = self.cleaned_data.get("username") or ""
        if is_locked(username, client_ip(self.request)):
            return forms.ValidationError(
                LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked"
            )
        return super().get_invalid_login_error()
