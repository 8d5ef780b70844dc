"""扫描上传 pages: drop or photograph invoices (the files go to POST /api/v1/documents from
scan.js), follow each file's reading (an htmx fragment polled every second), open the
original or its preview. Each file's row says, in a person's words, how its reading went
(识别中 / 完成 / 失败 with the reason), what became of each invoice in it and where to go
on; checking and submitting a new invoice is review.views.confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fapiao.accounts.models import User
from fapiao.invoices import originals
from fapiao.invoices.models import Document, DocumentState, Invoice, ReviewStatus
from fapiao.invoices.scope import visible_invoices
from fapiao.web.http import download, user_of

RECENT_UPLOADS = 20


@login_required
@require_GET
def scan_upload(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    recent = originals.visible_documents(user).filter(uploaded_by_id=user.pk).order_by("-pk")
    recent = recent[:RECENT_UPLOADS]
    max_bytes = settings.MAX_UPLOAD_BYTES
    return render(
        request,
        "invoices/scan/upload.html",
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
    user = user_of(request)
    doc = originals.get_upload(user, document_id)
    row = document_row(doc, user, existing=request.GET.get("existing") == "1")
    return render(request, "invoices/scan/_row.html", {"row": row})


@login_required
@require_GET
def scan_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """Where 完成 leads: straight to the form when the file held one new invoice of the
    viewer's, otherwise the file's result with a link per invoice."""
    user = user_of(request)
    doc = originals.get_upload(user, document_id)
    row = document_row(doc, user)
    if row["confirm_url"]:
        return redirect(row["confirm_url"])
    return render(request, "invoices/scan/document.html", {"nav": "scan", "row": row, "doc": doc})


@login_required
@require_GET
def scan_original(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = originals.get_original(user_of(request), document_id)
    blob = originals.read_original(doc)
    # Always a download: uploaded bytes are never rendered by the browser as a page.
    response = download(blob, "application/octet-stream", doc.original_name)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def scan_preview(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = originals.get_original(user_of(request), document_id)
    page = originals.page_number(request.GET.get("page"))
    etag = f'"{doc.sha256[:32]}-{page}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    blob = originals.read_original(doc)
    body, content_type = originals.render_preview(doc, blob, page)
    response = HttpResponse(body, content_type=content_type)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


# Reading takes seconds; a file queued this long means no worker is taking jobs.
STUCK_IN_QUEUE = dt.timedelta(minutes=2)
STUCK_MESSAGE = (
    "等待时间比平常长：后台识别进程可能没有运行，请联系管理员检查 fapiao worker；"
    "文件已经保存，恢复后会自动识别，不需要重新上传。"
)
FAILED_WITHOUT_REASON = "识别失败：请重新上传这个文件；如果问题持续，请联系管理员。"


def _note(text: str, kind: str = "") -> dict[str, str]:
    return {"text": text, "kind": kind}


def _link(url: str, text: str, kind: str = "") -> dict[str, str]:
    return {"url": url, "text": text, "kind": kind}


def document_row(doc: Document, viewer: User, *, existing: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "doc": doc,
        "existing": existing,
        "poll": False,
        "notes": [],
        "links": [],
        "confirm_url": "",
        "row_url": reverse("scan-row", args=[doc.pk]) + ("?existing=1" if existing else ""),
    }
    if existing:
        row["notes"].append(_note("这个文件以前上传过，下面是上次上传的结果。", "info"))
    if doc.state in (DocumentState.QUEUED, DocumentState.PROCESSING):
        queued = doc.state == DocumentState.QUEUED
        row.update(phase="reading", label="识别中", poll=True)
        row["notes"].append(_note("排队等待识别…" if queued else "正在识别…"))
        if queued and timezone.now() - doc.created_at > STUCK_IN_QUEUE:
            row["notes"].append(_note(STUCK_MESSAGE, "warn"))
    elif doc.state == DocumentState.FAILED:
        row.update(phase="failed", label="失败")
        row["notes"].append(_note(doc.error_message or FAILED_WITHOUT_REASON, "error"))
    else:
        row.update(phase="done", label="完成")
        extraction = doc.extraction or {}
        if "import" in extraction:
            _import_result(row, extraction["import"])
        else:
            _invoices_result(row, doc, viewer)
    return row


def _import_result(row: dict[str, Any], summary: dict[str, Any]) -> None:
    row["notes"].append(
        _note(
            f"平台导出文件已导入：共 {summary.get('invoices', 0)} 张发票，新增 "
            f"{summary.get('created', 0)} 张，已存在 {summary.get('existing', 0)} 张"
            f"（其中更新状态或风险标记 {summary.get('updated', 0)} 张），"
            f"未能导入 {summary.get('rejected', 0)} 行。",
            "ok",
        )
    )
    for entry in (summary.get("rejected_rows") or [])[:10]:
        row["notes"].append(_note(f"第 {entry.get('row')} 行：{entry.get('reason')}", "error"))
    row["links"].append(_link(reverse("invoice-list"), "查看发票列表"))


def _invoices_result(row: dict[str, Any], doc: Document, viewer: User) -> None:
    outcome = (doc.extraction or {}).get("outcome") or []
    ids = [o["invoice_id"] for o in outcome if o.get("invoice_id")]
    shown = visible_invoices(viewer).in_bulk(ids)
    several = len(outcome) > 1
    to_confirm: list[str] = []
    for index, entry in enumerate(outcome, start=1):
        prefix = f"第 {index} 张：" if several else ""
        invoice: Invoice | None = shown.get(entry.get("invoice_id"))
        if not entry.get("invoice_id"):
            row["notes"].append(_note(prefix + str(entry.get("error") or ""), "error"))
        elif entry.get("duplicate"):
            number = f"（发票号码 {invoice.invoice_number}）" if invoice else ""
            row["notes"].append(
                _note(
                    f"{prefix}重复：这张发票已经提交过{number}，本次上传只记为重复提交，"
                    "请勿重复报销。",
                    "warn",
                )
            )
            if invoice is not None:
                url = reverse("invoice-detail", args=[invoice.pk])
                row["links"].append(_link(url, f"查看已提交的发票 {invoice.invoice_number}"))
        elif invoice is None:
            row["notes"].append(_note(f"{prefix}已识别为发票（编号 {entry['invoice_id']}）。"))
        elif invoice.status == ReviewStatus.PROCESSING and invoice.submitter_id == viewer.pk:
            url = reverse("scan-confirm", args=[invoice.pk])
            to_confirm.append(url)
            row["links"].append(_link(url, f"核对并提交 {invoice.invoice_number}", "primary"))
        else:
            url = reverse("invoice-detail", args=[invoice.pk])
            label = invoice.get_status_display()
            row["links"].append(_link(url, f"发票 {invoice.invoice_number}（{label}）"))
    if to_confirm:
        row["notes"].insert(0, _note("识别完成：请核对识别结果后提交审核。", "ok"))
    if len(to_confirm) == 1 and len(outcome) == 1:
        row["confirm_url"] = to_confirm[0]
