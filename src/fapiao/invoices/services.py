"""Writes of invoices: record a new one (with identity, findings, red-invoice links and
duplicate detection) and correct one field by field with an audit record."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.core import codes
from fapiao.core import invoice as invoice_fields
from fapiao.core.categories import tax_category
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.rules import check_invoice
from fapiao.core.taxid import mask_tax_id
from fapiao.errors import DuplicateInvoice, InvalidInvoiceData
from fapiao.invoices.models import (
    Document,
    DuplicateSubmission,
    FieldCorrection,
    Invoice,
    LineItem,
    Source,
    TaxStatus,
)

log = logging.getLogger(__name__)

# Header fields copied one to one between InvoiceData and Invoice ("" for None in text).
TEXT_FIELDS = (*invoice_fields.TEXT_FIELDS, *invoice_fields.RED_LINK_FIELDS)
MONEY_FIELDS = invoice_fields.MONEY_FIELDS
CORRECTABLE_FIELDS = (*TEXT_FIELDS, *MONEY_FIELDS, "issue_date", "tax_status")


def today() -> dt.date:
    return timezone.localdate()


def invoice_to_data(invoice: Invoice, items: list[LineItem] | None = None) -> InvoiceData:
    """The pure view of a stored invoice, for the rules of fapiao.core."""
    data = InvoiceData(
        issue_date=invoice.issue_date,
        tax_status=invoice.tax_status,
        is_red=invoice.is_red,
        items=[
            LineItemData(
                name=item.name,
                tax_category=item.tax_category or None,
                spec=item.spec or None,
                unit=item.unit or None,
                quantity=item.quantity or None,
                unit_price=item.unit_price or None,
                amount=item.amount,
                tax_rate=item.tax_rate or None,
                tax_amount=item.tax_amount,
            )
            for item in (items if items is not None else invoice.items.all())
        ],
    )
    for name in TEXT_FIELDS:
        setattr(data, name, getattr(invoice, name) or None)
    for name in MONEY_FIELDS:
        setattr(data, name, getattr(invoice, name))
    return data


def _main_category(data: InvoiceData) -> str:
    # The line with the largest amount decides; issue 6 maps it onto spending categories.
    best = max(
        (i for i in data.items if tax_category(i.name) or i.tax_category),
        key=lambda i: abs(i.amount or Decimal(0)),
        default=None,
    )
    if best is None:
        return ""
    return best.tax_category or tax_category(best.name) or ""


def _data_values(data: InvoiceData) -> dict[str, Any]:
    """The Invoice fields (by attribute name) that follow from `data`."""
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = getattr(data, name)
        values[name] = value.strip() if isinstance(value, str) else ""
    for name in MONEY_FIELDS:
        values[name] = getattr(data, name)
    values["issue_date"] = data.issue_date
    values["tax_status"] = data.tax_status or TaxStatus.NORMAL
    total = data.total_amount
    values["is_red"] = bool(data.is_red or (total is not None and total < 0))
    code, number = values["invoice_code"], values["invoice_number"]
    info = codes.decode(code or None, number or None)
    if info is not None and info.region:
        values["region"] = info.region
    values["is_beijing"] = bool(info and info.is_beijing)
    values["identity_key"] = codes.identity_key(code or None, number)
    values["category"] = _main_category(data)
    return values


def _apply_data(invoice: Invoice, data: InvoiceData) -> None:
    for name, value in _data_values(data).items():
        setattr(invoice, name, value)


@cache
def _invoice_defaults() -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """(attribute name, constant default, default factory) per column, in model order."""
    out = []
    for f in Invoice._meta.concrete_fields:
        factory = f.get_default if callable(f.default) else None
        out.append((f.attname, None if factory else f.get_default(), factory))
    return tuple(out)


def _new_invoice(values: dict[str, Any]) -> Invoice:
    """Invoice(**fields), 10x faster, which matters when loading a million rows.

    Model.__init__ only stores each column's value under its attribute name in a new
    ModelState'd instance (and sends pre_init/post_init); with nobody listening to those
    for Invoice, the values are stored directly."""
    row = {
        name: values[name] if name in values else (factory() if factory else default)
        for name, default, factory in _invoice_defaults()
    }
    if signals.pre_init.has_listeners(Invoice) or signals.post_init.has_listeners(Invoice):
        return Invoice(**row)
    invoice = Invoice.__new__(Invoice)
    invoice._state = ModelState()
    invoice.__dict__.update(row)
    return invoice


def _findings(
    invoice: Invoice, data: InvoiceData, *, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """`on`: the day the checks run (today); bulk loads look it up once, not per row."""
    found = [f.to_dict() for f in check_invoice(data, today=on or today())]
    if invoice.has_duplicates:
        found.append(
            {
                "code": "duplicate",
                "severity": "warning",
                "field": None,
                "message": "这张发票被重复提交过：请核对是否重复报销（详见重复提交记录）。",
            }
        )
    return found


def _require_identity(data: InvoiceData) -> None:
    if not (data.invoice_number or "").strip():
        raise InvalidInvoiceData(
            [{"field": "invoice_number", "message": "缺少发票号码"}],
            detail="缺少发票号码：请填写发票上的 8 位或 20 位发票号码后再提交。",
        )


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
    reversed_total = sum(
        (-(r.total_amount or Decimal(0)) for r in blue.red_invoices.all()), Decimal(0)
    )
    if blue.total_amount is None or reversed_total <= 0:
        return
    status = TaxStatus.RED_FULL if reversed_total >= blue.total_amount else TaxStatus.RED_PARTIAL
    before = blue.tax_status
    Invoice.objects.filter(pk=blue.pk).update(tax_status=status, updated_at=timezone.now())
    blue.tax_status = status
    # The review app records it and tells the reviewer when the invoice is under review.
    from fapiao.review.alerts import tax_status_changed

    tax_status_changed(invoice=blue, before=before, after=status, source="红字发票冲销")


def prepare_invoice(
    *,
    organisation: Organisation,
    data: InvoiceData,
    submitter: User | None,
    department: Department | None = None,
    source: str = Source.API,
    extraction: dict[str, Any] | None = None,
    on: dt.date | None = None,
) -> Invoice:
    """An unsaved Invoice with identity, region, category and findings worked out.

    record_invoice() saves one with its checks; bulk loaders save many at once (and pass
    `on`, the day the checks run, once for all rows).
    """
    _require_identity(data)
    department = department or (submitter.department if submitter else None)
    values = _data_values(data)
    values["organisation_id"] = organisation.pk
    values["submitter_id"] = submitter.pk if submitter else None
    values["department_id"] = department.pk if department else None
    values["source"] = source
    if extraction:
        values["confidence"] = extraction.get("confidence") or {}
        values["sources"] = extraction.get("sources") or {}
        values["needs_review"] = extraction.get("needs_review") or []
    invoice = _new_invoice(values)
    # As Invoice(organisation=…, …) would: the related objects are at hand, not re-read.
    for name, related in (
        ("organisation", organisation),
        ("submitter", submitter),
        ("department", department),
    ):
        Invoice._meta.get_field(name).set_cached_value(invoice, related)  # type: ignore[union-attr]
    invoice.findings = _findings(invoice, data, on=on)
    return invoice


def line_items(invoice: Invoice | int, data: InvoiceData) -> list[LineItem]:
    """Unsaved LineItem rows for `data`'s items (the invoice must have its pk; a bulk load,
    which keeps no Invoice instances, passes the id)."""
    of: dict[str, Invoice | int] = (
        {"invoice": invoice} if isinstance(invoice, Invoice) else {"invoice_id": invoice}
    )
    return [
        LineItem(
            **of,
            position=pos,
            name=item.name[:300],
            tax_category=(item.tax_category or tax_category(item.name) or "")[:60],
            spec=(item.spec or "")[:100],
            unit=(item.unit or "")[:20],
            quantity=(item.quantity or "")[:30],
            unit_price=(item.unit_price or "")[:30],
            amount=item.amount,
            tax_rate=(item.tax_rate or "")[:10],
            tax_amount=item.tax_amount,
        )
        for pos, item in enumerate(data.items, start=1)
    ]


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
            existing.findings = _findings(existing, invoice_to_data(existing))
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
    """Apply a person's corrections; each changed field leaves an append-only record."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise InvalidInvoiceData(
            [{"field": name, "message": "该字段不能修改"} for name in unknown],
            detail=f"这些字段不能修改：{'、'.join(unknown)}。",
        )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        data = invoice_to_data(locked)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(data, name, value)
        _require_identity(data)
        _apply_data(locked, data)
        locked.findings = _findings(locked, data)
        records = [
            FieldCorrection(
                invoice=locked,
                user=user,
                field=name,
                before=_as_text(before[name]),
                after=_as_text(getattr(locked, name)),
                reason=reason[:500],
            )
            for name in changes
            if _as_text(before[name]) != _as_text(getattr(locked, name))
        ]
        if not records:
            return locked
        clash = (
            Invoice.objects.filter(
                organisation_id=locked.organisation_id, identity_key=locked.identity_key
            )
            .exclude(pk=locked.pk)
            .first()
        )
        if clash is not None:
            raise DuplicateInvoice(
                existing_id=clash.pk,
                detail=f"改正后的发票代码和号码与已有发票（编号 {clash.pk}）相同：请核对后再修改。",
            )
        locked.save()
        FieldCorrection.objects.bulk_create(records)
        if before.get("tax_status", locked.tax_status) != locked.tax_status:
            from fapiao.review.alerts import tax_status_changed

            tax_status_changed(
                invoice=locked,
                before=before["tax_status"],
                after=locked.tax_status,
                actor=user,
                source=f"人工更正：{reason}" if reason else "人工更正",
            )
        if {"original_invoice_number", "original_invoice_code", "total_amount"} & set(changes):
            _link_red_invoices(locked)
    return locked
