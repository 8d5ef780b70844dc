"""One invoice's page: every field, the findings, line items, red/blue links, duplicate
submissions, corrections and the uploaded originals. Read through the viewer's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fapiao.core.money import to_chinese_upper
from fapiao.invoices import presenters, selectors
from fapiao.invoices.models import Invoice, ReviewStatus, RiskFlag, Source
from fapiao.invoices.presenters import choice_label
from fapiao.web.http import user_of


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = user_of(request)
    invoice = selectors.get_invoice(user, invoice_id)
    data = presenters.detail(invoice, user)
    for submission in data["duplicate_submissions"]:
        submission["source_label"] = choice_label(Source, submission["source"])
    documents = invoice.documents.order_by("created_at", "id")
    return render(
        request,
        "invoices/detail.html",
        {
            "invoice": data,
            "documents": documents,
            "total_amount_cn": data["total_amount_cn"] or _upper(invoice),
            "source_label": choice_label(Source, invoice.source),
            "risk_label": choice_label(RiskFlag, invoice.risk_flag) if invoice.risk_flag else "",
            # Read but not yet submitted: only its uploader can check and submit it.
            "awaiting_confirmation": invoice.status == ReviewStatus.PROCESSING
            and invoice.submitter_id == user.pk,
        },
    )


def _upper(invoice: Invoice) -> str:
    """大写 computed from the amount when the invoice did not carry one."""
    if invoice.total_amount is None:
        return ""
    try:
        return str(to_chinese_upper(invoice.total_amount))
    except (ValueError, ArithmeticError):
        return ""
