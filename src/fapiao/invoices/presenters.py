"""Invoices as the API and the pages show them to one user: the response schemas and the
functions that fill them. Money as "1234.50" strings, labels beside slugs, and personal data
masked for roles that may not see it (scope.can_see_sensitive_fields).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from ninja import Field, Schema

from fapiao.accounts.models import User
from fapiao.api.common import fields_of
from fapiao.core.taxid import is_valid_uscc, mask_bank_account, mask_tax_id, normalize_tax_id
from fapiao.invoices.models import Invoice, LineItem, ReviewStatus, TaxStatus
from fapiao.invoices.scope import can_see_sensitive_fields, visible_invoices


class NamedRef(Schema):
    id: int
    name: str


class LineItemOut(Schema):
    position: int
    name: str
    tax_category: str
    spec: str
    unit: str
    quantity: str
    unit_price: str
    amount: str | None
    tax_rate: str
    tax_amount: str | None


class InvoiceRef(Schema):
    id: int
    invoice_code: str
    invoice_number: str
    issue_date: dt.date | None
    total_amount: str | None
    tax_status: str


class CorrectionOut(Schema):
    field: str
    before: str
    after: str
    reason: str
    user: str | None
    created_at: dt.datetime


class DuplicateOut(Schema):
    id: int
    submitted_by: str | None
    source: str
    created_at: dt.datetime


class Links(Schema):
    original_invoice: InvoiceRef | None = Field(None, description="红字发票冲销的蓝字发票")
    red_invoices: list[InvoiceRef] = Field([], description="冲销这张发票的红字发票")


class InvoiceSummary(Schema):
    id: int
    invoice_type: str
    invoice_type_name: str
    invoice_code: str
    invoice_number: str
    issue_date: dt.date | None
    region: str
    is_beijing: bool
    buyer_name: str
    buyer_tax_id: str
    seller_name: str
    seller_tax_id: str
    amount: str | None
    tax_amount: str | None
    total_amount: str | None
    tax_status: str
    tax_status_label: str
    status: str
    status_label: str
    risk_flag: str
    is_red: bool
    category: str
    department: NamedRef | None
    submitter: NamedRef | None
    has_duplicates: bool
    finding_codes: list[str]
    created_at: dt.datetime


class InvoiceDetail(InvoiceSummary):
    check_code: str
    total_amount_cn: str
    remarks: str
    issuer: str
    original_invoice_code: str
    original_invoice_number: str
    source: str
    findings: list[dict[str, Any]]
    needs_review: list[Any]
    items: list[LineItemOut]
    corrections: list[CorrectionOut]
    duplicate_submissions: list[DuplicateOut]
    links: Links
    updated_at: dt.datetime


class InvoicePage(Schema):
    items: list[InvoiceSummary]
    next_cursor: str | None = Field(None, description="下一页的 cursor；为空表示已是最后一页")
    sort: str
    total: int = Field(..., description="符合条件的发票数（最多数到 10000，再多时见 total_capped）")
    total_capped: bool = Field(..., description="为 true 时实际数量超过 total")


CENT = Decimal("0.01")
# Bank account numbers are 16-19 digits; invoice codes (10/12), numbers (8/20) and check
# codes (20) are deliberately outside that range so remarks naming a blue invoice stay legible.
BANK_ACCOUNT = re.compile(r"(?<!\d)\d(?:[ -]?\d){15,18}(?!\d)")


def field_label(name: str) -> str:
    """An invoice field's Chinese name; an unknown name is shown as it is."""
    try:
        field = Invoice._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def choice_label(choices: Any, value: str) -> str:
    """The label of `value` among `choices` (TaxStatus, Source…), or the value itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


# An id card number, read as a tax id: digits, the id's last possibly X (20-character
# personal tax ids add two digits after it).
_ID_DIGITS = re.compile(r"(?:\d+X?|\d{17}X\d{2})\Z")


def _birth_date(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def is_personal_tax_id(tax_id: str) -> bool:
    """A buyer tax id that is (or may be) a person's id number.

    An organisation's code has letters (统一社会信用代码, a misprinted one too) or, in the old
    15-character form, no birth date where an id card has one. A person's is digits (the
    last may be X): 18 (身份证号, even when its check digit was misread), 15 (first-generation
    id cards, YYMMDD at 7–12), 17 or 20 (个人 tax ids built on an id number). An 18-digit
    code holding a birth date is taken as personal even if it passes the USCC check: one in
    31 id numbers would.
    """
    code = normalize_tax_id(tax_id or "")
    if not code or not _ID_DIGITS.match(code):
        return False
    if len(code) == 18:
        return _birth_date(code[6:14]) or not is_valid_uscc(code)
    if len(code) == 15:
        return _birth_date("19" + code[6:12])
    return True


class Masker:
    """Masks personal data for one viewer: a buyer's personal id number and bank accounts
    in free text are shown in full to finance only (scope.can_see_sensitive_fields). The
    viewer's own organisation's tax id is never masked: it is the company's, not a person's,
    even when it is built on its owner's id number (个体工商户)."""

    active = True
    own_tax_id = ""

    def __init__(self, user: User) -> None:
        self.active = not can_see_sensitive_fields(user)
        organisation = user.organisation if user.organisation_id else None
        self.own_tax_id = normalize_tax_id(organisation.tax_id) if organisation else ""

    def _personal(self, tax_id: str) -> bool:
        return is_personal_tax_id(tax_id) and normalize_tax_id(tax_id) != self.own_tax_id

    def buyer_tax_id(self, tax_id: str) -> str:
        if self.active and self._personal(tax_id):
            return mask_tax_id(tax_id)
        return tax_id

    def hides_buyer_tax_id(self, tax_id: str) -> bool:
        return self.active and self._personal(tax_id)

    def text(self, text: str, *, buyer_tax_id: str = "") -> str:
        """Free text (remarks, finding messages) with bank accounts and, when personal, the
        buyer's tax id masked: the checks quote the id they found wrong."""
        if not self.active or not text:
            return text
        if self._personal(buyer_tax_id):
            text = text.replace(buyer_tax_id.strip(), mask_tax_id(buyer_tax_id))
        return BANK_ACCOUNT.sub(lambda m: mask_bank_account(m.group(0)), text)

    def findings(self, findings: list[dict[str, Any]], *, buyer_tax_id: str) -> list[Any]:
        if not self.active:
            return findings
        return [
            {**f, "message": self.text(str(f.get("message") or ""), buyer_tax_id=buyer_tax_id)}
            if isinstance(f, dict)
            else f
            for f in findings
        ]


def _named(obj: Any, name: str) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": name}


def summary(invoice: Invoice, masker: Masker) -> dict[str, Any]:
    submitter = invoice.submitter
    return {
        "id": invoice.pk,
        "invoice_type": invoice.invoice_type,
        "invoice_type_name": invoice.invoice_type_name,
        "invoice_code": invoice.invoice_code,
        "invoice_number": invoice.invoice_number,
        "issue_date": invoice.issue_date,
        "region": invoice.region,
        "is_beijing": invoice.is_beijing,
        "buyer_name": invoice.buyer_name,
        "buyer_tax_id": masker.buyer_tax_id(invoice.buyer_tax_id),
        "seller_name": invoice.seller_name,
        "seller_tax_id": invoice.seller_tax_id,
        "amount": money(invoice.amount),
        "tax_amount": money(invoice.tax_amount),
        "total_amount": money(invoice.total_amount),
        "tax_status": invoice.tax_status,
        "tax_status_label": TaxStatus(invoice.tax_status).label,
        "status": invoice.status,
        "status_label": ReviewStatus(invoice.status).label,
        "risk_flag": invoice.risk_flag,
        "is_red": invoice.is_red,
        "category": invoice.category,
        "department": _named(invoice.department, str(invoice.department)),
        "submitter": _named(submitter, str(submitter)),
        "has_duplicates": invoice.has_duplicates,
        "finding_codes": [f.get("code", "") for f in invoice.findings or []],
        "created_at": invoice.created_at,
    }


def _ref(invoice: Invoice) -> dict[str, Any]:
    return fields_of(InvoiceRef, invoice, id=invoice.pk, total_amount=money(invoice.total_amount))


def _item(item: LineItem) -> dict[str, Any]:
    return fields_of(
        LineItemOut, item, amount=money(item.amount), tax_amount=money(item.tax_amount)
    )


def detail(invoice: Invoice, user: User) -> dict[str, Any]:
    """Everything about one invoice the user may see (the caller checked it is visible)."""
    masker = Masker(user)
    visible = visible_invoices(user)
    original = None
    if invoice.original_invoice_id is not None:
        original = visible.filter(pk=invoice.original_invoice_id).first()
    reds = visible.filter(original_invoice_id=invoice.pk).order_by("issue_date", "id")
    corrections = invoice.corrections.select_related("user").order_by("created_at", "id")
    duplicates = invoice.duplicate_submissions.select_related("submitted_by").order_by(
        "created_at", "id"
    )

    def corrected(field: str, value: str) -> str:
        if field == "buyer_tax_id":
            return masker.buyer_tax_id(value)
        return masker.text(value, buyer_tax_id=invoice.buyer_tax_id)

    return {
        **summary(invoice, masker),
        "check_code": invoice.check_code,
        "total_amount_cn": invoice.total_amount_cn,
        "remarks": masker.text(invoice.remarks, buyer_tax_id=invoice.buyer_tax_id),
        "issuer": invoice.issuer,
        "original_invoice_code": invoice.original_invoice_code,
        "original_invoice_number": invoice.original_invoice_number,
        "source": invoice.source,
        "findings": masker.findings(invoice.findings or [], buyer_tax_id=invoice.buyer_tax_id),
        "needs_review": invoice.needs_review or [],
        "items": [_item(i) for i in invoice.items.all()],
        "corrections": [
            {
                "field": c.field,
                "before": corrected(c.field, c.before),
                "after": corrected(c.field, c.after),
                "reason": c.reason,
                "user": None if c.user is None else str(c.user),
                "created_at": c.created_at,
            }
            for c in corrections
        ],
        "duplicate_submissions": [
            {
                "id": d.pk,
                "submitted_by": None if d.submitted_by is None else str(d.submitted_by),
                "source": d.source,
                "created_at": d.created_at,
            }
            for d in duplicates
        ],
        "links": {
            "original_invoice": None if original is None else _ref(original),
            "red_invoices": [_ref(r) for r in reds],
        },
        "updated_at": invoice.updated_at,
    }
