"""Invoice pages: the filtered list (full page, or only the results for htmx), one invoice,
and the list downloads. Every read goes through the signed-in user's scope."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from fapiao.accounts.models import User
from fapiao.core.money import to_chinese_upper
from fapiao.errors import InvalidInvoiceData, InvoiceNotFound
from fapiao.invoices import presenters, selectors
from fapiao.invoices.exports import export_invoices
from fapiao.invoices.models import Invoice, ReviewStatus, RiskFlag, Source
from fapiao.invoices.scope import visible_invoices
from fapiao.web.forms import InvoiceFilterForm

MAX_ID = 2**63 - 1  # beyond a BIGINT PostgreSQL fails instead of finding nothing


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_partial(request: HttpRequest) -> bool:
    # History restores after a cache miss need the whole page, not the fragment.
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _query(params: QueryDict, base: str = "", **changes: str | None) -> str:
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    # Empty filters only lengthen the address bar.
    for key in [k for k, v in query.lists() if not any(v)]:
        del query[key]
    encoded = query.urlencode()
    return f"{base}?{encoded}" if encoded else base or "?"


def _sort_links(params: QueryDict, base: str, current: str) -> dict[str, dict[str, str]]:
    name, descending = selectors.parse_sort(current)
    links = {}
    for column in selectors.SORT_FIELDS:
        # A first click shows the newest / largest first, as finance staff usually want.
        state, target = "", f"-{column}"
        if column == name:
            state = "desc" if descending else "asc"
            target = column if descending else f"-{column}"
        links[column] = {"url": _query(params, base, sort=target, cursor=None), "state": state}
    return links


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = visible_invoices(user)
    form = InvoiceFilterForm(request.GET, user=user, scope=scope)
    partial = _is_partial(request)
    params = request.GET
    base = reverse("invoice-list")
    context: dict[str, Any] = {
        "form": form,
        "partial": partial,
        "first_url": _query(params, base, cursor=None),
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
                next_url=_query(params, base, cursor=page.next_cursor) if page.next_cursor else "",
                export_xlsx=_query(params, reverse("invoice-export", args=["xlsx"]), cursor=None),
                export_csv=_query(params, reverse("invoice-export", args=["csv"]), cursor=None),
            )
    context["sort_links"] = _sort_links(params, base, form.sort_value)
    template = "web/invoices/_results.html" if partial else "web/invoices/list.html"
    response = render(request, template, context)
    # The same address answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = _user(request)
    if invoice_id > MAX_ID:
        raise InvoiceNotFound()
    invoice = selectors.get_invoice(user, invoice_id)
    data = presenters.detail(invoice, user)
    for submission in data["duplicate_submissions"]:
        submission["source_label"] = _label(Source, submission["source"])
    documents = invoice.documents.order_by("created_at", "id")
    return render(
        request,
        "web/invoices/detail.html",
        {
            "invoice": data,
            "documents": documents,
            "total_amount_cn": data["total_amount_cn"] or _upper(invoice),
            "source_label": _label(Source, invoice.source),
            "risk_label": _label(RiskFlag, invoice.risk_flag) if invoice.risk_flag else "",
            # Read but not yet submitted: only its uploader can check and submit it.
            "awaiting_confirmation": invoice.status == ReviewStatus.PROCESSING
            and invoice.submitter_id == user.pk,
        },
    )


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _upper(invoice: Invoice) -> str:
    """大写 computed from the amount when the invoice did not carry one."""
    if invoice.total_amount is None:
        return ""
    try:
        return str(to_chinese_upper(invoice.total_amount))
    except (ValueError, ArithmeticError):
        return ""


@login_required
@require_GET
def invoice_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
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
    name, descending = selectors.parse_sort(form.sort_value)
    order = [f"-{name}", "-id"] if descending else [name, "id"]
    qs = selectors.apply_filter(scope, form.to_filter()).order_by(*order)
    body, content_type, filename = export_invoices(qs, fmt, viewer=user)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
