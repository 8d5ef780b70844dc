"""Sign-in, sign-out and the error page for domain errors. Each app's pages live in its own
views; 400/403/404/500 use Django's handlers with the templates here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fapiao.accounts import permissions
from fapiao.accounts.forms import LoginForm
from fapiao.errors import FapiaoError
from fapiao.web.http import is_htmx


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request):
            # htmx followed an expired session's redirect here: reload the whole page
            # instead of drawing the sign-in form inside the invoice table.
            return HttpResponse(status=204, headers={"HX-Redirect": request.get_full_path()})
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        # The installation's operator has no organisation's pages: the admin is theirs.
        if permissions.is_operator(self.request.user):
            return reverse("admin:index")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default), so a link or an image cannot sign someone out."""


def error_page(
    request: HttpRequest, *, status: int, title: str, detail: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"status": status, "title": title, "detail": detail, **context},
        status=status,
    )


def fapiao_error_page(request: HttpRequest, exc: FapiaoError) -> HttpResponse:
    errors = getattr(exc, "errors", None) or []
    return error_page(request, status=exc.status, title=exc.title, detail=exc.detail, errors=errors)
