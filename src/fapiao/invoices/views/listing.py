"""The 发票 list page: the filtered list (the whole page, or only the results for htmx) and
its downloads (XLSX / CSV of everything the filters select). Every read goes through the
signed-in user's scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET

from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import presenters, selectors
from fapiao.invoices.exports import export_invoices
from fapiao.invoices.forms import InvoiceFilterForm
from fapiao.invoices.scope import visible_invoices
from fapiao.web.http import download, page_or_fragment, user_of, wants_fragment, with_query


def _sort_links(params: QueryDict, base: str, current: str) -> dict[str, dict[str, str]]:
    name, descending = selectors.parse_sort(current)
    links = {}
    for column in selectors.SORT_FIELDS:
        # A first click shows the newest / largest first, as finance staff usually want.
        state, target = "", f"-{column}"
        if column == name:
            state = "desc" if descending else "asc"
            target = column if descending else f"-{column}"
        links[column] = {"url": with_query(base, params, sort=target, cursor=None), "state": state}
    return links


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    scope = visible_invoices(user)
    form = InvoiceFilterForm(request.GET, user=user, scope=scope)
    partial = wants_fragment(request)
    params = request.GET
    base = reverse("invoice-list")
    context: dict[str, Any] = {
        "form": form,
        "partial": partial,
        "first_url": with_query(base, params, cursor=None),
    }
    if form.is_valid():
        qs = selectors.apply_filter(scope, form.to_filter())
        cursor = params.get("cursor") or None
        try:
            page = selectors.page_invoices(
                qs, sort=form.sort_value, cursor=cursor, limit=settings.PAGE_SIZE
            )
        except InvalidInvoiceData as exc:
            context["page_error"] = exc.detail
        else:
            masker = presenters.Masker(user)
            for invoice in page.items:
                # Finding messages quote the ids they found wrong; the tooltip shows them.
                invoice.shown_findings = masker.findings(  # type: ignore[attr-defined]
                    invoice.findings or [], buyer_tax_id=invoice.buyer_tax_id
                )
            total, capped = selectors.count_capped(qs)
            context.update(
                page=page,
                total=total,
                capped=capped,
                cursor=cursor,
                next_url=with_query(base, params, cursor=page.next_cursor)
                if page.next_cursor
                else "",
                export_xlsx=with_query(
                    reverse("invoice-export", args=["xlsx"]), params, cursor=None
                ),
                export_csv=with_query(reverse("invoice-export", args=["csv"]), params, cursor=None),
            )
    context["sort_links"] = _sort_links(params, base, form.sort_value)
    return page_or_fragment(
        request, page="invoices/list.html", fragment="invoices/_results.html", context=context
    )


@login_required
@require_GET
def invoice_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = user_of(request)
    scope = visible_invoices(user)
    form = InvoiceFilterForm(request.GET, user=user, scope=scope)
    if not form.is_valid():
        raise InvalidInvoiceData(
            [
                {"field": str(form.fields[name].label or name), "message": str(errors[0])}
                for name, errors in form.errors.items()
                if name in form.fields
            ],
            detail="筛选条件有误，无法导出：请返回发票列表，按提示修改筛选条件后再导出。",
        )
    qs = selectors.apply_filter(scope, form.to_filter())
    return download(*export_invoices(qs, fmt, viewer=user, sort=form.sort_value))
