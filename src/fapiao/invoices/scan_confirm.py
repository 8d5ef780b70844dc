"""Check a reading and submit it: the form beside the original where the uploader corrects
what the reader got wrong (each change a FieldCorrection) and presses 提交审核, which moves
the invoice from processing to pending_review through the review state machine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction

from fapiao.accounts.models import User
from fapiao.invoices import services
from fapiao.invoices.models import Invoice
from fapiao.invoices.presenters import Masker, is_personal_tax_id

CONFIRM_REASON = "上传识别后由提交人核对"
DOUBTFUL_BELOW = 0.9  # the reader's own threshold for needs_review (reader.resolve)
MONEY_ERROR = "应为金额，例如 1234.50（最多两位小数）"
DATE_ERROR = "日期格式应为 YYYY-MM-DD，例如 2026-11-28"


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=18,
        decimal_places=2,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": MONEY_ERROR,
            "max_decimal_places": MONEY_ERROR,
            "max_digits": "金额过大：请核对",
            "max_whole_digits": "金额过大：请核对",
        },
    )


def _text(label: str, max_length: int, *, mono: bool = False) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false"}
    if mono:
        attrs["class"] = "mono"
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"max_length": f"最多 {max_length} 个字符：请核对"},
    )


class ConfirmForm(forms.Form):
    """The fields a person can check against the original, grouped as printed."""

    invoice_code = _text("发票代码", 12, mono=True)
    invoice_number = _text("发票号码", 20, mono=True)
    issue_date = forms.DateField(
        label="开票日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    check_code = _text("校验码", 20, mono=True)
    buyer_name = _text("购买方名称", 200)
    buyer_tax_id = _text("购买方纳税人识别号", 20, mono=True)
    seller_name = _text("销售方名称", 200)
    seller_tax_id = _text("销售方纳税人识别号", 20, mono=True)
    amount = _money("合计金额")
    tax_amount = _money("合计税额")
    total_amount = _money("价税合计")
    remarks = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    GROUPS = (
        ("发票", ("invoice_code", "invoice_number", "issue_date", "check_code")),
        ("购买方", ("buyer_name", "buyer_tax_id")),
        ("销售方", ("seller_name", "seller_tax_id")),
        ("金额", ("amount", "tax_amount", "total_amount")),
        ("其他", ("remarks",)),
    )

    def __init__(self, data: Any = None, *, invoice: Invoice, viewer: User) -> None:
        initial = {name: getattr(invoice, name) for name in self.base_fields}
        super().__init__(data, initial=initial)
        self.invoice = invoice
        self.doubtful = doubtful_fields(invoice)
        # A person's id number stays masked for roles that may not see it, so it cannot be
        # edited by them either.
        if Masker(viewer).active and is_personal_tax_id(invoice.buyer_tax_id):
            field = self.fields["buyer_tax_id"]
            field.disabled = True
            self.initial["buyer_tax_id"] = Masker(viewer).buyer_tax_id(invoice.buyer_tax_id)
        for name, field in self.fields.items():
            if name in self.doubtful:
                field.widget.attrs["aria-describedby"] = f"doubt-{name}"
                field.widget.attrs["data-doubtful"] = "true"

    def clean_invoice_number(self) -> str:
        value = str(self.cleaned_data.get("invoice_number") or "").strip()
        if not value:
            raise forms.ValidationError("请填写发票号码（8 位或 20 位数字）")
        return value

    def _clean_tax_id(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "").strip().upper()

    def clean_buyer_tax_id(self) -> str:
        return self._clean_tax_id("buyer_tax_id")

    def clean_seller_tax_id(self) -> str:
        return self._clean_tax_id("seller_tax_id")

    def changes(self) -> dict[str, Any]:
        """The fields whose checked value differs from what the reader stored."""
        found: dict[str, Any] = {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            value = self.cleaned_data.get(name)
            if isinstance(value, str):
                value = value.strip()
            if _same(getattr(self.invoice, name), value):
                continue
            found[name] = value if value != "" else None
        return found

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(value, Decimal):
        if stored is None or value is None:
            return stored is None and value is None
        return Decimal(stored) == Decimal(value)
    if isinstance(stored, dt.date) or isinstance(value, dt.date):
        return stored == value
    return (stored or "") == (value or "")


def doubtful_fields(invoice: Invoice) -> set[str]:
    """Fields the reader flagged, or read with less than DOUBTFUL_BELOW confidence."""
    names = {str(n) for n in invoice.needs_review or []}
    for name, confidence in (invoice.confidence or {}).items():
        try:
            if float(confidence) < DOUBTFUL_BELOW:
                names.add(str(name))
        except (TypeError, ValueError):
            continue
    # A finding of error severity about a field asks for the same look.
    for finding in invoice.findings or []:
        if (
            isinstance(finding, dict)
            and finding.get("severity") == "error"
            and finding.get("field")
        ):
            names.add(str(finding["field"]))
    return names


def confirm_and_submit(*, invoice: Invoice, user: User, changes: dict[str, Any]) -> Invoice:
    """Apply the uploader's corrections and submit the invoice for review, all or nothing.

    Raises InvalidInvoiceData / DuplicateInvoice (a correction is refused) and the review
    machine's TransitionNotAllowed / PermissionDenied (not the submitter, already submitted).
    """
    from fapiao.review.services import apply_transition

    with transaction.atomic():
        if changes:
            invoice = services.correct_invoice(
                invoice=invoice, user=user, changes=changes, reason=CONFIRM_REASON
            )
        apply_transition(invoice=invoice, actor=user, action="submit")
    return invoice
