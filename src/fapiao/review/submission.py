"""Submitting an uploaded invoice for review once its uploader has checked the reading
(核对并提交): the corrections and the submit transition together, all or nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fapiao.accounts.models import User
from fapiao.invoices import services as invoice_services
from fapiao.invoices.models import Invoice
from fapiao.review.services import apply_transition

CONFIRM_REASON = "上传识别后由提交人核对"


def confirm_and_submit(*, invoice: Invoice, user: User, changes: dict[str, Any]) -> Invoice:
    """Apply the uploader's corrections and submit the invoice for review.

    Raises InvalidInvoiceData / DuplicateInvoice (a correction is refused) and the review
    machine's TransitionNotAllowed / PermissionDenied (not the submitter, already submitted).
    """
    with transaction.atomic():
        if changes:
            invoice = invoice_services.correct_invoice(
                invoice=invoice, user=user, changes=changes, reason=CONFIRM_REASON
            )
        apply_transition(invoice=invoice, actor=user, action="submit")
    return invoice
