"""The 发票查询 form: what the person is looking for, and an optional date range."""

from __future__ import annotations

from typing import Any

from django import forms

from fapiao.invoices.schemas import to_money
from fapiao.invoices.selectors import InvoiceFilter
from fapiao.lookup.diagnosis import LookupQuery


class LookupForm(forms.Form):
    invoice_number = forms.CharField(
        label="发票号码", max_length=40, help_text="数电票20位；旧版发票8位"
    )
    invoice_code = forms.CharField(
        label="发票代码", max_length=30, required=False, help_text="旧版发票10或12位；数电票不填"
    )
    issue_date = forms.DateField(label="开票日期", required=False, help_text="YYYY-MM-DD")
    amount = forms.CharField(label="价税合计", max_length=30, required=False)
    date_from = forms.DateField(label="筛选：开票日期起", required=False)
    date_to = forms.DateField(label="筛选：开票日期止", required=False)
    qr = forms.CharField(label="二维码内容（可选）", max_length=500, required=False)

    def clean_amount(self) -> Any:
        text = self.cleaned_data.get("amount") or ""
        try:
            return to_money(text)
        except ValueError as exc:  # PydanticCustomError is a ValueError
            raise forms.ValidationError("金额格式不对，请写成 1234.50 这样的数字。") from exc

    def to_query(self) -> LookupQuery:
        d = self.cleaned_data
        return LookupQuery(
            invoice_number=d["invoice_number"],
            invoice_code=d.get("invoice_code") or "",
            issue_date=d.get("issue_date"),
            amount=d.get("amount"),
            qr_text=d.get("qr") or "",
        )

    def to_filter(self) -> InvoiceFilter:
        d = self.cleaned_data
        return InvoiceFilter(date_from=d.get("date_from"), date_to=d.get("date_to"))
