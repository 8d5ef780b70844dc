"""Domain errors raised while rendering a page become a Chinese error page (the API maps
the same errors to problem+json in fapiao.api.problems); every response says which browser
features the site uses (Permissions-Policy, which Django does not set)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fapiao.errors import FapiaoError
from fapiao.web.views import fapiao_error_page

log = logging.getLogger(__name__)


class FapiaoErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, FapiaoError) or request.path.startswith("/api/"):
            return None
        log.info("page error %s on %s", exception.code, request.path)
        return fapiao_error_page(request, exception)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
