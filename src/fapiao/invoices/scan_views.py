"""扫描上传 pages: drop or photograph invoices (the files go to POST /api/v1/documents from
scan.js), follow each file's reading (an htmx fragment polled every second), then check the
reading beside its original and submit it for review."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fapiao.accounts.models import User
from fapiao.errors import DuplicateInvoice, FapiaoError, InvalidInvoiceData, InvoiceNotFound
from fapiao.invoices import scan_originals as originals
from fapiao.invoices.models import Document, DocumentState, Invoice, ReviewStatus, Source
from fapiao.invoices.presenters import Masker
from fapiao.invoices.scan_confirm import ConfirmForm, confirm_and_submit
from fapiao.invoices.scan_rows import document_row, doubt_notes
from fapiao.invoices.scope import visible_invoices

RECENT_UPLOADS = 20
MAX_ID = 2**63 - 1


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def scan_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    recent = originals.uploads_of(user).filter(uploaded_by_id=user.pk).order_by("-pk")
    recent = recent[:RECENT_UPLOADS]
    max_bytes = settings.MAX_UPLOAD_BYTES
    return render(
        request,
        "web/scan/upload.html",
        {
            "nav": "scan",
            "rows": [document_row(doc, user) for doc in recent],
            "max_bytes": max_bytes,
            "max_mb": max_bytes // (1024 * 1024),
            "can_upload": user.organisation_id is not None,
        },
    )


@login_required
@require_GET
def scan_row(request: HttpRequest, document_id: int) -> HttpResponse:
    """One file's state; the fragment polls itself until the reading has ended."""
    user = _user(request)
    doc = originals.get_upload(user, document_id)
    row = document_row(doc, user, existing=request.GET.get("existing") == "1")
    return render(request, "web/scan/_row.html", {"row": row})


@login_required
@require_GET
def scan_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """Where 完成 leads: straight to the form when the file held one new invoice of the
    viewer's, otherwise the file's result with a link per invoice."""
    user = _user(request)
    doc = originals.get_upload(user, document_id)
    row = document_row(doc, user)
    if row["confirm_url"]:
        return redirect(row["confirm_url"])
    return render(request, "web/scan/document.html", {"nav": "scan", "row": row, "doc": doc})


@login_required
@require_GET
def scan_original(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = originals.get_original(_user(request), document_id)
    blob = originals.read_original(doc)
    response = HttpResponse(blob, content_type="application/octet-stream")
    # Always a download: uploaded bytes are never rendered by the browser as a page.
    response.headers["Content-Disposition"] = _attachment(doc.original_name)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _attachment(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, name) or "attachment"


@login_required
@require_GET
def scan_preview(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = originals.get_original(_user(request), document_id)
    page = _page(request)
    etag = f'"{doc.sha256[:32]}-{page}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    blob = originals.read_original(doc)
    body, content_type = originals.render_preview(doc, blob, page)
    response = HttpResponse(body, content_type=content_type)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def _page(request: HttpRequest) -> int:
    text = request.GET.get("page") or "1"
    return max(1, min(int(text), 10_000)) if text.isdigit() and len(text) < 6 else 1


@login_required
@require_http_methods(["GET", "POST"])
def scan_confirm(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = _user(request)
    if invoice_id > MAX_ID:
        raise InvoiceNotFound()
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
    return render(request, "web/scan/confirm.html", context, status=422 if form.is_bound else 200)


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
    page = _page(request) if "page" in request.GET else default
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
