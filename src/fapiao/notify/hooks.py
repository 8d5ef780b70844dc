"""What this app tells people of on its own, as a receiver of fapiao.invoices.signals: a
document that could not be read, and an invoice whose tax status changed (voided,
reversed) - each told to the person who uploaded or submitted it.

The tax status notice is written inside the transaction that made the change; the reading
notice right after the reading step. connect() is called by NotifyConfig.ready()."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse

from fapiao.invoices import signals
from fapiao.invoices.models import Document, TaxStatus
from fapiao.notify.models import MessageTemplate
from fapiao.notify.render import forget_templates
from fapiao.notify.services import notify

log = logging.getLogger(__name__)

READING_ADVICE = (
    "请检查文件是否为发票原件：照片要拍清楚整张发票（光线充足、不反光、二维码完整），"
    "或直接上传开票方提供的 PDF / OFD / XML 文件，然后重新上传。"
)
TAX_STATUS_ADVICE = {
    "voided": "已作废的发票不能报销：请联系销售方重新开具，或撤回这张发票。",
    "red_full": "已全额红冲的发票不能报销：请联系销售方重新开具，或撤回这张发票。",
    "red_partial": "部分红冲后只能按冲销后的金额报销：请核对金额，必要时联系审核员。",
}


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def reading_failed(sender: Any, *, document: Document, **kwargs: Any) -> int:
    """signals.document_reading_failed: tell the uploader that their file could not be
    read, why, and what to do."""
    uploader = document.uploaded_by
    if uploader is None:
        return 0
    name = document.original_name or "上传的文件"
    reason = document.error_message or "无法从文件中识别出发票。"
    try:
        return _reading_failed(document, uploader, name, reason)
    except Exception:
        # The document's state is saved; a notice that cannot be written must not turn
        # the reading job into an error.
        log.exception("could not notify the uploader of document %s", document.pk)
        return 0


def _reading_failed(document: Document, uploader: Any, name: str, reason: str) -> int:
    return notify(
        event="reading_failed",
        recipients=[uploader],
        title=f"“{name[:80]}”未能识别",
        body=f"{reason}\n{READING_ADVICE}",
        link=_url("scan-document", document.pk) or _url("scan-upload"),
        # One notice per attempt: a reprocess that fails again is told again.
        dedupe_key=f"reading-failed-{document.pk}-{document.attempts}",
    )


def _label(value: str) -> str:
    return TaxStatus(value).label if value in TaxStatus.values else value


def tax_status_changed(sender: Any, *, change: signals.TaxStatusChanged, **kwargs: Any) -> None:
    """signals.tax_status_changed, sent by every path that changes one (platform import,
    upstream sync, red invoices, corrections, bulk loads): tell the submitter."""
    invoice, after = change.invoice, change.after
    submitter = invoice.submitter
    if submitter is None or (change.actor is not None and change.actor.pk == submitter.pk):
        return  # nobody to tell, or they made the change themselves
    seller = f"（{invoice.seller_name}）" if invoice.seller_name else ""
    source = f"（来源：{change.source}）" if change.source else ""
    notify(
        event="tax_status_changed",
        recipients=[submitter],
        title=f"发票 {invoice.invoice_number} 变为“{_label(after)}”",
        body=(
            f"您提交的发票 {invoice.invoice_number}{seller}的发票状态由“{_label(change.before)}”"
            f"变为“{_label(after)}”{source}。" + TAX_STATUS_ADVICE.get(after, "")
        ),
        link=_url("invoice-detail", invoice.pk),
        invoice=invoice,
        # The correction record is the one change: a status that changes again is told again.
        dedupe_key=f"tax-status-change-{change.correction.pk}",
    )


def connect() -> None:
    post_save.connect(forget_templates, sender=MessageTemplate, dispatch_uid="notify-tpl-save")
    post_delete.connect(forget_templates, sender=MessageTemplate, dispatch_uid="notify-tpl-del")
    signals.tax_status_changed.connect(tax_status_changed, dispatch_uid="notify-tax-status")
    signals.document_reading_failed.connect(reading_failed, dispatch_uid="notify-reading-failed")
