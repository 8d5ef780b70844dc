"""Writes of invoices: record a new one (with identity, category, findings, red-invoice
links and duplicate detection), correct one field by field with an audit record, and
change a tax status (作废 / 红冲), the one way every path does it.

The apps above are told through fapiao.invoices.signals, inside the same transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.core import codes
from fapiao.core.invoice import InvoiceData
from fapiao.core.taxid import mask_tax_id
from fapiao.errors import DuplicateInvoice, InvalidInvoiceData
from fapiao.invoices import signals
from fapiao.invoices.models import (
    Document,
    DuplicateSubmission,
    FieldCorrection,
    Invoice,
    LineItem,
    Source,
    TaxStatus,
)
from fapiao.invoices.prepare import (
    MONEY_FIELDS,
    TEXT_FIELDS,
    apply_data,
    findings_of,
    invoice_to_data,
    line_items,
    prepare_invoice,
    recompute_findings,
    require_identity,
)

log = logging.getLogger(__name__)

CORRECTABLE_FIELDS = (*TEXT_FIELDS, *MONEY_FIELDS, "issue_date", "tax_status")
# Keys per IN (...) list: well under every database's parameter limit (SQLite's default
# is 32,766 since 3.32), and few enough round trips per batch.
IN_CHUNK = 2_000
# The source (and correction reason) of a status that red invoices give their blue one.
RED_REVERSAL = "红字发票冲销"


def _replace_items(invoice: Invoice, data: InvoiceData) -> None:
    invoice.items.all().delete()
    LineItem.objects.bulk_create(line_items(invoice, data))


def _link_red_invoices(invoice: Invoice) -> None:
    """Tie red invoices to the blue ones they reverse, whichever arrives first."""
    if invoice.is_red and invoice.original_invoice_number:
        key = codes.identity_key(
            invoice.original_invoice_code or None, invoice.original_invoice_number
        )
        blue = Invoice.objects.filter(
            organisation_id=invoice.organisation_id, identity_key=key
        ).first()
        if blue is not None:
            invoice.original_invoice = blue
            Invoice.objects.filter(pk=invoice.pk).update(original_invoice=blue)
            _mark_reversed(blue)
    elif not invoice.is_red:
        reds = Invoice.objects.filter(
            organisation_id=invoice.organisation_id,
            is_red=True,
            original_invoice__isnull=True,
            original_invoice_number=invoice.invoice_number,
            original_invoice_code=invoice.invoice_code,
        )
        if reds.update(original_invoice=invoice):
            _mark_reversed(invoice)


def _mark_reversed(blue: Invoice) -> None:
    status = reversal_statuses({blue.pk: blue.total_amount}).get(blue.pk)
    if status is not None:
        set_tax_status(invoice=blue, status=status, source=RED_REVERSAL, reason=RED_REVERSAL)


def reversal_statuses(totals: Mapping[int, Decimal | None]) -> dict[int, str]:
    """The status the red invoices tied to each blue one give it (blue id -> its total;
    at most IN_CHUNK of them): red_full when they reverse the whole total, red_partial
    when less; blue invoices that nothing reverses are left out."""
    reversed_by = dict(
        Invoice.objects.filter(original_invoice_id__in=list(totals))
        .values("original_invoice_id")
        .annotate(total=Sum("total_amount"))
        .values_list("original_invoice_id", "total")
    )
    out: dict[int, str] = {}
    for pk, total in totals.items():
        reversed_total = -(reversed_by.get(pk) or Decimal(0))
        if total is None or reversed_total <= 0:
            continue
        out[pk] = TaxStatus.RED_FULL if reversed_total >= total else TaxStatus.RED_PARTIAL
    return out


def record_invoice(
    *,
    organisation: Organisation,
    data: InvoiceData,
    submitter: User | None,
    department: Department | None = None,
    source: str = Source.API,
    document: Document | None = None,
    extraction: dict[str, Any] | None = None,
) -> Invoice:
    """Store a new invoice, or raise DuplicateInvoice after linking the second submission.

    `extraction` carries confidence, sources and needs_review from the reader.
    """
    invoice = prepare_invoice(
        organisation=organisation,
        data=data,
        submitter=submitter,
        department=department,
        source=source,
        extraction=extraction,
    )
    try:
        with transaction.atomic():
            invoice.save()
            _replace_items(invoice, data)
            signals.invoices_recorded.send(
                sender=Invoice,
                organisation_id=organisation.pk,
                invoice_ids=[invoice.pk],
                created=True,
            )
            _link_red_invoices(invoice)
            if document is not None:
                Document.objects.filter(pk=document.pk).update(invoice=invoice)
    except IntegrityError:
        existing = Invoice.objects.filter(
            organisation=organisation, identity_key=invoice.identity_key
        ).first()
        if existing is None:
            raise
        _record_duplicate(existing, submitter=submitter, document=document, source=source)
        raise DuplicateInvoice(existing_id=existing.pk) from None
    log.info(
        "invoice %s recorded for org %s (seller %s)",
        invoice.pk,
        organisation.pk,
        mask_tax_id(invoice.seller_tax_id),
    )
    return invoice


def _record_duplicate(
    existing: Invoice, *, submitter: User | None, document: Document | None, source: str
) -> None:
    with transaction.atomic():
        DuplicateSubmission.objects.create(
            invoice=existing, submitted_by=submitter, document=document, source=source
        )
        if document is not None:
            Document.objects.filter(pk=document.pk).update(invoice=existing)
        if not existing.has_duplicates:
            existing.has_duplicates = True
            recompute_findings(existing)
            existing.save(update_fields=["has_duplicates", "findings", "updated_at"])


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def correct_invoice(
    *, invoice: Invoice, user: User, changes: dict[str, Any], reason: str = ""
) -> Invoice:
    """Apply a person's corrections; each changed field leaves an append-only record (the
    tax status through set_tax_status, as every change of it)."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise InvalidInvoiceData(
            [{"field": name, "message": "该字段不能修改"} for name in unknown],
            detail=f"这些字段不能修改：{'、'.join(unknown)}。",
        )
    fields = {name: value for name, value in changes.items() if name != "tax_status"}
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        data = invoice_to_data(locked)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(data, name, value)
        require_identity(data)
        apply_data(locked, data)
        locked.findings = findings_of(locked, data)
        records = [
            FieldCorrection(
                invoice=locked,
                user=user,
                field=name,
                before=_as_text(before[name]),
                after=_as_text(getattr(locked, name)),
                reason=reason[:500],
            )
            for name in fields
            if _as_text(before[name]) != _as_text(getattr(locked, name))
        ]
        if records:
            _refuse_identity_clash(locked)
            locked.save()
            FieldCorrection.objects.bulk_create(records)
            signals.invoices_recorded.send(
                sender=Invoice,
                organisation_id=locked.organisation_id,
                invoice_ids=[locked.pk],
                created=False,
            )
        if "tax_status" in changes:
            set_tax_status(
                invoice=locked,
                status=changes["tax_status"] or TaxStatus.NORMAL,
                actor=user,
                source=f"人工更正：{reason}" if reason else "人工更正",
                reason=reason,
            )
        if records and {"original_invoice_number", "original_invoice_code", "total_amount"} & set(
            fields
        ):
            _link_red_invoices(locked)
    return locked


def _refuse_identity_clash(invoice: Invoice) -> None:
    clash = (
        Invoice.objects.filter(
            organisation_id=invoice.organisation_id, identity_key=invoice.identity_key
        )
        .exclude(pk=invoice.pk)
        .first()
    )
    if clash is not None:
        raise DuplicateInvoice(
            existing_id=clash.pk,
            detail=f"改正后的发票代码和号码与已有发票（编号 {clash.pk}）相同：请核对后再修改。",
        )


def set_tax_status(
    *, invoice: Invoice, status: str, actor: User | None = None, source: str, reason: str = ""
) -> bool:
    """Change the tax status (作废 / 红冲) of a stored invoice; False when it already has it.

    The one way every path changes it (a correction, red invoices, the platform import,
    the upstream sync): the status and its findings (a void invoice is not reimbursable)
    are saved, a FieldCorrection records it (user: `actor`, None for the platform and red
    invoices; `reason` as the person gave it) and signals.tax_status_changed tells the
    apps above (`source`: where the change came from, in Chinese), all in one transaction.
    """
    return _change_tax_statuses([(invoice, status)], actor=actor, source=source, reason=reason) > 0


def set_tax_statuses(
    *, statuses: Mapping[int, str], actor: User | None = None, source: str, reason: str = ""
) -> int:
    """set_tax_status for many invoices (invoice id -> status), as bulk loads change them;
    how many changed. Status changes are rare, so each changed invoice is checked again
    one by one, with its line items read a chunk at a time."""
    ids = sorted(statuses)
    changed = 0
    for start in range(0, len(ids), IN_CHUNK):
        invoices = (
            Invoice.objects.filter(pk__in=ids[start : start + IN_CHUNK])
            .select_related("submitter")
            .prefetch_related("items")
        )
        changed += _change_tax_statuses(
            [(invoice, statuses[invoice.pk]) for invoice in invoices],
            actor=actor,
            source=source,
            reason=reason,
        )
    return changed


def _change_tax_statuses(
    changes: Sequence[tuple[Invoice, str]], *, actor: User | None, source: str, reason: str
) -> int:
    """What a change of tax status involves, for set_tax_status and set_tax_statuses."""
    wrong = sorted({status for _, status in changes if status not in TaxStatus.values})
    if wrong:
        raise InvalidInvoiceData(
            [{"field": "tax_status", "message": "没有这种发票状态"}],
            detail=f"没有这种发票状态：{'、'.join(wrong)}；可选：{'、'.join(TaxStatus.values)}。",
        )
    changed = [(invoice, status) for invoice, status in changes if invoice.tax_status != status]
    if not changed:
        return 0
    now = timezone.now()
    records = []
    with transaction.atomic():
        for invoice, status in changed:
            records.append(
                FieldCorrection(
                    invoice=invoice,
                    user=actor,
                    field="tax_status",
                    before=invoice.tax_status,
                    after=status,
                    reason=reason[:500],
                )
            )
            invoice.tax_status = status
            recompute_findings(invoice)
            invoice.updated_at = now
        Invoice.objects.bulk_update(
            [invoice for invoice, _ in changed], ["tax_status", "findings", "updated_at"]
        )
        FieldCorrection.objects.bulk_create(records)
        for record in records:
            change = signals.TaxStatusChanged(
                invoice=record.invoice,
                before=record.before,
                after=record.after,
                actor=actor,
                source=source,
                correction=record,
            )
            signals.tax_status_changed.send(sender=Invoice, change=change)
    return len(changed)
