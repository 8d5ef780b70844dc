"""Pages of fapiao.lookup: 发票查询 (the form, the invoice or the ranked causes) and /status."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fapiao.lookup import services, status
from fapiao.lookup.forms import LookupForm
from fapiao.web.http import user_of


@login_required
@require_GET
def lookup_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = LookupForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "nav": "lookup"}
    if form.is_valid():
        diagnosis = services.run_lookup(user=user, query=form.to_query(), filters=form.to_filter())
        context["answer"] = services.lookup_answer(diagnosis, user)
    return render(request, "lookup/lookup.html", context)


@login_required
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    organisation_id = user_of(request).organisation_id
    return render(request, "lookup/status.html", {"status": status.system_status(organisation_id)})
