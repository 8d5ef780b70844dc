"""An invoice's stored form, worked out from its data: the header fields, identity, region,
default spending category, findings, and its line items. Writes nothing: services.py
records what this prepares, bulk_prepare.py prepares many (in a child process when large).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.core import codes, taxonomy
from fapiao.core import invoice as invoice_fields
from fapiao.core.categories import tax_category
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.rules import check_invoice
from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import fastinsert
from fapiao.invoices.models import Invoice, LineItem, Source, TaxStatus

# Header fields copied one to one between InvoiceData and Invoice ("" for None in text).
TEXT_FIELDS = (*invoice_fields.TEXT_FIELDS, *invoice_fields.RED_LINK_FIELDS)
MONEY_FIELDS = invoice_fields.MONEY_FIELDS


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


def data_values(data: InvoiceData) -> dict[str, Any]:
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
    # The default spending category; fapiao.analytics applies the organisation's rules
    # (told by signals.invoices_recorded), so both recording paths categorise alike.
    values["category"] = taxonomy.invoice_category(data.items)
    return values


def apply_data(invoice: Invoice, data: InvoiceData) -> None:
    for name, value in data_values(data).items():
        setattr(invoice, name, value)


def findings_of(
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


def recompute_findings(invoice: Invoice) -> None:
    """Check a stored invoice again, after its tax status or duplicate flag changed (its
    line items are read through invoice.items: prefetch them when checking many)."""
    invoice.findings = findings_of(invoice, invoice_to_data(invoice))


def require_identity(data: InvoiceData) -> None:
    if not (data.invoice_number or "").strip():
        raise InvalidInvoiceData(
            [{"field": "invoice_number", "message": "缺少发票号码"}],
            detail="缺少发票号码：请填写发票上的 8 位或 20 位发票号码后再提交。",
        )


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
    require_identity(data)
    department = department or (submitter.department if submitter else None)
    values = data_values(data)
    values["organisation_id"] = organisation.pk
    values["submitter_id"] = submitter.pk if submitter else None
    values["department_id"] = department.pk if department else None
    values["source"] = source
    if extraction:
        values["confidence"] = extraction.get("confidence") or {}
        values["sources"] = extraction.get("sources") or {}
        values["needs_review"] = extraction.get("needs_review") or []
    invoice = fastinsert.new_instance(Invoice, values)
    # As Invoice(organisation=…, …) would: the related objects are at hand, not re-read.
    for name, related in (
        ("organisation", organisation),
        ("submitter", submitter),
        ("department", department),
    ):
        Invoice._meta.get_field(name).set_cached_value(invoice, related)  # type: ignore[union-attr]
    invoice.findings = findings_of(invoice, data, on=on)
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
