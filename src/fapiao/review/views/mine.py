"""我的发票: a submitter's own invoices with their review status, filters and the last
word from the reviewer. The results poll every second and re-render only on a change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET

from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import selectors as invoice_selectors
from fapiao.invoices.models import ReviewStatus
from fapiao.review import selectors
from fapiao.web.http import (
    htmx_login_required,
    page_or_fragment,
    parse_date,
    user_of,
    wants_fragment,
    with_query,
)

SORT = "-created_at"


def _filter(params: QueryDict) -> tuple[selectors.MineFilter, list[str]]:
    errors = []
    status = params.get("status", "")
    if status not in ReviewStatus.values:
        status = ""
    date_from, error_from = parse_date(params.get("date_from"))
    date_to, error_to = parse_date(params.get("date_to"))
    errors += [e for e in (error_from, error_to) if e]
    text = (params.get("q") or "").strip()[:100]
    return selectors.MineFilter(status, text, date_from, date_to), errors


@htmx_login_required
@require_GET
def my_invoices(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    mine = selectors.my_invoices(user)
    version = selectors.version(mine)
    partial = wants_fragment(request)
    if partial and request.GET.get("since") == version:
        return HttpResponse(status=204)  # nothing changed: htmx leaves the page as it is
    f, errors = _filter(request.GET)
    qs = selectors.filter_mine(mine, f)
    base = reverse("my-invoices")
    context: dict[str, Any] = {"nav": "mine", "f": f, "errors": errors, "version": version}
    try:
        page = invoice_selectors.page_invoices(
            qs, sort=SORT, cursor=request.GET.get("cursor") or None, limit=settings.PAGE_SIZE
        )
    except InvalidInvoiceData as exc:
        context["errors"] = [*errors, exc.detail]
        page = invoice_selectors.page_invoices(qs, sort=SORT, limit=settings.PAGE_SIZE)
    latest = selectors.last_words([i.pk for i in page.items])
    counts = selectors.status_counts(mine)
    context.update(
        page=page,
        rows=[{"inv": i, "last": latest.get(i.pk)} for i in page.items],
        tabs=[
            {
                "value": value,
                "label": label,
                "count": count,
                "url": with_query(base, request.GET, status=value, cursor=None, since=None),
            }
            for value, label, count in [
                ("", "全部", sum(counts.values())),
                *((s.value, str(s.label), counts[s.value]) for s in ReviewStatus),
            ]
        ],
        poll_url=with_query(base, request.GET, since=version),
        next_url=with_query(base, request.GET, cursor=page.next_cursor, since=None)
        if page.next_cursor
        else "",
    )
    response = page_or_fragment(
        request, page="review/mine/page.html", fragment="review/mine/_results.html", context=context
    )
    response["Cache-Control"] = "no-store"
    return response
