"""The form of 核对并提交: the fields a person checks against the original, with the ones
the reader doubted highlighted and a note saying why; each change becomes a FieldCorrection
when the invoice is submitted (review.submission)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from fapiao.accounts.models import User
from fapiao.invoices.forms import date_field, money_field
from fapiao.invoices.models import Invoice
from fapiao.invoices.presenters import Masker, field_label

DOUBTFUL_BELOW = 0.9  # the reader's own threshold for needs_review (reader.resolve)


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


def _money(label: str) -> forms.DecimalField:
    return money_field(label, autocomplete="off")


class ConfirmForm(forms.Form):
    """The fields a person can check against the original, grouped as printed."""

    invoice_code = _text("发票代码", 12, mono=True)
    invoice_number = _text("发票号码", 20, mono=True)
    issue_date = date_field("开票日期")
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
        masker = Masker(viewer)
        if masker.hides_buyer_tax_id(invoice.buyer_tax_id):
            field = self.fields["buyer_tax_id"]
            field.disabled = True
            self.initial["buyer_tax_id"] = masker.buyer_tax_id(invoice.buyer_tax_id)
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


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(value, Decimal):
        if stored is None or value is None:
            return stored is None and value is None
        return Decimal(stored) == Decimal(value)
    if isinstance(stored, dt.date) or isinstance(value, dt.date):
        return stored == value
    return (stored or "") == (value or "")


def doubtful_fields(invoice: Invoice) -> set[str]:
    """Fields the reader flagged, or read with less than DOUBTFUL_BELOW confidence; a
    finding of error severity about a field asks for the same look."""
    names = {str(n) for n in invoice.needs_review or []}
    names |= {str(name) for name, value in (invoice.confidence or {}).items() if _below(value)}
    return names | _error_fields(invoice)


def _error_fields(invoice: Invoice) -> set[str]:
    return {
        str(f["field"])
        for f in invoice.findings or []
        if isinstance(f, dict) and f.get("severity") == "error" and f.get("field")
    }


def doubt_notes(invoice: Invoice, doubtful: set[str]) -> dict[str, str]:
    """Why each doubtful field is highlighted, in the order the reader listed them."""
    confidence = invoice.confidence or {}
    errors = _error_fields(invoice)
    notes: dict[str, str] = {}
    for name in sorted(doubtful):
        value = getattr(invoice, name, None)
        label = field_label(name) if name != "items" else "明细"
        if name in errors:
            text = "检查发现问题（见检查结果）：请对照原件核对"
        elif value in (None, "") and name != "items":
            text = "没有读出：请对照原件填写"
        elif _below(confidence.get(name)):
            text = f"识别把握不大（{float(confidence[name]):.0%}）：请对照原件核对"
        else:
            text = "需要人工核对：请对照原件核对"
        # Fields outside the form are listed on their own, so they carry their name.
        notes[name] = text if name in ConfirmForm.base_fields else f"{label}：{text}"
    return notes


def _below(value: Any) -> bool:
    try:
        return float(value) < DOUBTFUL_BELOW
    except (TypeError, ValueError):
        return False
