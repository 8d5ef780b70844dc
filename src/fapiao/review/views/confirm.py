"""核对并提交 (/scan/invoices/<id>/), the last step of 扫描上传: the uploader checks the
reading beside the original, corrects what the reader got wrong and presses 提交审核, which
moves the invoice from processing to pending_review through the review state machine. It
lives here, not in invoices, because submitting is review's transition."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fapiao.accounts.models import User
from fapiao.errors import DuplicateInvoice, FapiaoError, InvalidInvoiceData, InvoiceNotFound
from fapiao.invoices import originals
from fapiao.invoices.models import Document, DocumentState, Invoice, ReviewStatus, Source
from fapiao.invoices.presenters import Masker
from fapiao.invoices.scope import visible_invoices
from fapiao.review.forms import ConfirmForm, doubt_notes
from fapiao.review.submission import confirm_and_submit
from fapiao.web.http import user_of


@login_required
@require_http_methods(["GET", "POST"])
def scan_confirm(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = user_of(request)
    invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    if invoice.status != ReviewStatus.PROCESSING or invoice.submitter_id != user.pk:
        # Submitted already, or someone else's: the detail page says where it stands.
        if request.method == "POST" and invoice.submitter_id != user.pk:
            messages.error(request, "只有提交人本人可以核对并提交这张发票：请提醒提交人处理。")
        elif request.method == "POST":
            messages.info(
                request, f"这张发票现在是“{invoice.get_status_display()}”，无需再次提交。"
            )
        return redirect("invoice-detail", invoice.pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, invoice=invoice, viewer=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            confirm_and_submit(invoice=invoice, user=user, changes=form.changes())
        except DuplicateInvoice as exc:
            form.add_error("invoice_number", exc.detail)
        except InvalidInvoiceData as exc:
            form.add_error(None, exc.detail)
        except FapiaoError as exc:  # the review machine refused (raced, not allowed)
            messages.error(request, exc.detail)
            return redirect("invoice-detail", invoice.pk)
        else:
            return _after_submit(request, user, invoice)
    context = _confirm_context(request, invoice, form, user)
    return render(request, "review/confirm.html", context, status=422 if form.is_bound else 200)


def _after_submit(request: HttpRequest, user: User, invoice: Invoice) -> HttpResponse:
    waiting = (
        visible_invoices(user)
        .filter(
            submitter_id=user.pk,
            source=Source.UPLOAD,
            status=ReviewStatus.PROCESSING,
        )
        .count()
    )
    text = f"发票 {invoice.invoice_number} 已提交审核：审核员处理后会通知您。"
    if waiting:
        messages.success(request, f"{text}还有 {waiting} 张上传的发票等您核对。")
        return redirect("scan-upload")
    messages.success(request, text)
    return redirect(reverse("invoice-list"))


def _confirm_context(
    request: HttpRequest, invoice: Invoice, form: ConfirmForm, user: User
) -> dict[str, Any]:
    masker = Masker(user)
    doc = (
        invoice.documents.filter(uploaded_by_id=user.pk, state=DocumentState.DONE)
        .order_by("pk")
        .first()
    )
    notes = doubt_notes(invoice, form.doubtful)
    context: dict[str, Any] = {
        "nav": "scan",
        "invoice": invoice,
        "form": form,
        "groups": [
            (title, [(form[name], notes.get(name, "")) for name in names])
            for title, names in form.GROUPS
        ],
        "other_doubts": [text for name, text in notes.items() if name not in form.fields],
        "findings": masker.findings(invoice.findings or [], buyer_tax_id=invoice.buyer_tax_id),
        "items": list(invoice.items.all()),
        "doc": doc,
    }
    if doc is not None:
        context.update(_original_context(request, doc, invoice))
    return context


def _original_context(request: HttpRequest, doc: Document, invoice: Invoice) -> dict[str, Any]:
    blob = originals.read_original(doc)
    kind = originals.kind_of(doc, blob)
    if kind not in originals.PREVIEWABLE:
        return {"kind": kind}
    pages = originals.pdf_page_count(blob) if kind == "pdf" else 1
    # A PDF of several invoices: start at this invoice's page (one page per invoice).
    default = _position_in(doc, invoice) + 1
    page = originals.page_number(request.GET["page"]) if "page" in request.GET else default
    page = max(1, min(page, pages or 1))
    preview = reverse("scan-preview", args=[doc.pk])
    return {
        "kind": kind,
        "preview_url": f"{preview}?page={page}",
        "page": page,
        "pages": pages,
        "prev_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
    }


def _position_in(doc: Document, invoice: Invoice) -> int:
    outcome = (doc.extraction or {}).get("outcome") or []
    for index, entry in enumerate(outcome):
        if entry.get("invoice_id") == invoice.pk:
            return index
    return 0
